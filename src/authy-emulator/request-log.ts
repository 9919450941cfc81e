import type { Context, Next } from 'koa';
import { z } from 'zod';

/** One API call the emulator received. Never holds a key: secret parameters and tokens are removed. */
export interface LoggedRequest {
  seq: number;
  /** ISO time the request arrived. */
  time: string;
  method: string;
  /** Path with the verify token replaced by `:token`. */
  path: string;
  /** Query string without `api_key`, `app_api_key`, `access_key`. */
  query: string;
  endpoint: string | null;
  status: number;
  durationMs: number;
  /** Set when a configured fault produced the answer. */
  fault: '429' | '5xx' | null;
}

/** Query of `GET /_emulator/requests`. */
export const RequestLogFilterSchema = z.strictObject({
  pathPrefix: z.string().optional(),
  endpoint: z.string().optional(),
  method: z
    .string()
    .transform((value) => value.toUpperCase())
    .optional(),
  status: z.coerce.number().int().optional(),
  /** Only requests at or after this time (ISO 8601). */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Only requests with a larger seq. */
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(1000),
});
export type RequestLogFilter = z.infer<typeof RequestLogFilterSchema>;

const SECRET_PARAMS = new Set(['api_key', 'app_api_key', 'access_key']);
const MAX_ENTRIES = 200_000;

/** Log of API calls (`/_emulator/*` excluded), used to count retries and repeated page fetches. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  constructor(private readonly now: () => number) {}

  /** Outermost middleware: records the final status after the error handler has run. */
  middleware() {
    return async (ctx: Context, next: Next): Promise<void> => {
      if (ctx.path.startsWith('/_emulator')) {
        await next();
        return;
      }
      const started = performance.now();
      const state = ctx.state as { endpoint?: unknown; fault?: unknown; arrivedAt?: unknown };
      // A middleware in front (the chaos suite's journal) may have stamped the arrival already.
      const arrived = typeof state.arrivedAt === 'number' ? state.arrivedAt : this.now();
      try {
        await next();
      } finally {
        this.seq += 1;
        this.entries.push({
          seq: this.seq,
          time: new Date(arrived).toISOString(),
          method: ctx.method,
          path: redactPath(ctx.path),
          query: redactQuery(ctx.querystring),
          endpoint: typeof state.endpoint === 'string' ? state.endpoint : null,
          status: ctx.status,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          fault: state.fault === '429' || state.fault === '5xx' ? state.fault : null,
        });
        if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, MAX_ENTRIES / 2);
      }
    };
  }

  /** Matching entries, oldest first, at most `limit` (the newest ones); `total` counts all matches. */
  list(filter: RequestLogFilter): { requests: LoggedRequest[]; total: number } {
    const since = filter.since === undefined ? undefined : Date.parse(filter.since);
    const matches = this.entries.filter(
      (entry) =>
        (filter.pathPrefix === undefined || entry.path.startsWith(filter.pathPrefix)) &&
        (filter.endpoint === undefined || entry.endpoint === filter.endpoint) &&
        (filter.method === undefined || entry.method === filter.method) &&
        (filter.status === undefined || entry.status === filter.status) &&
        (filter.afterSeq === undefined || entry.seq > filter.afterSeq) &&
        (since === undefined || Date.parse(entry.time) >= since),
    );
    return { requests: matches.slice(-filter.limit), total: matches.length };
  }

  clear(): void {
    this.entries = [];
  }
}

function redactPath(path: string): string {
  return path.replace(/^(\/protected\/[^/]+\/verify\/)[^/]+/, '$1:token');
}

function redactQuery(querystring: string): string {
  if (querystring === '') return '';
  const params = new URLSearchParams(querystring);
  for (const key of [...params.keys()]) if (SECRET_PARAMS.has(key.toLowerCase())) params.delete(key);
  return decodeURIComponent(params.toString());
}
