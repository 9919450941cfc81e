import { z } from 'zod';
import { isRecord } from '../shared/is-record';
import { parseRetryAfter } from '../twilio/provider-errors';
import { callErrors, fillPath, providerFetch, providerTransport } from '../twilio/provider-http';
import type { ProviderErrors } from '../twilio/provider-http';
import { VerifyApiError, VerifyResponseError, VerifyTransportError } from './errors';

/** Account credentials: the account SID and auth token, or an API key (`SK…`) and its secret. */
export interface VerifyCredentials {
  /** Basic-auth user: the account SID (`AC…`) or an API key SID (`SK…`). */
  username: string;
  /** Basic-auth password: the auth token or the API key's secret. Never logged. */
  password: string;
}

/** How to reach Verify v2. */
export interface VerifyHttpOptions {
  /** `https://verify.twilio.com` or the emulator's URL, without trailing slash. */
  baseUrl: string;
  credentials: VerifyCredentials;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Form fields; an array is sent as the name repeated (`EventTypes=a&EventTypes=b`). */
export type VerifyForm = Record<string, string | number | boolean | readonly string[] | undefined>;

/** One call: method, a path template with `:name` placeholders, their values, and a form or query. */
export interface VerifyRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  pathParams?: Record<string, string>;
  /** GET: the query string; POST: the `application/x-www-form-urlencoded` body. */
  params?: VerifyForm;
}

/** Sends Verify v2 requests and parses answers; the base of the client in src/verify. */
export interface VerifyHttp {
  /** Sends the request and parses the JSON answer with `schema`. */
  request<S extends z.ZodType>(request: VerifyRequest, schema: S): Promise<z.infer<S>>;
  /** Sends a request whose answer has no body (DELETE → 204). */
  send(request: VerifyRequest): Promise<void>;
}

function encodeForm(params: VerifyForm): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (typeof value === 'object') for (const one of value) form.append(name, one);
    else form.append(name, String(value));
  }
  return form;
}

/** Turns Twilio's error answer into a typed {@link VerifyApiError}. */
function toApiError(endpoint: string, response: Response, body: unknown): VerifyApiError {
  const errorBody = isRecord(body) ? body : {};
  const message = typeof errorBody.message === 'string' ? errorBody.message : `HTTP ${response.status}`;
  const code =
    typeof errorBody.code === 'number'
      ? errorBody.code
      : typeof errorBody.code === 'string' && /^\d+$/.test(errorBody.code)
        ? Number(errorBody.code)
        : undefined;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return new VerifyApiError(`Verify ${endpoint} failed: ${message}${code ? ` (${code})` : ''}`, {
    status: response.status,
    endpoint,
    ...(code === undefined ? {} : { code }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** How Verify calls fail, for the HTTP core (src/twilio/provider-http.ts); messages name the endpoint. */
const VERIFY_ERRORS: ProviderErrors = {
  ...callErrors('Verify', VerifyTransportError, VerifyResponseError),
  api: toApiError,
};

/**
 * Creates the HTTP core: Basic auth, form bodies, timeout, JSON answers checked by a zod schema, and
 * typed errors carrying Twilio's `code` and the HTTP status (docs/verify.md, "The client").
 */
export function createVerifyHttp(options: VerifyHttpOptions): VerifyHttp {
  const transport = providerTransport(options, VERIFY_ERRORS);
  const authorization = `Basic ${Buffer.from(
    `${options.credentials.username}:${options.credentials.password}`,
  ).toString('base64')}`;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  async function call<S extends z.ZodType>(request: VerifyRequest, schema: S): Promise<z.infer<S>> {
    const url = new URL(baseUrl + fillPath(request.path, request.pathParams ?? {}));
    const form = encodeForm(request.params ?? {});
    const hasBody = request.method === 'POST';
    if (!hasBody) for (const [name, value] of form) url.searchParams.append(name, value);
    return providerFetch(transport, {
      endpoint: `${request.method} ${request.path}`,
      method: request.method,
      url,
      headers: { Authorization: authorization },
      ...(hasBody
        ? { body: { contentType: 'application/x-www-form-urlencoded', text: form.toString() } }
        : {}),
      schema,
    });
  }

  return {
    request: call,
    async send(request) {
      await call(request, z.unknown());
    },
  };
}
