import type { ApiRoute } from '../api-route';
import { authyErrors } from '../errors';
import { requestParams } from '../params';
import { parseReportingQuery, ReportingQueryError } from './query';
import type { ReportingQuery } from './query';
import type { ReportingLog } from './reporting-log';

/** `GET /protected/json/reporting/events` (reference 3): `{ events, success }`, newest first. */
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
  ];
}
