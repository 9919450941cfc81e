import { ApplicationFailure } from '@temporalio/common';
import { toAuthyFailure, toVerifyFailure } from '../../src/activities/provider-failure';
import { AuthyApiError, AuthyResponseError, AuthyTransportError } from '../../src/authy/errors';
import { createAuthyHttp } from '../../src/authy/http';
import { UserStatusResultSchema } from '../../src/authy/users';
import { createWebhooksApi } from '../../src/authy/webhooks-api';
import { VerifyApiError, VerifyResponseError, VerifyTransportError } from '../../src/verify/errors';
import { createVerifyHttp } from '../../src/verify/http';
import { ServiceSchema } from '../../src/verify/schemas';

// The Authy and Verify clients over one HTTP core (src/twilio/provider-http.ts): how each types its
// errors, and how the activities turn those into the failure types workflows recognise by `type`
// (src/activities/provider-failure.ts; docs/authy-api.md#13-error-codes, docs/verify.md "Errors").
// The types are spelled out: they are the contract with workflow histories.

const BASE_URL = 'http://provider.test';
const STATUS_PATH = '/protected/json/users/:id/status';
const WEBHOOKS_PATH = '/dashboard/json/application/webhooks';
const SERVICE_PATH = '/v2/Services/:service';

/** A fetch that answers every call with `status` and `body` as JSON (no body when undefined). */
const answering =
  (status: number, body: unknown, headers: Record<string, string> = {}): typeof fetch =>
  () =>
    Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status, headers }));

/** A fetch that rejects the way `fetch` does on a dead host (TypeError) or an expired deadline. */
const rejecting =
  (name: 'TimeoutError' | 'TypeError'): typeof fetch =>
  () =>
    Promise.reject(Object.assign(new Error(`fetch ${name}`), { name }));

const authyStatus = (doFetch: typeof fetch) =>
  createAuthyHttp({ baseUrl: BASE_URL, apiKey: 'key', timeoutMs: 25, fetch: doFetch }).request(
    { method: 'GET', path: STATUS_PATH, pathParams: { id: 42 } },
    UserStatusResultSchema,
  );

const authyWebhooks = (doFetch: typeof fetch) =>
  createWebhooksApi({
    baseUrl: BASE_URL,
    apiKey: 'key',
    accessKey: 'access',
    apiSigningKey: 'signing',
    timeoutMs: 25,
    fetch: doFetch,
  }).list();

const verifyHttp = (doFetch: typeof fetch) =>
  createVerifyHttp({
    baseUrl: `${BASE_URL}/`,
    credentials: { username: 'AC1', password: 'secret' },
    timeoutMs: 25,
    fetch: doFetch,
  });

const verifyService = (doFetch: typeof fetch) =>
  verifyHttp(doFetch).request(
    { method: 'GET', path: SERVICE_PATH, pathParams: { service: 'VA1' } },
    ServiceSchema,
  );

const failureOf = (error: Promise<unknown>) => error.catch((e: unknown) => e);

describe('a call that gets no answer', () => {
  it.each([
    ['Authy', authyStatus, AuthyTransportError, `Authy GET ${STATUS_PATH}`, ''],
    [
      'the Authy Webhooks API',
      authyWebhooks,
      AuthyTransportError,
      `Authy GET ${WEBHOOKS_PATH}`,
      ` (${BASE_URL})`,
    ],
    ['Verify', verifyService, VerifyTransportError, `Verify GET ${SERVICE_PATH}`, ''],
  ])(
    'when %s times out or is refused, then its transport error says which, naming the endpoint',
    async (_, call, TransportError, prefix, suffix) => {
      const timedOut = await failureOf(call(rejecting('TimeoutError')));
      expect(timedOut).toBeInstanceOf(TransportError);
      expect(timedOut).toMatchObject({
        name: TransportError.name,
        message: `${prefix} timed out after 25 ms${suffix}`,
        endpoint: prefix.slice(prefix.indexOf(' ') + 1),
      });
      const refused = await failureOf(call(rejecting('TypeError')));
      expect(refused).toMatchObject({ message: `${prefix} failed${suffix}` });
      expect((refused as Error).cause).toMatchObject({ name: 'TypeError' });
    },
  );
});

describe('a 2xx answer of the wrong shape', () => {
  it.each([
    ['Authy', authyStatus, AuthyResponseError, `Authy GET ${STATUS_PATH} answered an unexpected body: `],
    [
      'the Authy Webhooks API',
      authyWebhooks,
      AuthyResponseError,
      `Authy GET ${WEBHOOKS_PATH} answered an unexpected body`,
    ],
    [
      'Verify',
      verifyService,
      VerifyResponseError,
      `Verify GET ${SERVICE_PATH} answered an unexpected body: `,
    ],
  ])('when %s answers it, then its response error says so', async (_, call, ResponseError, message) => {
    const error = await failureOf(call(answering(200, { webhooks: 'none', status: 'odd', sid: 7 })));
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message.startsWith(message)).toBe(true);
    // Only the Webhooks API leaves the schema's report out of its message.
    expect((error as Error).message.length > message.length).toBe(message.endsWith(': '));
  });
});

describe('Authy error answers', () => {
  it('when Authy answers an error body, then AuthyApiError carries status, error_code, field errors and Retry-After', async () => {
    const body = {
      message: 'User was not valid',
      success: false,
      errors: { message: 'User was not valid', cellphone: 'is invalid' },
      error_code: '60027',
    };
    const error = await failureOf(authyStatus(answering(400, body, { 'Retry-After': '3' })));
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

  it('when a 200 says success: false, then it is an error answer too; 60003 is retryable whatever the status', async () => {
    const error = await failureOf(
      authyStatus(answering(200, { message: 'Too many requests', success: false, error_code: 60003 })),
    );
    expect(error).toMatchObject({ name: 'AuthyApiError', status: 200, errorCode: '60003', retryable: true });
  });

  it('when an error body has no message, then the message is the HTTP status; 5xx are retryable', async () => {
    const error = await failureOf(authyStatus(answering(503, {})));
    expect(error).toMatchObject({ message: `Authy GET ${STATUS_PATH} failed: HTTP 503`, retryable: true });
  });

  it('when the Webhooks API refuses, then AuthyApiError carries its error code', async () => {
    const refused = answering(401, { message: 'Invalid API key', success: false, error_code: '60001' });
    await expect(authyWebhooks(refused)).rejects.toMatchObject({
      name: 'AuthyApiError',
      message: `Authy GET ${WEBHOOKS_PATH} failed: Invalid API key (60001)`,
      details: { status: 401, errorCode: '60001', endpoint: `GET ${WEBHOOKS_PATH}` },
    });
  });
});

describe('Verify error answers', () => {
  it('when Twilio answers its error body, then VerifyApiError carries status, code and Retry-After', async () => {
    const body = { code: 20429, message: 'Too many requests', more_info: 'https://x', status: 429 };
    const error = await failureOf(verifyService(answering(429, body, { 'Retry-After': '2' })));
    expect(error).toBeInstanceOf(VerifyApiError);
    expect(error).toMatchObject({
      name: 'VerifyApiError',
      message: `Verify GET ${SERVICE_PATH} failed: Too many requests (20429)`,
      status: 429,
      code: 20429,
      retryable: true,
      details: { status: 429, code: 20429, endpoint: `GET ${SERVICE_PATH}`, retryAfterMs: 2000 },
    });
  });

  it('when the code is a numeric string or absent, then it is read as a number or left out', async () => {
    const stringCode = await failureOf(verifyService(answering(400, { code: '60300', message: 'Invalid' })));
    expect(stringCode).toMatchObject({ code: 60300, retryable: false });
    const bare = await failureOf(verifyService(answering(502, undefined)));
    expect(bare).toMatchObject({ message: `Verify GET ${SERVICE_PATH} failed: HTTP 502`, retryable: true });
    expect((bare as VerifyApiError).details).not.toHaveProperty('code');
  });

  it('when a DELETE answers 204, then send resolves; an error status still rejects', async () => {
    const request = { method: 'DELETE', path: SERVICE_PATH, pathParams: { service: 'VA1' } } as const;
    await expect(verifyHttp(answering(204, undefined)).send(request)).resolves.toBeUndefined();
    await expect(
      verifyHttp(answering(404, { code: 20404, message: 'Not found' })).send(request),
    ).rejects.toMatchObject({ name: 'VerifyApiError', code: 20404 });
  });
});

describe('failure types', () => {
  /** An error answer of `provider` with `status`, its code (Authy's `error_code` or Twilio's `code`) and Retry-After. */
  const answer = (
    provider: 'Authy' | 'Verify',
    status: number,
    code?: string | number,
    retryAfterMs?: number,
  ) => {
    const details = { status, endpoint: 'X', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    if (provider === 'Verify')
      return new VerifyApiError('Verify X failed', {
        ...details,
        ...(code === undefined ? {} : { code: Number(code) }),
      });
    return new AuthyApiError('Authy X failed', {
      ...details,
      ...(code === undefined ? {} : { errorCode: String(code) }),
    });
  };
  const toFailure = (error: unknown) =>
    (error instanceof VerifyApiError ? toVerifyFailure(error) : toAuthyFailure(error)) as ApplicationFailure;

  it.each([
    ['Authy', 400, '60027', 'AuthyRejectedInput', true],
    ['Authy', 400, '60033', 'AuthyRejectedInput', true],
    ['Authy', 400, '60082', 'AuthyRejectedInput', true],
    ['Authy', 400, '60089', 'AuthyInvalidReportingQuery', true],
    ['Authy', 400, '60095', 'AuthyInvalidReportingQuery', true],
    ['Authy', 429, undefined, 'AuthyRateLimited', false],
    ['Authy', 200, '60003', 'AuthyRateLimited', false],
    ['Authy', 400, '60050', 'AuthyDeviceNotReady', false],
    ['Authy', 401, undefined, 'AuthyMisconfigured', false],
    ['Authy', 400, '60001', 'AuthyMisconfigured', false],
    ['Authy', 503, undefined, 'AuthyUnavailable', false],
    ['Authy', 404, '60026', 'AuthyPermanentError', true],
    ['Verify', 400, 60300, 'AuthyRejectedInput', true],
    ['Verify', 401, 20003, 'AuthyMisconfigured', false],
    ['Verify', 403, 20003, 'AuthyMisconfigured', false],
    ['Verify', 404, 20404, 'AuthyMisconfigured', false],
    ['Verify', 403, 60318, 'AuthyPermanentError', true],
    ['Verify', 429, 20429, 'AuthyRateLimited', false],
    ['Verify', 503, undefined, 'AuthyUnavailable', false],
  ] as const)(
    'when %s answers %i / %s, then the failure is %s (non-retryable: %s)',
    (provider, status, code, type, nonRetryable) => {
      const error = answer(provider, status, code);
      const failure = toFailure(error);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
        type,
        nonRetryable,
        error.message,
      ]);
      expect(failure.nextRetryDelay).toBeUndefined();
    },
  );

  it('when an error answer is mapped, then the failure records its status and the provider codes', () => {
    expect(toFailure(answer('Authy', 400, '60027')).details).toEqual([
      { status: 400, errorCode: '60027', fieldErrors: undefined },
    ]);
    expect(toFailure(answer('Verify', 400, 60300)).details).toEqual([{ status: 400, code: 60300 }]);
  });

  it('when a rate limit carries Retry-After, then the next retry waits that long', () => {
    expect(toFailure(answer('Authy', 429, '60003', 7_000)).nextRetryDelay).toBe(7_000);
    expect(toFailure(answer('Verify', 429, 20429, 6_000)).nextRetryDelay).toBe(6_000);
  });

  it.each([
    ['Authy', toAuthyFailure, new AuthyTransportError('down', 'X'), new AuthyResponseError('bad', 'X')],
    ['Verify', toVerifyFailure, new VerifyTransportError('down', 'X'), new VerifyResponseError('bad', 'X')],
  ])(
    'when %s gets no answer, then unavailable with the error as cause; a malformed body is permanent',
    (_, map, down, malformed) => {
      const unavailable = map(down) as ApplicationFailure;
      expect([unavailable.type, unavailable.nonRetryable, unavailable.cause]).toEqual([
        'AuthyUnavailable',
        false,
        down,
      ]);
      const permanent = map(malformed) as ApplicationFailure;
      expect([permanent.type, permanent.nonRetryable, permanent.message]).toEqual([
        'AuthyPermanentError',
        true,
        'bad',
      ]);
    },
  );

  it('when the error is not a provider one, then it is returned unchanged', () => {
    const other = new Error('other');
    expect([toAuthyFailure(other), toVerifyFailure(other)]).toEqual([other, other]);
  });
});
