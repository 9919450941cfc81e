import jwt from 'jsonwebtoken';
import type { DeliveryStats } from '../../src/authy-emulator/delivery/deliverer';
import { computeAuthySignature } from '../../src/authy/signature';
import {
  DEV_AUTHY_ACCESS_KEY,
  DEV_AUTHY_API_KEY,
  DEV_AUTHY_API_SIGNING_KEY,
} from '../../src/shared/dev-keys';
import type { LoggedRequest } from '../../src/authy-emulator/request-log';
import { authyError, formField, registerUser, startEmulator, useEmulator } from './helpers';
import { waitForDefined } from '../harness/wait-for';
import type { AuthyErrorBody, ControlErrorBody, RunningEmulator } from './helpers';
import { startReceiver } from './receiver';
import type { Receiver } from './receiver';

// Reference: docs/contract.md#6-authy-emulator (POST /_emulator/faults) and docs/authy-api.md
// sections 1.1/1.3 (429 with error_code 60003; Retry-After UNCONFIRMED, so both variants exist), 3.3, 5.
const STATUS = (id: number) => `/protected/json/users/${id}/status`;

/** The clock of the emulators that take it: the real time at the start of each test, then moved by the test. */
let clock: number;
beforeEach(() => {
  clock = Date.now();
});

async function setFaults(emu: RunningEmulator, faults: unknown) {
  const answer = await emu.control('POST', '/_emulator/faults', faults);
  expect(answer.status).toBe(200);
  return answer;
}

describe('API faults (docs/contract.md §6)', () => {
  const emu = useEmulator({ now: () => clock });

  it('when an endpoint has errorRate 1, then it answers the chosen 5xx with an Authy body; other endpoints are untouched', async () => {
    const id = await registerUser(emu, '5558001000');
    await setFaults(emu, { api: [{ endpoint: 'users.status', errorRate: 1, errorStatus: 502 }] });
    const failed = await emu.api<AuthyErrorBody>(STATUS(id));
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual(authyError('60000', 'An error occurred'));
    expect((await emu.api(`/protected/json/sms/${id}`)).status).toBe(200);
    const log = await emu.control<{ requests: LoggedRequest[] }>(
      'GET',
      '/_emulator/requests?endpoint=users.status',
    );
    expect(log.body.requests.at(-1)).toEqual(expect.objectContaining({ status: 502, fault: '5xx' }));
  });

  it('when errorRate is fractional, then the failures follow the seed: same seed, same sequence', async () => {
    const run = async (seed: number) => {
      const other = await startEmulator({ seed });
      try {
        await other.control('POST', '/_emulator/faults', {
          api: [{ endpoint: 'reporting.events', errorRate: 0.3 }],
        });
        const statuses: number[] = [];
        for (let i = 0; i < 60; i += 1)
          statuses.push((await other.api('/protected/json/reporting/events')).status);
        return statuses;
      } finally {
        await other.close();
      }
    };
    const first = await run(77);
    expect(await run(77)).toEqual(first);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(40);
    expect(first.filter((s) => s !== 503 && s !== 200)).toEqual([]);
  });

  it('when errorWhen is "after", then the request is processed but the answer is lost', async () => {
    await setFaults(emu, { api: [{ endpoint: 'users.new', errorRate: 1, errorWhen: 'after' }] });
    const lost = await emu.api('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'a@example.com', cellphone: '5558002000', country_code: 1 } }),
    });
    expect(lost.status).toBe(503);
    await emu.control('DELETE', '/_emulator/faults');
    const retried = await registerUser(emu, '5558002000');
    expect((await emu.api(STATUS(retried))).status).toBe(200);
    const added = await emu.control<{ count: number }>('GET', '/_emulator/reporting/count?event=user_added');
    expect(added.body.count).toBe(1);
  });

  it('when a 429 burst is configured without Retry-After, then burstLength requests in a row get 429 / 60003 and no header', async () => {
    await setFaults(emu, {
      api: [{ endpoint: 'reporting.events', tooManyRequests: { rate: 0.25, burstLength: 3 } }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 80; i += 1) {
      const answer = await emu.api<AuthyErrorBody>('/protected/json/reporting/events');
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.body.error_code).toBe('60003');
        expect(answer.headers.get('retry-after')).toBeNull();
      }
    }
    const runs = statuses
      .join(',')
      .split(/,?200,?/)
      .filter((run) => run !== '')
      .map((run) => run.split(',').length);
    expect(runs.length).toBeGreaterThan(0);
    // A completed burst is exactly 3 long; back-to-back bursts make multiples of 3.
    for (const run of runs.slice(0, -1)) expect(run % 3).toBe(0);
  });

  it('when a 429 burst sends Retry-After, then it is the fixed value, or the seconds left in a timed burst', async () => {
    await setFaults(emu, { api: [{ endpoint: '*', tooManyRequests: { rate: 1, retryAfter: 7 } }] });
    expect((await emu.api('/protected/json/reporting/events')).headers.get('retry-after')).toBe('7');
    await setFaults(emu, { api: [{ tooManyRequests: { rate: 1, burstMs: 10_000, retryAfter: true } }] });
    const first = await emu.api('/protected/json/reporting/events');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('10');
    clock += 4_200;
    expect((await emu.api('/protected/json/reporting/events')).headers.get('retry-after')).toBe('6');
    clock += 5_800;
    // The burst is over; with rate 1 the next request starts a new one.
    expect((await emu.api('/protected/json/reporting/events')).headers.get('retry-after')).toBe('10');
    const log = await emu.control<{ requests: LoggedRequest[] }>('GET', '/_emulator/requests?status=429');
    expect(log.body.requests.every((r) => r.fault === '429')).toBe(true);
    expect(log.body.requests).toHaveLength(4);
  });

  it('when latency is configured, then answers are delayed by at least that much', async () => {
    await setFaults(emu, { api: [{ endpoint: 'reporting.events', latencyMs: { min: 150, max: 200 } }] });
    const started = performance.now();
    expect((await emu.api('/protected/json/reporting/events')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('when the fault configuration is invalid, then 400 names the problem and the old faults stay', async () => {
    await setFaults(emu, { api: [{ endpoint: 'users.status', errorRate: 0.5 }] });
    const invalid: [unknown, string][] = [
      [{ api: [{ errorRate: 2 }] }, 'api.0.errorRate'],
      [{ api: [{ endpoint: 'users.everything', errorRate: 1 }] }, 'api.0.endpoint'],
      [{ api: [{ latencyMs: { min: 10, max: 5 } }] }, 'latencyMs.min'],
      [{ api: [{ tooManyRequests: { burstLength: 2 } }] }, 'api.0.tooManyRequests.rate'],
      [{ webhookDeliveries: { dropRate: -1 } }, 'webhookDeliveries.dropRate'],
      [{ apis: [] }, 'apis'],
      [{ api: [{ errorStatus: 418 }] }, 'api.0.errorStatus'],
    ];
    for (const [body, path] of invalid) {
      const answer = await emu.control<ControlErrorBody>('POST', '/_emulator/faults', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.error.message).toContain(path);
    }
    const current = await emu.control<{ faults: { api: { errorRate: number }[] } }>(
      'GET',
      '/_emulator/faults',
    );
    expect(current.body.faults.api[0]?.errorRate).toBe(0.5);
  });
});

describe('webhook delivery faults (docs/contract.md §6)', () => {
  let emu: RunningEmulator;
  let receiver: Receiver;
  let signingKey: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    emu = await startEmulator();
    signingKey = await webhook(emu, `${receiver.url}/hooks`);
  });
  afterEach(async () => {
    await emu.close();
    await receiver.close();
  });

  const stats = async () =>
    (await emu.control<{ stats: { webhooks: DeliveryStats } }>('GET', '/_emulator/webhooks/deliveries')).body
      .stats.webhooks;
  const claimsOf = (body: string) =>
    jwt.verify(formField(body, 'body'), signingKey, { algorithms: ['HS256'] }) as {
      id: string;
      event: string;
    };

  it('when dropRate is 1, then nothing is sent and the drop is counted', async () => {
    await setFaults(emu, { webhookDeliveries: { dropRate: 1 } });
    await registerUser(emu, '5558101000');
    expect(await stats()).toEqual(
      expect.objectContaining({ enqueued: 1, droppedByFault: 1, pending: 0, attempts: 0 }),
    );
    expect(receiver.received).toEqual([]);
  });

  it('when duplicateRate is 1, then the same event (same claims id) arrives twice', async () => {
    await setFaults(emu, { webhookDeliveries: { duplicateRate: 1 } });
    await registerUser(emu, '5558102000');
    await waitForDefined(() => (receiver.received.length === 2 ? true : undefined), { what: 'two copies' });
    const [a, b] = receiver.received.map((r) => claimsOf(r.body));
    expect(a?.id).toBe(b?.id);
    expect(await stats()).toEqual(expect.objectContaining({ duplicatedByFault: 1, delivered: 2 }));
  });

  it('when a delivery is reordered, then a later event overtakes it', async () => {
    await setFaults(emu, { webhookDeliveries: { reorderRate: 1, reorderDelayMs: 2_000 } });
    await registerUser(emu, '5558103000');
    await setFaults(emu, {});
    await registerUser(emu, '5558104000');
    await waitForDefined(() => (receiver.received.length === 2 ? true : undefined), {
      what: 'both deliveries',
    });
    const [first, second] = receiver.received.map((r) => claimsOf(r.body));
    const log = await emu.control<{ deliveries: { id: string; reordered: boolean }[] }>(
      'GET',
      '/_emulator/deliveries',
    );
    const reorderedId = log.body.deliveries.find((d) => d.reordered)?.id;
    expect(second?.id).toBe(reorderedId);
    expect(first?.id).not.toBe(reorderedId);
  });
});

describe('request log and reset (docs/contract.md §6)', () => {
  const emu = useEmulator({ now: () => clock });

  it('when API calls arrive, then the log lists method, path, status and time, without keys or tokens', async () => {
    const id = await registerUser(emu, '5558201000');
    await fetch(`${emu.url}${STATUS(id)}?api_key=dev-authy-api-key-0000000000000000&user_ip=1.2.3.4`);
    await emu.api(`/protected/json/verify/7654321/${id}`);
    await emu.control('GET', '/_emulator/health');
    const all = await emu.control<{ requests: LoggedRequest[]; total: number }>('GET', '/_emulator/requests');
    expect(all.body.total).toBe(3);
    expect(all.body.requests.map((r) => [r.method, r.path, r.status, r.endpoint])).toEqual([
      ['POST', '/protected/json/users/new', 200, 'users.new'],
      ['GET', `/protected/json/users/${id}/status`, 200, 'users.status'],
      ['GET', `/protected/json/verify/:token/${id}`, 401, 'verify'],
    ]);
    expect(all.body.requests[1]?.query).toBe('user_ip=1.2.3.4');
    const text = JSON.stringify(all.body);
    expect(text).not.toContain('dev-authy-api-key');
    expect(text).not.toContain('7654321');
    for (const r of all.body.requests) expect(Number.isNaN(Date.parse(r.time))).toBe(false);
  });

  it('when filtered by path prefix, endpoint, method, afterSeq or since, then only matching calls come back', async () => {
    const id = await registerUser(emu, '5558202000');
    for (let i = 0; i < 3; i += 1) await emu.api(STATUS(id));
    clock += 1_000;
    const since = new Date(clock).toISOString();
    await emu.api('/protected/json/reporting/events?page=2');
    const byPrefix = await emu.control<{ total: number }>(
      'GET',
      '/_emulator/requests?pathPrefix=/protected/json/users/',
    );
    expect(byPrefix.body.total).toBe(4);
    const byEndpoint = await emu.control<{ total: number }>(
      'GET',
      '/_emulator/requests?endpoint=users.status',
    );
    expect(byEndpoint.body.total).toBe(3);
    const byMethod = await emu.control<{ total: number }>('GET', '/_emulator/requests?method=post');
    expect(byMethod.body.total).toBe(1);
    const after = await emu.control<{ requests: LoggedRequest[] }>('GET', '/_emulator/requests?afterSeq=4');
    expect(after.body.requests.map((r) => r.query)).toEqual(['page=2']);
    const recent = await emu.control<{ requests: LoggedRequest[] }>(
      'GET',
      `/_emulator/requests?since=${encodeURIComponent(since)}`,
    );
    expect(recent.body.requests.map((r) => r.endpoint)).toEqual(['reporting.events']);
    expect((await emu.control('GET', '/_emulator/requests?limit=0')).status).toBe(400);
  });

  it('when reset, then users, events, webhooks, faults, settings and the log are back to the start', async () => {
    const id = await registerUser(emu, '5558203000');
    await emu.control('POST', '/_emulator/reporting/seed', {
      count: 100,
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date().toISOString(),
    });
    await setFaults(emu, { api: [{ endpoint: 'sms', errorRate: 1 }] });
    await emu.control('POST', '/_emulator/config', { oneTouchCallbackUrl: 'http://127.0.0.1:9/cb' });
    const reset = await emu.control('POST', '/_emulator/reset');
    expect(reset.status).toBe(200);
    expect((await emu.control<{ total: number }>('GET', '/_emulator/requests')).body.total).toBe(0);
    expect((await emu.api(STATUS(id))).status).toBe(404);
    expect((await emu.control<{ count: number }>('GET', '/_emulator/reporting/count')).body.count).toBe(0);
    expect(
      (await emu.control<{ faults: { api: unknown[] } }>('GET', '/_emulator/faults')).body.faults.api,
    ).toEqual([]);
    const config = await emu.control<{ config: { oneTouchCallbackUrl: string | null } }>(
      'GET',
      '/_emulator/config',
    );
    expect(config.body.config.oneTouchCallbackUrl).toBeNull();
    // Ids replay after a reset: the same phone gets the same authy id as at the start.
    expect(await registerUser(emu, '5558203000')).toBe(id);
  });

  it('when a control route or API path does not exist, then 404 in the matching error shape', async () => {
    const control = await emu.control<ControlErrorBody>('GET', '/_emulator/nothing');
    expect(control.status).toBe(404);
    expect(control.body.error.code).toBe('not_found');
    const api = await emu.api<AuthyErrorBody>('/protected/json/nothing');
    expect(api.status).toBe(404);
    expect(api.body.success).toBe(false);
  });
});

/** Registers a webhook for user_added through the Webhooks API (JSON body, signed per 2.2); returns its key. */
async function webhook(emu: RunningEmulator, url: string): Promise<string> {
  const params = {
    app_api_key: DEV_AUTHY_API_KEY,
    access_key: DEV_AUTHY_ACCESS_KEY,
    url,
    name: 'faults',
    events: ['user_added'],
  };
  const endpoint = `${emu.url}/dashboard/json/application/webhooks`;
  const nonce = String(Math.floor(Date.now() / 1000));
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-Authy-Signature-Nonce': nonce,
      'X-Authy-Signature': computeAuthySignature({
        key: DEV_AUTHY_API_SIGNING_KEY,
        nonce,
        method: 'POST',
        url: endpoint,
        params,
      }),
    },
    body: JSON.stringify(params),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { webhook: { signing_key: string } }).webhook.signing_key;
}
