import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Client, ScheduleDescription, ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { syncReportingEvents } from '../workflows/reporting/sync-reporting-events';
import { REPORTING_SCHEDULE_ID } from '../shared/reporting';
import type { SyncReportingEventsInput } from '../shared/reporting';

/** Default interval of the live reporting sync. */
export const DEFAULT_REPORTING_INTERVAL_MS = 5 * 60 * 1000;
/**
 * How long after a missed tick (server or workers down) the schedule still starts it. Every run
 * syncs from the watermark, so one catch-up run recovers everything; SKIP drops the others.
 */
export const DEFAULT_REPORTING_CATCHUP_WINDOW_MS = 60 * 60 * 1000;

/** What {@link ensureReportingSchedule} creates or updates. */
export interface ReportingScheduleOptions {
  client: Client;
  /** Task queue the sync workflow runs on (the worker's TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /** Default `authy-reporting-sync` (docs/contract.md#4-temporal-surface); tests pass their own. */
  scheduleId?: string;
  intervalMs?: number;
  catchupWindowMs?: number;
  /** Input of each live run (source, overlap, settle lag, ...); never a `window`. */
  input?: Omit<SyncReportingEventsInput, 'window' | 'state'>;
}

/** Whether {@link ensureReportingSchedule} made a new schedule or brought an existing one up to date. */
export interface EnsureReportingScheduleResult {
  scheduleId: string;
  outcome: 'created' | 'updated';
  intervalMs: number;
  catchupWindowMs: number;
}

/**
 * Creates the Temporal Schedule that runs the live reporting sync, or updates it in place when it
 * exists (so running it twice leaves one schedule with the latest settings). Overlap policy SKIP: a
 * tick while a sync is still running is dropped, never queued. The paused state is carried over as
 * described; the server applies schedule changes asynchronously and the update is not guarded by a
 * conflict token, so a pause sent in the same second as an ensure may be overwritten by it.
 */
export async function ensureReportingSchedule(
  options: ReportingScheduleOptions,
): Promise<EnsureReportingScheduleResult> {
  const scheduleId = options.scheduleId ?? REPORTING_SCHEDULE_ID;
  const intervalMs = options.intervalMs ?? DEFAULT_REPORTING_INTERVAL_MS;
  const catchupWindowMs = options.catchupWindowMs ?? DEFAULT_REPORTING_CATCHUP_WINDOW_MS;
  const spec = { intervals: [{ every: intervalMs }] };
  const action: ScheduleOptionsStartWorkflowAction<typeof syncReportingEvents> = {
    type: 'startWorkflow',
    workflowType: 'syncReportingEvents',
    taskQueue: options.taskQueue,
    // The schedule appends the start time, so each run has its own id.
    workflowId: scheduleId,
    args: [{ ...options.input }],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: catchupWindowMs };
  const result = { scheduleId, intervalMs, catchupWindowMs };
  try {
    await options.client.schedule.create({ scheduleId, spec, action, policies });
    return { ...result, outcome: 'created' };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await options.client.schedule
    .getHandle(scheduleId)
    .update((previous: ScheduleDescription) => ({ spec, action, policies, state: previous.state }));
  return { ...result, outcome: 'updated' };
}

/** Which schedule {@link pauseReportingSchedule} and its siblings act on, and the note the Web UI shows. */
export interface ScheduleActionOptions {
  /** Default: the live sync's, {@link REPORTING_SCHEDULE_ID}. */
  scheduleId?: string;
  /** Why (pause and unpause only); default: the `twofold schedule` command that did it. */
  note?: string;
}

/** Pauses the schedule (running syncs finish; no new ones start) with a note shown in the Web UI. */
export async function pauseReportingSchedule(
  client: Client,
  options: ScheduleActionOptions = {},
): Promise<void> {
  await handleOf(client, options).pause(options.note ?? 'paused with twofold schedule pause');
}

/** Resumes a paused schedule. */
export async function unpauseReportingSchedule(
  client: Client,
  options: ScheduleActionOptions = {},
): Promise<void> {
  await handleOf(client, options).unpause(options.note ?? 'unpaused with twofold schedule unpause');
}

/**
 * Starts a sync now, unless one is running (overlap SKIP, passed explicitly: the SDK's trigger
 * defaults to ALLOW_ALL, and then the schedule does not even track the run for later ticks). A
 * running sync already covers everything up to its start.
 */
export async function triggerReportingSchedule(
  client: Client,
  options: ScheduleActionOptions = {},
): Promise<void> {
  await handleOf(client, options).trigger(ScheduleOverlapPolicy.SKIP);
}

function handleOf(client: Client, options: ScheduleActionOptions) {
  return client.schedule.getHandle(options.scheduleId ?? REPORTING_SCHEDULE_ID);
}
