import { ApplicationFailure } from '@temporalio/common';
import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { SyncReportingWindowResult } from '../../activities/reporting';
import {
  NON_RETRYABLE_AUTHY_FAILURES,
  REPORTING_WINDOW_UNSPLITTABLE,
  activityFailureCause,
} from '../../shared/failures';
import type {
  ReportingSyncOptions,
  ReportingSyncState,
  SyncReportingEventsInput,
  SyncReportingEventsResult,
} from '../../shared/reporting';
import {
  liveWindow,
  normaliseWindow,
  windowsAfterCap,
  splitWindow,
  windowSpanMs,
} from '../../shared/reporting-window';
import type { ReportingWindow } from '../../shared/reporting-window';
import { syncProgressQuery } from './messages';
import { invalidInput, resolveOptions } from './options';
import { emptyLiveResult, progressOf } from './progress';
import { runWindows } from './run-windows';

const { readReportingWatermark, advanceReportingWatermark } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// One window query reads at most maxPages pages; it heartbeats after each, so a dead worker is
// noticed within the heartbeat timeout and the retry resumes after the last stored page. Retries are
// unlimited for outages and rate limits (Retry-After, when Authy sends one, sets the next delay);
// only failures no retry can fix end the run.
const { syncReportingWindow } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: [...NON_RETRYABLE_AUTHY_FAILURES, REPORTING_WINDOW_UNSPLITTABLE],
  },
});

/**
 * Copies Authy Reporting events into PostgreSQL, exactly. Live (no `window`): syncs
 * [watermark − overlap, now − settle lag) and moves the watermark once all of it is stored.
 * Backfill (`window`): syncs that window and never touches the watermark. Windows are fetched by
 * parallel activities, each one query of up to 100 pages; a window that hits the page cap comes back
 * with its unread remainder, which is cut into parts sized from the density just seen. History stays
 * bounded by continuing as new after `maxActivitiesPerRun` window activities.
 */
export async function syncReportingEvents(
  input: SyncReportingEventsInput = {},
): Promise<SyncReportingEventsResult> {
  const options = resolveOptions(input);
  let state = input.state;
  let active = 0;
  setHandler(syncProgressQuery, () => progressOf(state, active));

  if (!state) {
    state = await initialState(input, options);
    if (!state) return emptyLiveResult(options.source);
  }
  const sync = state;

  let started = 0;
  await runWindows(sync.pending, {
    concurrency: options.concurrency,
    mayStart: () => started < options.maxActivitiesPerRun && !workflowInfo().continueAsNewSuggested,
    run: async (window) => {
      started += 1;
      active += 1;
      try {
        const result = await syncReportingWindow({
          window,
          perPage: options.perPage,
          maxPages: options.maxPages,
        });
        recordWindow(sync, window, result, options);
      } catch (error) {
        throw readableFailure(window, error);
      } finally {
        active -= 1;
      }
    },
  });

  if (sync.pending.length > 0) {
    await continueAsNew<typeof syncReportingEvents>({ ...input, state: { ...sync, runs: sync.runs + 1 } });
  }

  const result: SyncReportingEventsResult = {
    mode: sync.mode,
    source: options.source,
    window: sync.window,
    runs: sync.runs,
    ...sync.totals,
  };
  if (sync.mode === 'live') {
    const { watermark } = await advanceReportingWatermark({
      source: options.source,
      watermark: sync.window.to,
    });
    result.watermark = watermark;
  }
  return result;
}

async function initialState(
  input: SyncReportingEventsInput,
  options: ReportingSyncOptions,
): Promise<ReportingSyncState | undefined> {
  let mode: ReportingSyncState['mode'];
  let window: ReportingWindow | undefined;
  if (input.window) {
    const normalised = normaliseWindow(input.window);
    if (typeof normalised === 'string') throw invalidInput(normalised);
    mode = 'backfill';
    window = normalised;
  } else {
    const { watermark, readAt } = await readReportingWatermark({ source: options.source });
    mode = 'live';
    // `readAt` comes from the activity's result in history, so the window (and whether there is one)
    // does not depend on this activation's clock. Results recorded before it existed have none.
    const now = readAt === undefined ? Date.now() : Date.parse(readAt);
    window = liveWindow({ now, watermark, ...options });
    if (!window) return undefined;
  }
  return {
    mode,
    window,
    pending: splitWindow(window, options.concurrency),
    totals: { eventsFetched: 0, eventsStored: 0, pages: 0, windowsSynced: 0, coveredMs: 0 },
    runs: 1,
    startedAt: new Date().toISOString(),
  };
}

function recordWindow(
  state: ReportingSyncState,
  window: ReportingWindow,
  result: SyncReportingWindowResult,
  options: ReportingSyncOptions,
): void {
  const totals = state.totals;
  totals.eventsFetched += result.fetched;
  totals.eventsStored += result.stored;
  totals.pages += result.page + result.tiePages;
  totals.windowsSynced += 1;
  if (!result.remainder) {
    totals.coveredMs += windowSpanMs(window);
    return;
  }
  totals.coveredMs += windowSpanMs(window) - windowSpanMs(result.remainder);
  const cap = options.perPage * options.maxPages;
  state.pending.push(
    ...windowsAfterCap(window, result.remainder, result.fetched, cap, options.maxSplitParts),
  );
}

function readableFailure(window: ReportingWindow, error: unknown): unknown {
  const cause = activityFailureCause(error);
  if (!cause) return error;
  const bounds = `[${window.from}, ${window.to}${window.toInclusive ? ']' : ')'}`;
  return ApplicationFailure.create({
    type: cause.type ?? 'ReportingSyncFailed',
    message: `reporting sync of ${bounds} failed: ${cause.message}`,
    nonRetryable: true,
    cause: error as Error,
  });
}
