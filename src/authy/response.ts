import { isRecord } from '../shared/is-record';
import { callErrors } from '../twilio/provider-http';
import type { ProviderErrors } from '../twilio/provider-http';
import { parseRetryAfter } from '../twilio/provider-errors';
import { AuthyApiError, AuthyResponseError, AuthyTransportError } from './errors';

// Reading Authy answers, shared by every Authy client in src/authy.

interface AuthyErrorBody {
  message?: unknown;
  error_code?: unknown;
  errors?: unknown;
}

/**
 * How Authy calls fail, for the HTTP core (src/twilio/provider-http.ts): a 2xx whose body says
 * `success: false` is an error answer too, and every message names the endpoint.
 */
export const AUTHY_ERRORS: ProviderErrors = {
  ...callErrors('Authy', AuthyTransportError, AuthyResponseError),
  api: toApiError,
  bodySaysFailure: (body) => isRecord(body) && body.success === false,
};

/** Turns an Authy error answer (non-2xx or `success: false`) into a typed AuthyApiError. */
function toApiError(endpoint: string, response: Response, body: unknown): AuthyApiError {
  const errorBody: AuthyErrorBody = isRecord(body) ? body : {};
  const message = typeof errorBody.message === 'string' ? errorBody.message : `HTTP ${response.status}`;
  const errorCode =
    typeof errorBody.error_code === 'string' || typeof errorBody.error_code === 'number'
      ? String(errorBody.error_code)
      : undefined;
  const fieldErrors = isRecord(errorBody.errors)
    ? Object.fromEntries(
        Object.entries(errorBody.errors).filter(
          (entry): entry is [string, string] => entry[0] !== 'message' && typeof entry[1] === 'string',
        ),
      )
    : undefined;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return new AuthyApiError(`Authy ${endpoint} failed: ${message}${errorCode ? ` (${errorCode})` : ''}`, {
    status: response.status,
    endpoint,
    ...(errorCode ? { errorCode } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(fieldErrors && Object.keys(fieldErrors).length > 0 ? { fieldErrors } : {}),
  });
}
