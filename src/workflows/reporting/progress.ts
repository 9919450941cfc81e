// What a sync reports about itself: the answer of its `progress` query, and the result of a live
// run that found nothing to do.
import type {
  ReportingSyncState,
  SyncReportingEventsResult,
  SyncReportingProgress,
} from '../../shared/reporting';
import { windowSpanMs } from '../../shared/reporting-window';

/** The `progress` query's answer: the state so far (none until the window is known) and the windows running. */
export function progressOf(state: ReportingSyncState | undefined, active: number): SyncReportingProgress {
  return {
    mode: state?.mode ?? 'live',
    window: state?.window ?? null,
    totalMs: state ? windowSpanMs(state.window) : 0,
    pendingWindows: state?.pending.length ?? 0,
    activeWindows: active,
    runs: state?.runs ?? 1,
    startedAt: state?.startedAt ?? new Date().toISOString(),
    done: state !== undefined && state.pending.length === 0 && active === 0,
    eventsFetched: 0,
    eventsStored: 0,
    pages: 0,
    windowsSynced: 0,
    coveredMs: 0,
    ...state?.totals,
  };
}

/** The result of a live run whose window is empty (the watermark is too recent to sync anything yet). */
export function emptyLiveResult(source: string): SyncReportingEventsResult {
  return {
    mode: 'live',
    source,
    window: null,
    runs: 1,
    eventsFetched: 0,
    eventsStored: 0,
    pages: 0,
    windowsSynced: 0,
    coveredMs: 0,
  };
}
