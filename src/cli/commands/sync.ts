import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  followReportingSync,
  InvalidBackfillWindowError,
  startReportingBackfill,
} from '../../client/reporting-backfill';
import type { SyncReportingEventsResult, SyncReportingProgress } from '../../shared/reporting';
import { positiveIntegerArgument } from '../arguments';
import { CliError, EXIT, commandContext } from '../context';
import { withTemporalClient } from '../temporal-client';

/** "Query data from the last 90 days" (docs/authy-api.md#32-query-syntax). */
const AUTHY_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

interface BackfillOptions {
  from: string;
  to: string;
  concurrency?: number;
  json?: boolean;
  detach?: boolean;
}

/** A progress bar over the share of the window stored, with events stored and the rate. */
function progressBar(): { update(progress: SyncReportingProgress): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format:
        '{bar} {percentage}% | {stored} events stored ({fetched} fetched) | {rate} events/s | {windows}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    update(progress) {
      const payload = {
        stored: progress.eventsStored.toLocaleString('en-US'),
        fetched: progress.eventsFetched.toLocaleString('en-US'),
        rate: Math.round(
          progress.eventsFetched / Math.max(0.001, (Date.now() - started) / 1000),
        ).toLocaleString('en-US'),
        windows: `${progress.activeWindows} windows active, ${progress.pendingWindows} pending`,
      };
      if (!running) {
        bar.start(Math.max(1, progress.totalMs), progress.coveredMs, payload);
        running = true;
      } else bar.update(progress.coveredMs, payload);
    },
    stop() {
      if (running) bar.stop();
    },
  };
}

function summary(result: SyncReportingEventsResult, seconds: number): string {
  const rate = Math.round(result.eventsFetched / Math.max(0.001, seconds));
  return (
    `backfill of [${result.window?.from}, ${result.window?.to}) done in ${seconds.toFixed(1)}s: ` +
    `${result.eventsStored} new events stored, ${result.eventsFetched} fetched in ${result.pages} pages ` +
    `(${rate} events/s, ${result.windowsSynced} window queries, ${result.runs} run(s))`
  );
}

/** `twofold sync backfill --from --to`: syncs an explicit window, with a progress bar. */
export function registerSyncCommands(program: Command): void {
  const sync = program.command('sync').description('Authy Reporting events → PostgreSQL');

  sync
    .command('backfill')
    .description('sync every event in [from, to) (never moves the live watermark; safe to re-run)')
    .requiredOption('--from <time>', 'start of the window, ISO 8601 (inclusive)')
    .requiredOption('--to <time>', 'end of the window, ISO 8601 (exclusive)')
    .option(
      '--concurrency <n>',
      'sub-windows synced at the same time (default 6)',
      positiveIntegerArgument('--concurrency'),
    )
    .option('--json', 'print the result as JSON (no progress bar)')
    .option('--detach', 'start it and return; follow it in the Web UI')
    .action(async (options: BackfillOptions) => {
      const { config } = commandContext();
      if (Date.parse(options.from) < Date.now() - AUTHY_RETENTION_MS) {
        console.error(
          'twofold: note: the Reporting API only returns the last 90 days; older events cannot be synced',
        );
      }
      await withTemporalClient(config, async (client) => {
        let handle;
        try {
          handle = await startReportingBackfill({
            client,
            taskQueue: config.temporal.taskQueue,
            window: { from: options.from, to: options.to },
            ...(options.concurrency === undefined ? {} : { options: { concurrency: options.concurrency } }),
          });
        } catch (error) {
          if (error instanceof InvalidBackfillWindowError) throw new CliError(error.message, EXIT.usage);
          throw error;
        }
        if (options.detach) {
          if (options.json) console.log(JSON.stringify({ workflowId: handle.workflowId }));
          else
            console.log(
              `backfill started: workflow ${handle.workflowId} on task queue ${config.temporal.taskQueue}`,
            );
          return;
        }
        const started = Date.now();
        const bar = options.json ? undefined : progressBar();
        let result: SyncReportingEventsResult;
        try {
          result = await followReportingSync(handle, (progress) => bar?.update(progress));
        } catch (error) {
          bar?.stop();
          const cause =
            error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
          throw new CliError(`backfill ${handle.workflowId} failed${cause ? `: ${cause}` : ''}`);
        }
        if (bar) {
          bar.update({
            ...result,
            mode: 'backfill',
            window: result.window,
            totalMs: result.coveredMs,
            pendingWindows: 0,
            activeWindows: 0,
            startedAt: '',
            done: true,
          });
          bar.stop();
        }
        if (options.json) console.log(JSON.stringify(result));
        else console.log(summary(result, (Date.now() - started) / 1000));
      });
    });
}
