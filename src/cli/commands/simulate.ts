import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { timingProblem } from '../../shared/onboarding';
import type { OnboardingTiming } from '../../shared/onboarding';
import { EmulatorControlError } from '../../simulation/emulator-people';
import { formatProgress, formatSimulationReport } from '../../simulation/report';
import { SimulationTimeoutError, runSimulation } from '../../simulation/run-simulation';
import type { SimulationProgress } from '../../simulation/types';
import { SIMULATION_TIMING } from '../../simulation/timing';
import { durationOption, integerOption } from '../arguments';
import { CliError, EXIT, commandContext } from '../context';
import { withTemporalClient } from '../temporal-client';
import { runVerifySimulateCommand } from './simulate-verify';

interface SimulateOptions {
  users: number;
  seed: number;
  idPrefix: string;
  reminderEvery: number;
  reminders: number;
  giveUpAfter: number;
  approvalExpiry: number;
  approvalAttempts: number;
  pollEvery: number;
  timeout: number;
  cancelPrevious?: boolean;
  resultFile?: string;
  json?: boolean;
  provider: 'authy' | 'verify';
}

/** Live progress on stderr: one rewritten line on a terminal, a line per change (at most every 2 s) otherwise. */
function progressPrinter(): { update(p: SimulationProgress): void; done(): void } {
  const tty = process.stderr.isTTY;
  let last = '';
  let lastAt = 0;
  return {
    update(progress) {
      const line = formatProgress(progress);
      const counts = line.slice(line.indexOf(']'));
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (counts !== last && Date.now() - lastAt >= 2000) {
        process.stderr.write(`${line}\n`);
        lastAt = Date.now();
        last = counts;
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** `twofold simulate --users N`: a cohort of onboardings whose people the emulator plays. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'start N onboardings and play their people through the Authy emulator: most install and approve, some deny, ignore the push, change phone or never install',
    )
    .addOption(integerOption('--users <n>', 'people in the cohort', { min: 1, max: 10_000, default: 20 }))
    .addOption(
      integerOption('--seed <n>', 'seed of the persona mix and delays', { min: 0, max: 2 ** 31, default: 1 }),
    )
    .option('--id-prefix <prefix>', 'user ids are <prefix>-<run>-<nnn>', 'sim')
    .addOption(
      durationOption('--reminder-every <duration>', 'install-link reminder interval', {
        minMs: 1000,
        defaultMs: SIMULATION_TIMING.installReminderIntervalMs,
      }),
    )
    .addOption(
      integerOption('--reminders <n>', 'install-link reminders before the final wait', {
        min: 0,
        max: 100,
        default: SIMULATION_TIMING.maxInstallReminders,
      }),
    )
    .addOption(
      durationOption(
        '--give-up-after <duration>',
        'final wait for the install after the last reminder (then expired)',
        { minMs: 1000, defaultMs: SIMULATION_TIMING.installGiveUpAfterMs },
      ),
    )
    .addOption(
      durationOption('--approval-expiry <duration>', 'lifetime of each OneTouch approval request', {
        minMs: 1000,
        defaultMs: SIMULATION_TIMING.approvalExpiryMs,
      }),
    )
    .addOption(
      integerOption('--approval-attempts <n>', 'approval requests sent before expired', {
        min: 1,
        max: 100,
        default: SIMULATION_TIMING.maxApprovalAttempts,
      }),
    )
    .addOption(
      durationOption(
        '--poll-every <duration>',
        'status polls (the safety net when no gateway delivers callbacks)',
        { minMs: 100, defaultMs: SIMULATION_TIMING.deviceStatusPollIntervalMs },
      ),
    )
    .addOption(
      durationOption('--timeout <duration>', 'fail if the cohort has not settled by then', {
        minMs: 1000,
        defaultMs: 180_000,
      }),
    )
    .option(
      '--cancel-previous',
      'first cancel open onboardings left by earlier runs with the same --id-prefix',
    )
    .option('--result-file <path>', 'also write the JSON result to this file')
    .addOption(
      new Option('--provider <name>', 'authy, or verify: TOTP and push personas through the Verify emulator')
        .choices(['authy', 'verify'])
        .default('authy'),
    )
    .option(
      '--json',
      'print the result as JSON (no live progress); on --timeout, { settled: false, error, pending } with each queryError',
    )
    .action(async (options: SimulateOptions) => {
      if (!/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(options.idPrefix)) {
        throw new CliError(
          '--id-prefix must be 1-41 letters, digits or "-", starting with a letter',
          EXIT.usage,
        );
      }
      const timing: OnboardingTiming = {
        installReminderIntervalMs: options.reminderEvery,
        maxInstallReminders: options.reminders,
        installGiveUpAfterMs: options.giveUpAfter,
        approvalExpiryMs: options.approvalExpiry,
        maxApprovalAttempts: options.approvalAttempts,
        deviceStatusPollIntervalMs: options.pollEvery,
        approvalStatusPollIntervalMs: options.pollEvery,
      };
      const problem = timingProblem(timing);
      if (problem) {
        throw new CliError(
          `${problem}\n  Fix: a longer --poll-every, or shorter --reminder-every / --give-up-after / --approval-expiry.`,
          EXIT.usage,
        );
      }
      if (options.provider === 'verify') {
        await runVerifySimulateCommand({ ...options, timing });
        return;
      }
      const { config } = commandContext();
      if (config.authy.isRemote) {
        throw new CliError(
          `simulate plays the Authy emulator's people, but AUTHY_API_URL (${config.authy.apiUrl}) is not a local emulator\n` +
            '  Fix: start one (`make up` or `twofold emulator`) and set AUTHY_API_URL=http://127.0.0.1:4010.',
          EXIT.config,
        );
      }
      const progress = options.json ? undefined : progressPrinter();
      const result = await withTemporalClient(config, (client) =>
        runSimulation({
          client,
          taskQueue: config.temporal.taskQueue,
          emulatorUrl: config.authy.apiUrl,
          users: options.users,
          seed: options.seed,
          idPrefix: options.idPrefix,
          timing,
          timeoutMs: options.timeout,
          cancelPrevious: options.cancelPrevious ?? false,
          ...(progress ? { onProgress: (p: SimulationProgress) => progress.update(p) } : {}),
        }).catch((error: unknown) => {
          progress?.done();
          if (error instanceof EmulatorControlError) {
            throw new CliError(
              `${error.message}\n  Fix: start the emulator (\`make up\` or \`twofold emulator\`) and point AUTHY_API_URL at it.`,
            );
          }
          if (error instanceof SimulationTimeoutError) {
            if (options.json) {
              console.log(JSON.stringify({ settled: false, error: error.message, pending: error.pending }));
            }
            const sample = error.pending
              .slice(0, 10)
              .map((p) =>
                p.queryError === undefined
                  ? `    ${p.workflowId} (${p.persona}) still moving in ${p.stage ?? 'unknown'}`
                  : `    ${p.workflowId} (${p.persona}) cannot be queried (last seen in ${p.stage ?? 'no stage yet'}): ${p.queryError}`,
              )
              .join('\n');
            throw new CliError(
              `${error.message}\n${sample}\n  Fix: start a worker (\`twofold worker\` or \`make up\`) on TEMPORAL_TASK_QUEUE=${config.temporal.taskQueue}.`,
            );
          }
          throw error;
        }),
      );
      progress?.done();
      if (options.resultFile) await writeFile(options.resultFile, JSON.stringify(result, null, 2));
      if (options.json) console.log(JSON.stringify(result));
      else console.log(formatSimulationReport(result));
    });
}
