import type { Command } from 'commander';
import { Option } from 'commander';
import {
  ensureReportingSchedule,
  pauseReportingSchedule,
  triggerReportingSchedule,
  unpauseReportingSchedule,
} from '../../client/reporting-schedule';
import { REPORTING_SCHEDULE_ID } from '../../shared/reporting';
import { durationArgument } from '../arguments';
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
      new Option('--interval <duration>', 'time between syncs')
        .argParser(durationArgument('--interval', { minMs: 1000 }))
        .default(5 * 60 * 1000, '5m'),
    )
    .addOption(
      new Option(
        '--catchup-window <duration>',
        'how late a missed sync may still start (default 1h)',
      ).argParser(durationArgument('--catchup-window')),
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

  schedule
    .command('pause')
    .description('stop starting syncs (a running one finishes)')
    .addOption(scheduleIdOption())
    .option('--note <text>', 'why, shown in the Web UI')
    .action(async (options: { scheduleId: string; note?: string }) => {
      const { config } = commandContext();
      await withTemporalClient(config, (client) =>
        pauseReportingSchedule(client, options.note, options.scheduleId).catch(
          scheduleMissing(options.scheduleId),
        ),
      );
      console.log(`schedule ${options.scheduleId} paused`);
    });

  schedule
    .command('unpause')
    .description('start syncing on schedule again')
    .addOption(scheduleIdOption())
    .action(async (options: { scheduleId: string }) => {
      const { config } = commandContext();
      await withTemporalClient(config, (client) =>
        unpauseReportingSchedule(client, undefined, options.scheduleId).catch(
          scheduleMissing(options.scheduleId),
        ),
      );
      console.log(`schedule ${options.scheduleId} unpaused`);
    });

  schedule
    .command('trigger')
    .description('start a sync now (skipped when one is already running)')
    .addOption(scheduleIdOption())
    .action(async (options: { scheduleId: string }) => {
      const { config } = commandContext();
      await withTemporalClient(config, (client) =>
        triggerReportingSchedule(client, options.scheduleId).catch(scheduleMissing(options.scheduleId)),
      );
      console.log(`schedule ${options.scheduleId} triggered`);
    });
}
