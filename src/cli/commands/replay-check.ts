import type { Command } from 'commander';
import { Option } from 'commander';
import pino from 'pino';
import type { Config } from '../../config';
import { REDACTED_PATHS } from '../../logger';
import {
  HistoryFileError,
  fetchHistories,
  listOnboardingRuns,
  onboardingRunsQuery,
  readHistoryFile,
} from '../../client/history-sources';
import type { NamedHistory } from '../../client/history-sources';
import { replayCheck } from '../../client/replay-check';
import type { ReplayCheckOptions, ReplayCheckResult, ReplayOutcome } from '../../client/replay-check';
import { createDataConverter } from '../../temporal/data-converter';
import { installTemporalRuntime } from '../../temporal/runtime';
import { WORKFLOWS_PATH } from '../../worker';
import { durationArgument } from '../arguments';
import { CliError, EXIT, commandContext } from '../context';
import { withTemporalClient } from '../temporal-client';

interface ReplayCheckCommandOptions {
  since: number;
  taskQueue?: string;
  historyFile: string[];
  json?: boolean;
}

/**
 * The workflow code this checkout would deploy (the prebuilt bundle of TWOFOLD_WORKFLOW_BUNDLE, or
 * src/workflows bundled now) with the worker's payload codec, so encrypted inputs decrypt as they do
 * on the worker. Not its failure converter: a replay sends no failure anywhere, and the default one
 * keeps a failed task's message readable (twofold's encodes it as "Encoded failure").
 */
function replayWorker(config: Config): ReplayCheckOptions['worker'] {
  const bundle = config.temporal.workflowBundlePath;
  const { payloadCodecs } = createDataConverter(config.temporal.payloadKeys);
  return {
    ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: WORKFLOWS_PATH }),
    dataConverter: { ...(payloadCodecs ? { payloadCodecs } : {}) },
  };
}

function outcomeLine(outcome: ReplayOutcome): string {
  return `${outcome.workflowId} run ${outcome.runId} does not replay: ${outcome.error ?? outcome.result}`;
}

/** Progress on stderr: "N of M" rewritten in place on a terminal, a line at most every 2 s otherwise. */
function progressPrinter(total: number) {
  const tty = process.stderr.isTTY;
  let lastAt = 0;
  let failed = 0;
  return {
    update(outcome: ReplayOutcome, done: number) {
      if (outcome.result !== 'replayed') {
        failed += 1;
        process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${outcomeLine(outcome)}\n`);
      }
      const line = `replayed ${done} of ${total}${failed > 0 ? ` (${failed} do not replay)` : ''}`;
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (Date.now() - lastAt >= 2000 || done === total) {
        process.stderr.write(`${line}\n`);
        lastAt = Date.now();
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

async function readFiles(files: string[]): Promise<NamedHistory[]> {
  const read = await Promise.allSettled(files.map(readHistoryFile));
  const problems = read.flatMap((r) =>
    r.status === 'rejected'
      ? [r.reason instanceof HistoryFileError ? r.reason.message : String(r.reason)]
      : [],
  );
  if (problems.length > 0) {
    throw new CliError(
      `cannot check these history files, nothing was replayed:\n  ${problems.join('\n  ')}`,
      EXIT.usage,
    );
  }
  return read.map((r) => (r as PromiseFulfilledResult<NamedHistory>).value);
}

function report(result: ReplayCheckResult, what: string, json: boolean | undefined): void {
  if (json) {
    console.log(JSON.stringify(result));
  } else {
    for (const failure of result.failures) console.log(outcomeLine(failure));
    console.log(
      `checked ${result.checked} ${what}: ${result.replayed} replay, ${result.failures.length} do not`,
    );
  }
  if (result.failures.length > 0) {
    throw new CliError(
      `${result.failures.length} run(s) do not replay against this checkout's workflow code: a worker running it would wedge them`,
    );
  }
}

/** `twofold onboarding replay-check`: the pre-deploy check that running onboardings replay on this code. */
export function registerReplayCheckCommand(onboarding: Command): void {
  onboarding
    .command('replay-check')
    .description(
      "replay onboardUser histories (from Temporal, or exported files) against this checkout's workflow code; exit 1 naming each run that does not replay",
    )
    .addOption(
      new Option('--since <age>', 'runs started within this age, open and closed (e.g. 6h, 1d, 7d)')
        .argParser(durationArgument('--since', { minMs: 1000, examples: '6h, 1d or 7d' }))
        .default(86_400_000, '1d'),
    )
    .option('--task-queue <name>', 'only runs on this task queue')
    .option(
      '--history-file <file>',
      'check this exported history (`temporal workflow show --output json`) instead of Temporal; repeatable',
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .option('--json', 'print { checked, replayed, failures: [{ workflowId, runId, source, result, error }] }')
    .action(async (options: ReplayCheckCommandOptions, command: Command) => {
      const fromFiles = options.historyFile.length > 0;
      if (fromFiles && (command.getOptionValueSource('since') === 'cli' || options.taskQueue !== undefined)) {
        throw new CliError(
          '--since and --task-queue select runs on Temporal; --history-file checks files instead: use one or the other',
          EXIT.usage,
        );
      }
      const { config } = commandContext();
      // The replay worker logs every failed activation, which the report already names: its lines
      // show only at LOG_LEVEL=debug or trace, on stderr, so stdout stays the report (or its JSON).
      const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
      const sdkLog = pino(
        {
          name: 'twofold',
          level: verbose ? config.logLevel : 'fatal',
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        },
        pino.destination(2),
      );
      installTemporalRuntime(sdkLog, { logLevel: verbose ? 'DEBUG' : 'ERROR' });
      const worker = replayWorker(config);

      if (fromFiles) {
        const histories = await readFiles(options.historyFile);
        const progress = options.json ? undefined : progressPrinter(histories.length);
        const result = await replayCheck(histories, {
          worker,
          ...(progress ? { onOutcome: (o: ReplayOutcome, done: number) => progress.update(o, done) } : {}),
        });
        progress?.done();
        report(result, 'history file(s)', options.json);
        return;
      }

      const startedAfter = new Date(Date.now() - options.since);
      await withTemporalClient(config, async (client) => {
        const filter = { startedAfter, ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}) };
        const runs = await listOnboardingRuns(client, filter);
        if (!options.json) {
          console.error(
            `replaying ${runs.length} onboardUser run(s) (${onboardingRunsQuery(filter)}) against this checkout's workflow code`,
          );
        }
        const progress = options.json ? undefined : progressPrinter(runs.length);
        const result = await replayCheck(fetchHistories(client, runs), {
          worker,
          ...(progress ? { onOutcome: (o: ReplayOutcome, done: number) => progress.update(o, done) } : {}),
        });
        progress?.done();
        report(result, 'run(s)', options.json);
      });
    });
}
