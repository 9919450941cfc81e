import { ApplicationFailure } from '@temporalio/common';
import { toAuthyFailure } from '../../src/activities/authy-failure';
import { AuthyApiError, AuthyResponseError, AuthyTransportError } from '../../src/authy/errors';
import { createAuthyHttp } from '../../src/authy/http';
import { UserStatusResultSchema } from '../../src/authy/users';
import { createWebhooksApi } from '../../src/authy/webhooks-api';
import {
  AUTHY_DEVICE_NOT_READY,
  AUTHY_INVALID_REPORTING_QUERY,
  AUTHY_MISCONFIGURED,
  AUTHY_PERMANENT_ERROR,
  AUTHY_RATE_LIMITED,
  AUTHY_REJECTED_INPUT,
  AUTHY_UNAVAILABLE,
} from '../../src/shared/failures';

// How the Authy clients turn answers into typed errors, and the activities turn those into the
// ApplicationFailure types workflows recognise (docs/authy-api.md#13-error-codes).

const BASE_URL = 'http://authy.test';
const STATUS_PATH = '/protected/json/users/:id/status';

/** A fetch that answers every call with `status` and the JSON `body`. */
const answering =
  (status: number, body: unknown, headers: Record<string, string> = {}): typeof fetch =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body), { status, headers }));

/** A fetch that rejects the way `fetch` does on a dead host or an expired `AbortSignal.timeout`. */
const rejecting =
  (name: string): typeof fetch =>
  () =>
    Promise.reject(Object.assign(new Error(`fetch ${name}`), { name }));

const statusCall = (doFetch: typeof fetch) =>
  createAuthyHttp({ baseUrl: BASE_URL, apiKey: 'key', timeoutMs: 25, fetch: doFetch }).request(
    { method: 'GET', path: STATUS_PATH, pathParams: { id: 42 } },
    UserStatusResultSchema,
  );

const webhooksApi = (doFetch: typeof fetch) =>
  createWebhooksApi({
    baseUrl: BASE_URL,
    apiKey: 'key',
    accessKey: 'access',
    apiSigningKey: 'signing',
    timeoutMs: 25,
    fetch: doFetch,
  });

describe('Authy HTTP core errors', () => {
  it('when the request times out or fails, then AuthyTransportError names the endpoint and the reason', async () => {
    await expect(statusCall(rejecting('TimeoutError'))).rejects.toMatchObject({
      name: 'AuthyTransportError',
      message: `Authy GET ${STATUS_PATH} timed out after 25 ms`,
      endpoint: `GET ${STATUS_PATH}`,
    });
    const refused = await statusCall(rejecting('TypeError')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthyTransportError);
    expect(refused).toMatchObject({ message: `Authy GET ${STATUS_PATH} failed` });
    expect((refused as Error).cause).toMatchObject({ name: 'TypeError' });
  });

  it('when Authy answers an error body, then AuthyApiError carries status, error_code, field errors and Retry-After', async () => {
    const body = {
      message: 'User was not valid',
      success: false,
      errors: { message: 'User was not valid', cellphone: 'is invalid' },
      error_code: '60027',
    };
    const error = await statusCall(answering(400, body, { 'Retry-After': '3' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthyApiError);
    expect(error).toMatchObject({
      name: 'AuthyApiError',
      message: `Authy GET ${STATUS_PATH} failed: User was not valid (60027)`,
      status: 400,
      errorCode: '60027',
      retryable: false,
      details: {
        status: 400,
        errorCode: '60027',
        endpoint: `GET ${STATUS_PATH}`,
        retryAfterMs: 3000,
        fieldErrors: { cellphone: 'is invalid' },
      },
    });
  });

  it('when a 200 says success: false, then it is an AuthyApiError too; 60003 is retryable', async () => {
    const error = await statusCall(
      answering(200, { message: 'Too many requests', success: false, error_code: 60003 }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthyApiError', status: 200, errorCode: '60003', retryable: true });
  });

  it('when a body without a message fails, then the message is the HTTP status; 5xx are retryable', async () => {
    const error = await statusCall(answering(503, {})).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: `Authy GET ${STATUS_PATH} failed: HTTP 503`, retryable: true });
  });

  it('when a 2xx body has the wrong shape, then AuthyResponseError quotes the schema error', async () => {
    const error = await statusCall(answering(200, { status: 'odd' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthyResponseError);
    expect(error).toMatchObject({ endpoint: `GET ${STATUS_PATH}` });
    expect((error as Error).message).toMatch(
      new RegExp(`^Authy GET ${STATUS_PATH} answered an unexpected body: .+`, 's'),
    );
  });
});

describe('Authy Webhooks API errors', () => {
  const endpoint = 'GET /dashboard/json/application/webhooks';

  it('when the request fails, then AuthyTransportError also names the base URL', async () => {
    await expect(webhooksApi(rejecting('TimeoutError')).list()).rejects.toMatchObject({
      name: 'AuthyTransportError',
      message: `Authy ${endpoint} timed out after 25 ms (${BASE_URL})`,
      endpoint,
    });
  });

  it('when the body has the wrong shape, then AuthyResponseError says so without the schema error', async () => {
    await expect(webhooksApi(answering(200, { webhooks: 'none' })).list()).rejects.toMatchObject({
      name: 'AuthyResponseError',
      message: `Authy ${endpoint} answered an unexpected body`,
    });
  });

  it('when the API refuses, then AuthyApiError carries its error code', async () => {
    const refused = answering(401, { message: 'Invalid API key', success: false, error_code: '60001' });
    await expect(webhooksApi(refused).list()).rejects.toMatchObject({
      name: 'AuthyApiError',
      message: `Authy ${endpoint} failed: Invalid API key (60001)`,
      details: { status: 401, errorCode: '60001', endpoint },
    });
  });
});

describe('toAuthyFailure', () => {
  const apiError = (status: number, errorCode?: string, retryAfterMs?: number) =>
    new AuthyApiError('Authy X failed', {
      status,
      endpoint: 'X',
      ...(errorCode === undefined ? {} : { errorCode }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  const asFailure = (error: unknown) => toAuthyFailure(error) as ApplicationFailure;

  it.each([
    [400, '60027', AUTHY_REJECTED_INPUT, true],
    [400, '60033', AUTHY_REJECTED_INPUT, true],
    [400, '60082', AUTHY_REJECTED_INPUT, true],
    [400, '60089', AUTHY_INVALID_REPORTING_QUERY, true],
    [400, '60095', AUTHY_INVALID_REPORTING_QUERY, true],
    [429, undefined, AUTHY_RATE_LIMITED, false],
    [200, '60003', AUTHY_RATE_LIMITED, false],
    [400, '60050', AUTHY_DEVICE_NOT_READY, false],
    [401, undefined, AUTHY_MISCONFIGURED, false],
    [400, '60001', AUTHY_MISCONFIGURED, false],
    [503, undefined, AUTHY_UNAVAILABLE, false],
    [404, '60026', AUTHY_PERMANENT_ERROR, true],
  ])(
    'when Authy answers %i / %s, then the failure is %s (non-retryable: %s)',
    (status, errorCode, type, nonRetryable) => {
      const failure = asFailure(apiError(status, errorCode));
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
        type,
        nonRetryable,
        'Authy X failed',
      ]);
      expect(failure.details).toEqual([{ status, errorCode, fieldErrors: undefined }]);
      expect(failure.nextRetryDelay).toBeUndefined();
    },
  );

  it('when a rate limit carries Retry-After, then the next retry waits that long', () => {
    expect(asFailure(apiError(429, '60003', 7_000)).nextRetryDelay).toBe(7_000);
  });

  it('when the transport fails, then unavailable with the error as cause; a malformed body is permanent', () => {
    const down = new AuthyTransportError('down', 'X');
    const unavailable = asFailure(down);
    expect([unavailable.type, unavailable.nonRetryable, unavailable.cause]).toEqual([
      AUTHY_UNAVAILABLE,
      false,
      down,
    ]);
    const malformed = asFailure(new AuthyResponseError('bad', 'X'));
    expect([malformed.type, malformed.nonRetryable, malformed.message]).toEqual([
      AUTHY_PERMANENT_ERROR,
      true,
      'bad',
    ]);
  });

  it('when the error is not an Authy one, then it is returned unchanged', () => {
    const other = new Error('other');
    expect(toAuthyFailure(other)).toBe(other);
  });
});
