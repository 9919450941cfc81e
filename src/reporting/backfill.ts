import type { Client, WorkflowHandle } from '@temporalio/client';
import { syncProgressQuery } from '../workflows/reporting/messages';
import { reportingBackfillWorkflowId } from '../workflows/reporting/types';
import type {
  ReportingSyncOptions,
  SyncReportingEventsResult,
  SyncReportingProgress,
} from '../workflows/reporting/types';
import { normaliseWindow } from '../workflows/reporting/window';
import type { syncReportingEvents } from '../workflows/sync-reporting-events';

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
 * Waits for a sync to finish, calling `onProgress` with its `progress` query every `intervalMs`
 * (the query follows continue-as-new to the current run). Resolves with the workflow result.
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
      onProgress(await handle.query(syncProgressQuery));
    } catch {
      // Between continue-as-new runs, or before a worker picked the workflow up: ask again next tick.
    }
  }
  return result;
}
