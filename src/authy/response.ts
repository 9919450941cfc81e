import { isRecord } from '../shared/is-record';
import { AuthyApiError, parseRetryAfter } from './errors';

// Reading Authy answers, shared by every Authy client in src/authy.

interface AuthyErrorBody {
  message?: unknown;
  error_code?: unknown;
  errors?: unknown;
}

/** The body as JSON, or as text when it is not JSON, or undefined when empty. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Turns an Authy error answer (non-2xx or `success: false`) into a typed AuthyApiError. */
export function toApiError(endpoint: string, response: Response, body: unknown): AuthyApiError {
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
