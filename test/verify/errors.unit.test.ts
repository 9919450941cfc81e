import type { ApplicationFailure } from '@temporalio/common';
import { VerifyApiError, VerifyResponseError, VerifyTransportError } from '../../src/verify/errors';
import { toVerifyFailure } from '../../src/verify/failures';
import { createVerifyHttp } from '../../src/verify/http';
import { ServiceSchema } from '../../src/verify/schemas';
import { AUTHY_PERMANENT_ERROR, AUTHY_UNAVAILABLE } from '../../src/shared/failures';

// How the Verify HTTP core turns answers into typed errors, and the activities turn those into
// failure types (docs/verify.md, "Errors"); the failure types per status are in client.test.ts.

const SERVICE_PATH = '/v2/Services/:service';

const answering =
  (status: number, body: unknown, headers: Record<string, string> = {}): typeof fetch =>
  () =>
    Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status, headers }));

const rejecting =
  (name: string): typeof fetch =>
  () =>
    Promise.reject(Object.assign(new Error(`fetch ${name}`), { name }));

const http = (doFetch: typeof fetch) =>
  createVerifyHttp({
    baseUrl: 'http://verify.test/',
    credentials: { username: 'AC1', password: 'secret' },
    timeoutMs: 25,
    fetch: doFetch,
  });

const fetchService = (doFetch: typeof fetch) =>
  http(doFetch).request({ method: 'GET', path: SERVICE_PATH, pathParams: { service: 'VA1' } }, ServiceSchema);

describe('Verify HTTP core errors', () => {
  it('when the request times out or fails, then VerifyTransportError names the endpoint and the reason', async () => {
    await expect(fetchService(rejecting('TimeoutError'))).rejects.toMatchObject({
      name: 'VerifyTransportError',
      message: `Verify GET ${SERVICE_PATH} timed out after 25 ms`,
      endpoint: `GET ${SERVICE_PATH}`,
    });
    const refused = await fetchService(rejecting('TypeError')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(VerifyTransportError);
    expect(refused).toMatchObject({ message: `Verify GET ${SERVICE_PATH} failed` });
  });

  it('when Twilio answers its error body, then VerifyApiError carries status, code and Retry-After', async () => {
    const body = { code: 20429, message: 'Too many requests', more_info: 'https://x', status: 429 };
    const error = await fetchService(answering(429, body, { 'Retry-After': '2' })).catch((e: unknown) => e);
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
    const stringCode = await fetchService(answering(400, { code: '60300', message: 'Invalid' })).catch(
      (e: unknown) => e,
    );
    expect(stringCode).toMatchObject({ code: 60300, retryable: false });
    const bare = await fetchService(answering(502, undefined)).catch((e: unknown) => e);
    expect(bare).toMatchObject({ message: `Verify GET ${SERVICE_PATH} failed: HTTP 502`, retryable: true });
    expect((bare as VerifyApiError).details).not.toHaveProperty('code');
  });

  it('when a 2xx body has the wrong shape, then VerifyResponseError quotes the schema error', async () => {
    const error = await fetchService(answering(200, { sid: 7 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerifyResponseError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Verify GET ${SERVICE_PATH} answered an unexpected body: .+`, 's'),
    );
  });

  it('when a DELETE answers 204, then send resolves; an error status still rejects', async () => {
    const request = { method: 'DELETE', path: SERVICE_PATH, pathParams: { service: 'VA1' } } as const;
    await expect(http(answering(204, undefined)).send(request)).resolves.toBeUndefined();
    await expect(
      http(answering(404, { code: 20404, message: 'Not found' })).send(request),
    ).rejects.toMatchObject({ name: 'VerifyApiError', code: 20404 });
  });
});

describe('toVerifyFailure', () => {
  it('when Verify answers an error, then the failure carries its message and { status, code } as details', () => {
    const failure = toVerifyFailure(
      new VerifyApiError('Verify X failed', { status: 400, code: 60300, endpoint: 'X' }),
    ) as ApplicationFailure;
    expect([failure.message, failure.details]).toEqual(['Verify X failed', [{ status: 400, code: 60300 }]]);
  });

  it('when the transport fails, then unavailable with the error as cause; a malformed body is permanent', () => {
    const down = new VerifyTransportError('down', 'X');
    const unavailable = toVerifyFailure(down) as ApplicationFailure;
    expect([unavailable.type, unavailable.nonRetryable, unavailable.cause]).toEqual([
      AUTHY_UNAVAILABLE,
      false,
      down,
    ]);
    const malformed = toVerifyFailure(new VerifyResponseError('bad', 'X')) as ApplicationFailure;
    expect([malformed.type, malformed.nonRetryable, malformed.message]).toEqual([
      AUTHY_PERMANENT_ERROR,
      true,
      'bad',
    ]);
  });

  it('when the error is not a Verify one, then it is returned unchanged', () => {
    const other = new Error('other');
    expect(toVerifyFailure(other)).toBe(other);
  });
});
