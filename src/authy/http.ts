import type { z } from 'zod';
import { fillPath, providerFetch, providerTransport } from '../twilio/provider-http';
import { AUTHY_ERRORS } from './response';

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
  const transport = providerTransport(options, AUTHY_ERRORS);
  return {
    async request(request, schema) {
      const url = new URL(options.baseUrl + fillPath(request.path, request.pathParams ?? {}));
      for (const [key, value] of Object.entries(request.query ?? {})) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      return providerFetch(transport, {
        endpoint: `${request.method} ${request.path}`,
        method: request.method,
        url,
        headers: { 'X-Authy-API-Key': options.apiKey },
        ...(request.body === undefined
          ? {}
          : { body: { contentType: 'application/json', text: JSON.stringify(request.body) } }),
        schema,
      });
    },
  };
}
