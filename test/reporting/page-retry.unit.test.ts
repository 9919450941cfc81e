import { AuthyApiError, AuthyTransportError } from '../../src/authy/errors';
import { retryTransientPage } from '../../src/activities/reporting-page-retry';

const apiError = (status: number, extra: { errorCode?: string; retryAfterMs?: number } = {}) =>
  new AuthyApiError(`HTTP ${status}`, { status, endpoint: 'GET /protected/json/reporting/events', ...extra });

/** A call that fails with the given errors in turn, then answers 'page'. */
function failing(errors: Error[]) {
  let calls = 0;
  const call = () => {
    calls += 1;
    const error = errors.shift();
    return error ? Promise.reject(error) : Promise.resolve('page');
  };
  return { call, calls: () => calls };
}

describe('retryTransientPage', () => {
  const sleeps: number[] = [];
  const options = {
    attempts: 4,
    baseDelayMs: 100,
    maxInProcessWaitMs: 2_000,
    sleep: (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  beforeEach(() => sleeps.splice(0));

  it('when a page fails with 5xx and a network error, then it is retried with growing backoff and succeeds', async () => {
    const f = failing([apiError(503), new AuthyTransportError('reset', 'GET x')]);
    await expect(retryTransientPage(f.call, options)).resolves.toBe('page');
    expect(f.calls()).toBe(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('when Authy answers 429 with a short Retry-After, then the retry waits exactly that long', async () => {
    const f = failing([apiError(429, { errorCode: '60003', retryAfterMs: 1_500 })]);
    await expect(retryTransientPage(f.call, options)).resolves.toBe('page');
    expect(sleeps).toEqual([1_500]);
  });

  it('when the Retry-After is longer than an in-process wait, then the error goes to Temporal at once', async () => {
    const f = failing([apiError(429, { retryAfterMs: 30_000 })]);
    await expect(retryTransientPage(f.call, options)).rejects.toMatchObject({ status: 429 });
    expect(f.calls()).toBe(1);
  });

  it('when the query is refused (400, 60089), then it is not retried', async () => {
    const f = failing([apiError(400, { errorCode: '60089' })]);
    await expect(retryTransientPage(f.call, options)).rejects.toMatchObject({ errorCode: '60089' });
    expect(sleeps).toEqual([]);
  });

  it('when every try fails, then the last error goes to Temporal after the allowed tries', async () => {
    const f = failing([apiError(503), apiError(502), apiError(500), apiError(504), apiError(503)]);
    await expect(retryTransientPage(f.call, options)).rejects.toMatchObject({ status: 504 });
    expect(f.calls()).toBe(4);
  });
});
