import type { Command } from 'commander';
import { Option } from 'commander';
import type { Client } from '@temporalio/client';
import {
  DEFAULT_REPORTING_INTERVAL_MS,
  ensureReportingSchedule,
  pauseReportingSchedule,
  triggerReportingSchedule,
  unpauseReportingSchedule,
} from '../../client/reporting-schedule';
import { REPORTING_SCHEDULE_ID } from '../../shared/reporting';
import { durationArgument, durationOption } from '../arguments';
import { CliError, commandContext } from '../context';
import { withTemporalClient } from '../temporal-client';

function scheduleMissing(scheduleId: string) {
  return (error: unknown): never => {
    if (error instanceof Error && error.name === 'ScheduleNotFoundError') {
      throw new CliError(`schedule ${scheduleId} does not exist: run \`twofold schedule ensure\` first`);
    }
    throw error;
  };
}

const scheduleIdOption = () =>
  new Option('--schedule-id <id>', 'the schedule to act on').default(REPORTING_SCHEDULE_ID);

interface EnsureOptions {
  scheduleId: string;
  interval: number;
  catchupWindow?: number;
  source?: string;
  overlap?: number;
  settleLag?: number;
  json?: boolean;
}

/** `twofold schedule ensure|pause|unpause|trigger`: the Temporal Schedule of the live reporting sync. */
export function registerScheduleCommands(program: Command): void {
  const schedule = program
    .command('schedule')
    .description(`the Temporal Schedule "${REPORTING_SCHEDULE_ID}" that syncs Authy Reporting events`);

  schedule
    .command('ensure')
    .description('create the schedule, or update it in place when it exists (safe to re-run)')
    .addOption(scheduleIdOption())
    .addOption(
      durationOption('--interval <duration>', 'time between syncs', {
        minMs: 1000,
        defaultMs: DEFAULT_REPORTING_INTERVAL_MS,
      }),
    )
    .addOption(
      durationOption('--catchup-window <duration>', 'how late a missed sync may still start (default 1h)'),
    )
    .option('--source <name>', 'watermark key, one per Authy application (default "authy")')
    .option(
      '--overlap <duration>',
      're-read this much before the watermark (default 15m)',
      durationArgument('--overlap'),
    )
    .option(
      '--settle-lag <duration>',
      'leave out events newer than this (default 2m)',
      durationArgument('--settle-lag'),
    )
    .option('--json', 'print JSON')
    .action(async (options: EnsureOptions) => {
      const { config } = commandContext();
      const result = await withTemporalClient(config, (client) =>
        ensureReportingSchedule({
          client,
          scheduleId: options.scheduleId,
          taskQueue: config.temporal.taskQueue,
          intervalMs: options.interval,
          ...(options.catchupWindow === undefined ? {} : { catchupWindowMs: options.catchupWindow }),
          input: {
            ...(options.source === undefined ? {} : { source: options.source }),
            ...(options.overlap === undefined ? {} : { overlapMs: options.overlap }),
            ...(options.settleLag === undefined ? {} : { settleLagMs: options.settleLag }),
          },
        }),
      );
      if (options.json) console.log(JSON.stringify({ ...result, taskQueue: config.temporal.taskQueue }));
      else
        console.log(
          `schedule ${result.scheduleId} ${result.outcome}: a sync every ${result.intervalMs / 1000}s on task queue ${config.temporal.taskQueue} (overlap policy skip)`,
        );
    });

  scheduleAction(schedule, {
    name: 'pause',
    description: 'stop starting syncs (a running one finishes)',
    done: 'paused',
    act: pauseReportingSchedule,
  }).option('--note <text>', 'why, shown in the Web UI');
  scheduleAction(schedule, {
    name: 'unpause',
    description: 'start syncing on schedule again',
    done: 'unpaused',
    act: unpauseReportingSchedule,
  });
  scheduleAction(schedule, {
    name: 'trigger',
    description: 'start a sync now (skipped when one is already running)',
    done: 'triggered',
    act: triggerReportingSchedule,
  });
}

/** Options of a `twofold schedule <name>` command that acts on an existing schedule. */
interface ActionOptions {
  scheduleId: string;
  note?: string;
}

/**
 * `twofold schedule <name>`: `act` on the schedule `--schedule-id` names, then print
 * `schedule <id> <done>`; a schedule that does not exist is reported with the command that creates it.
 */
function scheduleAction(
  schedule: Command,
  command: {
    name: string;
    description: string;
    done: string;
    act: (client: Client, options: ActionOptions) => Promise<void>;
  },
): Command {
  return schedule
    .command(command.name)
    .description(command.description)
    .addOption(scheduleIdOption())
    .action(async (options: ActionOptions) => {
      const { config } = commandContext();
      await withTemporalClient(config, (client) =>
        command.act(client, options).catch(scheduleMissing(options.scheduleId)),
      );
      console.log(`schedule ${options.scheduleId} ${command.done}`);
    });
}
