import type { ApiRoute } from '../api-route';
import { authyErrors } from '../errors';
import type { AuthyError } from '../errors';
import { requestParams } from '../params';
import { dateHistogramBody } from './date-histogram-response';
import {
  BUCKETS_PER_PAGE,
  DateHistogramQueryError,
  HISTOGRAM_INTERVALS,
  parseDateHistogramQuery,
} from './date-histogram-query';
import type { DateHistogramQuery } from './date-histogram-query';
import { parseReportingQuery, ReportingQueryError } from './query-parse';
import type { ReportingQuery } from './query-parse';
import type { ReportingLog } from './reporting-log';

/**
 * The Reporting API (docs/authy-api.md#3-authy-reporting-api): `GET …/reporting/events` answers `{ events, success }`, newest
 * first; `GET …/reporting/date_histogram` answers counts per time bucket (date-histogram-response.ts).
 */
export function reportingRoutes(deps: {
  reporting: () => ReportingLog;
  guard: ApiRoute['guard'];
}): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/protected/json/reporting/events',
      endpoint: 'reporting.events',
      guard: deps.guard,
      handle(ctx) {
        let query: ReportingQuery;
        try {
          query = parseReportingQuery(requestParams(ctx));
        } catch (error) {
          if (error instanceof ReportingQueryError) throw authyErrors.invalidReportingQuery(error.message);
          throw error;
        }
        ctx.body = { events: deps.reporting().page(query), success: true };
      },
    },
    {
      method: 'get',
      path: '/protected/json/reporting/date_histogram',
      endpoint: 'reporting.date_histogram',
      guard: deps.guard,
      handle(ctx) {
        let query: DateHistogramQuery;
        try {
          query = parseDateHistogramQuery(requestParams(ctx));
        } catch (error) {
          if (error instanceof DateHistogramQueryError) throw dateHistogramError(error);
          throw error;
        }
        const counted = deps.reporting().histogram(
          query.series.map((s) => s.filter),
          {
            intervalMs: HISTOGRAM_INTERVALS[query.interval],
            skip: (query.page - 1) * BUCKETS_PER_PAGE,
            limit: BUCKETS_PER_PAGE,
          },
        );
        ctx.body = dateHistogramBody(
          query.interval,
          query.series.map((s, index) => ({ label: s.label, buckets: counted[index]! })),
        );
      },
    },
  ];
}

/** 60094 invalid interval, 60095 invalid report, 60089 invalid query (docs/authy-api.md#13-error-codes, #33-paging-and-limits); all 400. */
function dateHistogramError(error: DateHistogramQueryError): AuthyError {
  switch (error.fault) {
    case 'interval':
      return authyErrors.invalidReportingInterval(error.message);
    case 'report':
      return authyErrors.invalidReportingReport(error.message);
    case 'query':
      return authyErrors.invalidReportingQuery(error.message);
  }
}
