// The three ways a call to a Twilio API (Authy, Verify v2) fails, shared by both clients: each
// provider's errors (src/authy/errors.ts, src/verify/errors.ts) extend these with their own name and
// codes, and src/activities/provider-failure.ts maps them to the failure types workflows recognise.

/** What every error answer records: the status, the endpoint, and when to retry if the API said. */
export interface ProviderApiErrorDetails {
  /** HTTP status of the answer. */
  status: number;
  /** The endpoint as a template (`GET /protected/json/users/:id/status`); never carries secrets. */
  endpoint: string;
  /** Parsed `Retry-After`, when the answer had one. */
  retryAfterMs?: number;
}

/** The API answered with an error; `details` adds the provider's own codes to the common fields. */
export abstract class ProviderApiError<
  D extends ProviderApiErrorDetails = ProviderApiErrorDetails,
> extends Error {
  constructor(
    message: string,
    readonly details: D,
  ) {
    super(message);
  }

  get status(): number {
    return this.details.status;
  }

  /** Worth retrying: rate limits and server-side failures; another 4xx will not change. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** An error of one call that is not an error answer; `endpoint` names the call, never secrets. */
abstract class ProviderCallError extends Error {
  constructor(
    message: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The request never got an HTTP answer (connection refused, reset, timeout). Always retryable. */
export abstract class ProviderTransportError extends ProviderCallError {}

/** A 2xx answer whose body does not have the documented shape: a contract break, not transient. */
export abstract class ProviderResponseError extends ProviderCallError {}

/** Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
