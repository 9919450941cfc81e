// Plain types and constants of the reporting sync, shared by the workflow, its activities, the
// client helpers (schedule, backfill) and the CLI. No I/O and no Temporal imports: safe on both sides
// of the sandbox. The window arithmetic is in ./reporting-window.ts, the failure types in ./failures.ts.
import type { ReportingWindow } from './reporting-window';

/** The Temporal Schedule that runs the live sync (docs/contract.md#4-temporal-surface). */
export const REPORTING_SCHEDULE_ID = 'authy-reporting-sync';
/** Watermark key of the live sync when the input names none. */
export const DEFAULT_REPORTING_SOURCE = 'authy';

/** Tunables of one sync; every field has a default (see {@link DEFAULT_REPORTING_SYNC_OPTIONS}). */
export interface ReportingSyncOptions {
  /** Watermark key: one live sync per Authy application (default `authy`). */
  source: string;
  /** Live sync only: re-read this much before the watermark, to catch late-indexed events. */
  overlapMs: number;
  /** Live sync only: leave out the most recent events, which may still be arriving. */
  settleLagMs: number;
  /** Live sync only: how far back the first run (no watermark yet) reaches. */
  initialLookbackMs: number;
  /** Sub-windows fetched and stored at the same time. */
  concurrency: number;
  /** Events per API page (Authy's maximum is 100). */
  perPage: number;
  /** Pages one query may read (Authy's maximum is 100): the cap that forces splitting. */
  maxPages: number;
  /** Window activities per workflow run before continue-as-new keeps history bounded. */
  maxActivitiesPerRun: number;
  /** Most parts one capped window is cut into at once. */
  maxSplitParts: number;
}

export const DEFAULT_REPORTING_SYNC_OPTIONS: ReportingSyncOptions = {
  source: DEFAULT_REPORTING_SOURCE,
  overlapMs: 15 * 60 * 1000,
  settleLagMs: 2 * 60 * 1000,
  initialLookbackMs: 90 * 24 * 60 * 60 * 1000,
  concurrency: 6,
  perPage: 100,
  maxPages: 100,
  maxActivitiesPerRun: 400,
  maxSplitParts: 256,
};

/** Counters of a sync, summed over every window and every continue-as-new run. */
export interface ReportingSyncTotals {
  /** Events the API returned (re-reads of boundary events and retried pages included). */
  eventsFetched: number;
  /** Events that were new to PostgreSQL. */
  eventsStored: number;
  pages: number;
  /** Window activities completed (one query of up to maxPages pages each). */
  windowsSynced: number;
  /** Milliseconds of the window known to be fully stored. */
  coveredMs: number;
}

/** Where a sync stands; carried across continue-as-new. */
export interface ReportingSyncState {
  mode: 'live' | 'backfill';
  window: ReportingWindow;
  pending: ReportingWindow[];
  totals: ReportingSyncTotals;
  /** Workflow runs so far (1 + continue-as-new count). */
  runs: number;
  startedAt: string;
}

/**
 * Input of `syncReportingEvents`. Without `window` it is the live sync: [watermark − overlap,
 * now − settle lag), and the watermark moves once all of it is stored. With `window` it is a
 * backfill of exactly that window, which never touches the watermark.
 */
export interface SyncReportingEventsInput extends Partial<ReportingSyncOptions> {
  window?: { from: string; to: string };
  /** Set by the workflow itself when it continues as new; never pass it. */
  state?: ReportingSyncState;
}

/** Result of `syncReportingEvents`. */
export interface SyncReportingEventsResult extends ReportingSyncTotals {
  mode: 'live' | 'backfill';
  source: string;
  /** The window synced; null when the live window was empty (nothing to do yet). */
  window: ReportingWindow | null;
  runs: number;
  /** Live sync: the watermark after the run. */
  watermark?: string;
}

/** Answer of the `progress` query, for progress bars. */
export interface SyncReportingProgress extends ReportingSyncTotals {
  mode: 'live' | 'backfill';
  window: ReportingWindow | null;
  /** Milliseconds the whole window spans; `coveredMs / totalMs` is the fraction done. */
  totalMs: number;
  pendingWindows: number;
  activeWindows: number;
  runs: number;
  startedAt: string;
  done: boolean;
}

/** Workflow id of a backfill: one per window, so starting the same backfill twice attaches to it. */
export function reportingBackfillWorkflowId(window: { from: string; to: string }): string {
  return `reporting-backfill-${window.from}-${window.to}`;
}
