import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AuthyReportingClient } from '../authy/reporting';
import {
  readReportingWindow,
  ReportingContractError,
  ReportingWindowUnsplittableError,
} from '../authy/reporting-window-reader';
import type { WindowReadProgress, WindowReadResult } from '../authy/reporting-window-reader';
import type { DbPool } from '../db/pool';
import { insertReportingEvents, stripReportingPersonalData } from '../db/reporting-events';
import * as watermarks from '../db/reporting-watermarks';
import { AUTHY_PERMANENT_ERROR, REPORTING_WINDOW_UNSPLITTABLE } from '../shared/failures';
import type { ReportingWindow } from '../shared/reporting-window';
import { callAuthy } from './provider-failure';
import { DEFAULT_PAGE_RETRY, retryTransientPage } from './reporting-page-retry';
import { toReportingEventRows } from './reporting-event-row';

/**
 * Events written per INSERT: ten pages make one statement and one commit, which PostgreSQL ingests
 * several times faster than ten; pages keep being fetched while a batch is written.
 */
const STORE_BATCH_EVENTS = 1_000;

/** Input of `syncReportingWindow`: one window query and its page limits. */
export interface SyncReportingWindowInput {
  window: ReportingWindow;
  perPage: number;
  maxPages: number;
}

/** Counts and boundaries only: event payloads never enter workflow history. */
export type SyncReportingWindowResult = WindowReadResult;

/** Default of REPORTING_PERSONAL_DATA_DAYS: how long a device's IP, user agent and name are kept. */
export const DEFAULT_PERSONAL_DATA_RETENTION_DAYS = 30;

/** Time the strip may take inside one watermark activity (its start-to-close timeout is 30 s). */
const STRIP_BUDGET_MS = 10_000;

/** What the reporting activities need: the database, the Reporting API, the retention of personal data. */
export interface ReportingActivityDeps {
  pool: DbPool;
  reporting: AuthyReportingClient;
  /** Days a device's IP address, user agent and name stay in `objects` (default 30). */
  personalDataRetentionDays?: number;
}

/** Activities of the reporting sync (fetch + store one window; read and move the watermark). */
export function createReportingActivities(deps: ReportingActivityDeps) {
  const retentionDays = deps.personalDataRetentionDays ?? DEFAULT_PERSONAL_DATA_RETENTION_DAYS;
  return {
    /**
     * Fetches one window query page by page and stores each page (idempotently) before the next;
     * heartbeats a checkpoint after each page, so a retry after a crash or an Authy error continues
     * after the last stored page instead of starting over.
     */
    async syncReportingWindow(input: SyncReportingWindowInput): Promise<SyncReportingWindowResult> {
      const context = Context.current();
      const { window, perPage, maxPages } = input;
      const resume = checkpoint(context.info.heartbeatDetails);
      // Re-sent while waiting between page retries, so the heartbeat timeout does not fire.
      let lastProgress = resume;
      try {
        return await readReportingWindow({
          window,
          perPage,
          maxPages,
          storeBatchSize: STORE_BATCH_EVENTS,
          ...(resume ? { resume } : {}),
          fetchPage: (query, page) =>
            callAuthy(() =>
              retryTransientPage(() => deps.reporting.listEvents({ ...query, page, perPage }), {
                ...DEFAULT_PAGE_RETRY,
                sleep: (ms) => {
                  context.heartbeat(lastProgress);
                  return context.sleep(ms);
                },
              }),
            ),
          storePage: (events) => {
            const { rows, escaped } = toReportingEventRows(events);
            // Counted, never echoed: the offending strings may be personal data.
            if (escaped > 0)
              log.warn('reporting events held characters PostgreSQL refuses; stored as \\uXXXX escapes', {
                escapedCharacters: escaped,
                events: events.length,
                window,
              });
            return insertReportingEvents(deps.pool, rows);
          },
          onPage: (progress) => {
            lastProgress = progress;
            context.heartbeat(progress);
            if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
          },
        });
      } catch (error) {
        throw toReportingFailure(error);
      }
    },

    /** The live sync's watermark for `source` (ISO), or null before its first completed run. */
    async readReportingWatermark(input: {
      source: string;
    }): Promise<{ watermark: string | null; readAt: string }> {
      const watermark = await watermarks.readReportingWatermark(deps.pool, input.source);
      // The wall clock at the read, recorded in history: the live window ends from it, so a replay
      // computes the same window whatever its workflow clock reads (docs/reporting-sync.md).
      return { watermark: watermark?.toISOString() ?? null, readAt: new Date().toISOString() };
    },

    /**
     * Moves the live watermark forward (never back) once a whole window is stored, then, as the
     * live sync's housekeeping, strips devices' personal data from events past the retention.
     * The strip is best effort: a failure is logged and retried by the next run, never fatal.
     */
    async advanceReportingWatermark(input: {
      source: string;
      watermark: string;
    }): Promise<{ watermark: string }> {
      const stored = await watermarks.advanceReportingWatermark(deps.pool, input.source, input.watermark);
      const olderThan = new Date(Date.now() - retentionDays * 24 * 60 * 60 * 1000);
      try {
        const stripped = await stripReportingPersonalData(deps.pool, {
          olderThan,
          deadline: Date.now() + STRIP_BUDGET_MS,
        });
        if (stripped > 0)
          log.info('stripped device IP, user agent and name from reporting events past retention', {
            stripped,
            retentionDays,
          });
      } catch (error) {
        log.warn('could not strip personal data from reporting events; the next sync retries', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return { watermark: stored.toISOString() };
    },
  };
}

function checkpoint(details: unknown): WindowReadProgress | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const progress = details as Partial<WindowReadProgress>;
  return typeof progress.page === 'number' &&
    typeof progress.fetched === 'number' &&
    typeof progress.stored === 'number' &&
    typeof progress.lastPageFull === 'boolean' &&
    Array.isArray(progress.tiesToCheck) &&
    typeof progress.tiePages === 'number'
    ? (progress as WindowReadProgress)
    : undefined;
}

function toReportingFailure(error: unknown): unknown {
  if (error instanceof ReportingWindowUnsplittableError) {
    return ApplicationFailure.create({
      type: REPORTING_WINDOW_UNSPLITTABLE,
      message: error.message,
      nonRetryable: true,
    });
  }
  if (error instanceof ReportingContractError) {
    return ApplicationFailure.create({
      type: AUTHY_PERMANENT_ERROR,
      message: error.message,
      nonRetryable: true,
    });
  }
  return error;
}
