import { z } from 'zod';
import type { AuthyHttp } from './http';

/** Authy's hard limits on one events query (docs/authy-api.md#33-paging-and-limits): 100 events a page, 100 pages. */
export const REPORTING_MAX_PER_PAGE = 100;
export const REPORTING_MAX_PAGE = 100;

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time');

/**
 * One event of `GET /protected/json/reporting/events` (docs/authy-api.md#34-event-records). Captured responses carry
 * `request_id`; the per-event doc pages name it `request.id` instead, so both are accepted. Unknown
 * keys are kept: `objects` is stored whole.
 */
export const ReportingEventSchema = z.looseObject({
  event: z.string().min(1),
  time: isoTime,
  request_id: z.string().min(1).nullish(),
  request: z.looseObject({ id: z.string().min(1).nullish() }).nullish(),
  objects: z.record(z.string(), z.unknown()).nullish(),
});
export type ReportingEvent = z.infer<typeof ReportingEventSchema>;

/** The whole answer: exactly `{ events, success }`, no cursor and no total (docs/authy-api.md#33-paging-and-limits). */
export const ReportingEventsResponseSchema = z.object({
  events: z.array(ReportingEventSchema),
  success: z.boolean(),
});

/**
 * A time-bounded events query. `from` is inclusive; the upper bound is `to` (exclusive) or
 * `toInclusive`. Times are passed to Authy exactly as given, so a bound taken from an event's own
 * `time` keeps its precision.
 */
export interface ReportingEventsQuery {
  from: string;
  to: string;
  toInclusive?: boolean;
  /** 1-based, at most {@link REPORTING_MAX_PAGE}. */
  page: number;
  /** At most {@link REPORTING_MAX_PER_PAGE}. */
  perPage: number;
}

/** The Reporting API's events endpoint; errors are the HTTP core's typed errors (AuthyApiError, ...). */
export interface AuthyReportingClient {
  /** One page of events in the window, newest first. */
  listEvents(query: ReportingEventsQuery): Promise<ReportingEvent[]>;
}

/** Builds the Reporting API client on the shared HTTP core (auth header, timeouts, typed errors). */
export function createAuthyReportingClient(http: AuthyHttp): AuthyReportingClient {
  return {
    async listEvents(query) {
      const upper = query.toInclusive ? 'query[time][lte]' : 'query[time][lt]';
      const body = await http.request(
        {
          method: 'GET',
          path: '/protected/json/reporting/events',
          query: {
            'query[time][gte]': query.from,
            [upper]: query.to,
            page: query.page,
            per_page: query.perPage,
          },
        },
        ReportingEventsResponseSchema,
      );
      return body.events;
    },
  };
}
