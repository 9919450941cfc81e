import type { z } from 'zod';
import { parseRetryAfter } from '../authy/errors';
import { readJson } from '../authy/response';
import { isRecord } from '../shared/is-record';
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

function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter :${name} for ${template}`);
    return encodeURIComponent(value);
  });
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

/**
 * Creates the HTTP core: Basic auth, form bodies, timeout, JSON answers checked by a zod schema, and
 * typed errors carrying Twilio's `code` and the HTTP status (docs/verify.md, "The client").
 */
export function createVerifyHttp(options: VerifyHttpOptions): VerifyHttp {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const authorization = `Basic ${Buffer.from(
    `${options.credentials.username}:${options.credentials.password}`,
  ).toString('base64')}`;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  async function call(request: VerifyRequest): Promise<{ endpoint: string; body: unknown }> {
    const endpoint = `${request.method} ${request.path}`;
    const url = new URL(baseUrl + fillPath(request.path, request.pathParams ?? {}));
    const form = encodeForm(request.params ?? {});
    const hasBody = request.method === 'POST';
    if (!hasBody) for (const [name, value] of form) url.searchParams.append(name, value);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: request.method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          ...(hasBody ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(hasBody ? { body: form.toString() } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `timed out after ${timeoutMs} ms`
          : 'failed';
      throw new VerifyTransportError(`Verify ${endpoint} ${reason}`, endpoint, { cause: error });
    }
    const body = await readJson(response);
    if (!response.ok) throw toApiError(endpoint, response, body);
    return { endpoint, body };
  }

  return {
    async request(request, schema) {
      const { endpoint, body } = await call(request);
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        throw new VerifyResponseError(
          `Verify ${endpoint} answered an unexpected body: ${parsed.error.message}`,
          endpoint,
          { cause: parsed.error },
        );
      }
      return parsed.data;
    },
    async send(request) {
      await call(request);
    },
  };
}
