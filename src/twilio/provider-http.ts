import type { z } from 'zod';
import type { ProviderResponseError, ProviderTransportError } from './provider-errors';

/**
 * How one provider's client turns each way a call fails into its own typed errors
 * (src/twilio/provider-errors.ts); the messages are the provider's.
 */
export interface ProviderErrors {
  /** No HTTP answer; `reason` is `failed` or `timed out after N ms`. */
  transport(endpoint: string, reason: string, cause: unknown): Error;
  /** An answer that reports an error: non-2xx, or a 2xx {@link bodySaysFailure} recognises. */
  api(endpoint: string, response: Response, body: unknown): Error;
  /** A 2xx body the schema refuses. */
  response(endpoint: string, cause: z.ZodError): Error;
  /** A 2xx answer whose body still reports failure (Authy's `success: false`); none when absent. */
  bodySaysFailure?(body: unknown): boolean;
}

/** What every call of one client shares: the fetch, the deadline, and its errors. */
export interface ProviderTransport {
  fetch: typeof fetch;
  timeoutMs: number;
  errors: ProviderErrors;
}

/** A client's transport: the injected fetch or the global one, the per-request timeout (default 10 s). */
export function providerTransport(
  options: { fetch?: typeof fetch; timeoutMs?: number },
  errors: ProviderErrors,
): ProviderTransport {
  return { fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? 10_000, errors };
}

/** One call: where it goes, what it sends, the schema of its answer. */
export interface ProviderCall<S extends z.ZodType> {
  /** The endpoint as a template (`GET /v2/Services/:service`): names the call in errors, never secrets. */
  endpoint: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: URL | string;
  /** Credentials and signatures; `Accept: application/json` and the body's `Content-Type` are added. */
  headers: Record<string, string>;
  body?: { contentType: string; text: string };
  /** The documented shape of a 2xx answer's JSON body. */
  schema: S;
}

/**
 * Sends one call to a Twilio API (Authy or Verify v2) with the transport's deadline and returns the
 * answer's body checked by the call's schema; every failure becomes the provider's typed error.
 */
export async function providerFetch<S extends z.ZodType>(
  transport: ProviderTransport,
  call: ProviderCall<S>,
): Promise<z.infer<S>> {
  const { errors, timeoutMs } = transport;
  const headers = { ...call.headers, Accept: 'application/json' };
  let response: Response;
  try {
    response = await transport.fetch(call.url, {
      method: call.method,
      headers: call.body === undefined ? headers : { ...headers, 'Content-Type': call.body.contentType },
      ...(call.body === undefined ? {} : { body: call.body.text }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw errors.transport(call.endpoint, timedOut ? `timed out after ${timeoutMs} ms` : 'failed', error);
  }
  const body = await readJson(response);
  if (!response.ok || errors.bodySaysFailure?.(body) === true)
    throw errors.api(call.endpoint, response, body);
  const parsed = call.schema.safeParse(body);
  if (!parsed.success) throw errors.response(call.endpoint, parsed.error);
  return parsed.data;
}

type CallErrorClass<T> = new (message: string, endpoint: string, options: { cause: unknown }) => T;

/**
 * A provider's errors for a call that got no answer and for a body of the wrong shape, with the
 * messages both clients use: `<provider> <endpoint> <reason>` and
 * `<provider> <endpoint> answered an unexpected body: <the schema's report>`.
 */
export function callErrors(
  provider: string,
  TransportError: CallErrorClass<ProviderTransportError>,
  ResponseError: CallErrorClass<ProviderResponseError>,
): Pick<ProviderErrors, 'transport' | 'response'> {
  return {
    transport: (endpoint, reason, cause) =>
      new TransportError(`${provider} ${endpoint} ${reason}`, endpoint, { cause }),
    response: (endpoint, cause) =>
      new ResponseError(`${provider} ${endpoint} answered an unexpected body: ${cause.message}`, endpoint, {
        cause,
      }),
  };
}

/** The body as JSON, or as text when it is not JSON, or undefined when empty. */
async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Fills a path template's `:name` placeholders with their URI-encoded values. */
export function fillPath(template: string, params: Record<string, string | number>): string {
  return template.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter :${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}
