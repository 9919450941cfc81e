import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WindowReadProgress } from '../authy/reporting-window-reader';
import { syncProgressQuery } from '../workflows/reporting/messages';
import { reportingBackfillWorkflowId } from '../shared/reporting';
import type {
  ReportingSyncOptions,
  SyncReportingEventsResult,
  SyncReportingProgress,
} from '../shared/reporting';
import { normaliseWindow } from '../shared/reporting-window';
import type { syncReportingEvents } from '../workflows/reporting/sync-reporting-events';

/** Raised before anything starts when the backfill window is unusable. */
export class InvalidBackfillWindowError extends Error {
  override name = 'InvalidBackfillWindowError';
}

/** What {@link startReportingBackfill} needs. */
export interface StartReportingBackfillOptions {
  client: Client;
  taskQueue: string;
  window: { from: string; to: string };
  /** Tunables (concurrency, page limits, ...); the watermark options do not apply to a backfill. */
  options?: Partial<Omit<ReportingSyncOptions, 'overlapMs' | 'settleLagMs' | 'initialLookbackMs'>>;
}

/**
 * Starts a backfill of exactly `window` (it never moves the live watermark). The workflow id is
 * derived from the window, so starting the same backfill while it runs attaches to that run instead
 * of starting a second one; once it has finished, starting it again re-syncs (and adds nothing new).
 */
export async function startReportingBackfill(
  options: StartReportingBackfillOptions,
): Promise<WorkflowHandle<typeof syncReportingEvents>> {
  const window = normaliseWindow(options.window);
  if (typeof window === 'string') throw new InvalidBackfillWindowError(window);
  return options.client.workflow.start<typeof syncReportingEvents>('syncReportingEvents', {
    workflowId: reportingBackfillWorkflowId(window),
    taskQueue: options.taskQueue,
    args: [{ ...options.options, window }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/**
 * Waits for a sync to finish, calling `onProgress` every `intervalMs` with its `progress` query (which
 * follows continue-as-new to the current run) plus what the window activities still running have
 * stored so far (from their heartbeat checkpoints), so counts move between window completions.
 * Resolves with the workflow result.
 */
export async function followReportingSync(
  handle: WorkflowHandle<typeof syncReportingEvents>,
  onProgress: (progress: SyncReportingProgress) => void,
  intervalMs = 500,
): Promise<SyncReportingEventsResult> {
  let finished = false;
  const result = handle.result().finally(() => {
    finished = true;
  });
  while (!finished) {
    const tick = new Promise<void>((resolve) => setTimeout(resolve, intervalMs));
    await Promise.race([
      result.then(
        () => undefined,
        () => undefined,
      ),
      tick,
    ]);
    if (finished) break;
    try {
      const [progress, inFlight] = await Promise.all([
        handle.query(syncProgressQuery),
        inFlightCounts(handle),
      ]);
      onProgress({
        ...progress,
        eventsStored: progress.eventsStored + inFlight.stored,
        eventsFetched: progress.eventsFetched + inFlight.fetched,
      });
    } catch {
      // Between continue-as-new runs, or before a worker picked the workflow up: ask again next tick.
    }
  }
  return result;
}

/** Events the running window activities have checkpointed (stored, not yet in the workflow's totals). */
async function inFlightCounts(handle: WorkflowHandle): Promise<{ stored: number; fetched: number }> {
  const counts = { stored: 0, fetched: 0 };
  const { raw } = await handle.describe();
  for (const activity of raw.pendingActivities ?? []) {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    const checkpoint = defaultPayloadConverter.fromPayload<Partial<WindowReadProgress> | null>(payload);
    counts.stored += checkpoint?.stored ?? 0;
    counts.fetched += checkpoint?.fetched ?? 0;
  }
  return counts;
}
