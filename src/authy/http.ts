import type { z } from 'zod';
import { AuthyResponseError, AuthyTransportError } from './errors';
import { isRecord } from '../shared/is-record';
import { readJson, toApiError } from './response';

/** How to reach one Authy application. */
export interface AuthyHttpOptions {
  /** `https://api.authy.com` or the emulator's URL, without trailing slash. */
  baseUrl: string;
  /** Sent as `X-Authy-API-Key`; never logged, never part of an error message. */
  apiKey: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** One call: method, a path template with `:name` placeholders, and its values. */
export interface AuthyRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  pathParams?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON (as Twilio's authy-client does). */
  body?: unknown;
}

/** Sends Authy API requests and parses answers; the base of every Authy client in src/authy. */
export interface AuthyHttp {
  request<S extends z.ZodType>(request: AuthyRequest, schema: S): Promise<z.infer<S>>;
}

/** Creates the HTTP core: auth header, timeout, JSON, typed errors carrying `error_code` and status. */
export function createAuthyHttp(options: AuthyHttpOptions): AuthyHttp {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async request(request, schema) {
      const endpoint = `${request.method} ${request.path}`;
      const url = new URL(options.baseUrl + fillPath(request.path, request.pathParams ?? {}));
      for (const [key, value] of Object.entries(request.query ?? {})) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      let response: Response;
      try {
        response = await doFetch(url, {
          method: request.method,
          headers: {
            'X-Authy-API-Key': options.apiKey,
            Accept: 'application/json',
            ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const reason =
          error instanceof Error && error.name === 'TimeoutError'
            ? `timed out after ${timeoutMs} ms`
            : 'failed';
        throw new AuthyTransportError(`Authy ${endpoint} ${reason}`, endpoint, { cause: error });
      }
      const body = await readJson(response);
      const apiSaysFailure = isRecord(body) && body.success === false;
      if (!response.ok || apiSaysFailure) throw toApiError(endpoint, response, body);
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        throw new AuthyResponseError(
          `Authy ${endpoint} answered an unexpected body: ${parsed.error.message}`,
          endpoint,
          {
            cause: parsed.error,
          },
        );
      }
      return parsed.data;
    },
  };
}

function fillPath(template: string, params: Record<string, string | number>): string {
  return template.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter :${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}
