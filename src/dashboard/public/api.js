// @ts-check
// Reads the dashboard's JSON endpoints (relative to the page, so a path prefix in front of the
// gateway keeps working).

/** An endpoint answered with an error body, or could not be reached. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status 0 when the request never got an answer
   */
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * The URL of an endpoint with its query.
 * @param {string} endpoint e.g. `funnel`
 * @param {Record<string, string>} params
 */
export function endpointUrl(endpoint, params) {
  const url = new URL(`dashboard/api/${endpoint}`, document.baseURI);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

/**
 * GETs an endpoint's JSON; an error body `{ error: { code, message } }` becomes an ApiError.
 * @param {string} endpoint
 * @param {Record<string, string>} params
 * @param {AbortSignal} [signal]
 * @returns {Promise<any>}
 */
export async function getJson(endpoint, params, signal) {
  let response;
  try {
    response = await fetch(endpointUrl(endpoint, params), {
      headers: { accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('the gateway did not answer', 0);
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = body?.error?.message ?? `HTTP ${response.status}`;
    throw new ApiError(message, response.status);
  }
  return body;
}
