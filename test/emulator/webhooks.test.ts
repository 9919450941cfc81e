import jwt from 'jsonwebtoken';
import qs from 'qs';
import { z } from 'zod';
import type { DeliveryRecord, DeliveryStats } from '../../src/authy-emulator/delivery/deliverer';
import type { ReportingEvent } from '../../src/authy-emulator/event-objects';
import type { Webhook } from '../../src/authy-emulator/webhooks/webhook-registry';
import {
  DEV_AUTHY_ACCESS_KEY,
  DEV_AUTHY_API_KEY,
  DEV_AUTHY_API_SIGNING_KEY,
} from '../../src/shared/dev-keys';
import { formField, registerUser, startEmulator, useEmulator } from './helpers';
import { closeAfterEach } from '../harness/lifecycle';
import { waitForDefined } from '../harness/wait-for';
import type { AuthyErrorBody, RunningEmulator } from './helpers';
import { independentSignature } from './independent-signature';
import { startReceiver } from './receiver';
import type { Receiver } from './receiver';

// Reference: docs/authy-api.md sections 2.1–2.4 (Webhooks API, signing,
// deliveries) and docs/contract.md#5-webhook-gateway (the JWT claims the emulator sends).
const BASE = '/dashboard/json/application/webhooks';

/**
 * The claims of a delivery's JWT as docs/contract.md#5-webhook-gateway states them, written here
 * apart from the emulator's own type: a delivery with a claim missing, of another type or extra does
 * not parse. `objects` names only what these tests read.
 */
const claimsSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  webhook_id: z.string().startsWith('WH_'),
  event: z.string(),
  time: z.iso.datetime(),
  request_id: z.string(),
  objects: z.looseObject({
    user: z.looseObject({ country_code: z.number(), phone_number: z.string() }).optional(),
    phone_change: z.looseObject({ new_phone_number: z.string() }).optional(),
  }),
  iat: z.number().int(),
});
interface Deliveries {
  stats: Record<string, DeliveryStats>;
  deliveries: DeliveryRecord[];
}

interface SignOptions {
  signingKey?: string;
  appApiKey?: string;
  accessKey?: string;
  /** Sign this URL instead of the one called. */
  signedUrl?: string;
  /** Omit the signature headers. */
  unsigned?: boolean;
  ordering?: 'by-key' | 'by-pair';
}

/** A Webhooks API call signed per docs/authy-api.md#22-request-signing by a client-side implementation independent of the emulator's. */
async function webhooksApi<T>(
  emu: RunningEmulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, unknown> = {},
  options: SignOptions = {},
): Promise<{ status: number; body: T }> {
  const all = {
    app_api_key: options.appApiKey ?? DEV_AUTHY_API_KEY,
    access_key: options.accessKey ?? DEV_AUTHY_ACCESS_KEY,
    ...params,
  };
  const url = `${emu.url}${BASE}${path}`;
  const nonce = (Date.now() / 1000).toFixed(6);
  const signature = independentSignature({
    key: options.signingKey ?? DEV_AUTHY_API_SIGNING_KEY,
    nonce,
    method,
    url: options.signedUrl ?? url,
    params: all,
  });
  const encoded = qs.stringify(all, { arrayFormat: 'brackets' });
  const headers: Record<string, string> = options.unsigned
    ? {}
    : { 'X-Authy-Signature': signature, 'X-Authy-Signature-Nonce': nonce };
  const response = await fetch(method === 'GET' ? `${url}?${encoded}` : url, {
    method,
    headers: method === 'GET' ? headers : { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'GET' ? {} : { body: encoded }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function createWebhook(emu: RunningEmulator, url: string, events: string[], name = 'twofold') {
  const created = await webhooksApi<{ webhook: Webhook; message: string; success: boolean }>(
    emu,
    'POST',
    '',
    {
      url,
      name,
      events,
    },
  );
  expect(created.status).toBe(200);
  return created.body.webhook;
}

describe('Webhooks API management (docs/authy-api.md §2.1, §2.2)', () => {
  const emu = useEmulator();

  it('when a webhook is created, then the answer is { webhook: { id WH_, signing_key WSK_, … }, message, success }', async () => {
    const created = await webhooksApi<{ webhook: Webhook; message: string; success: boolean }>(
      emu,
      'POST',
      '',
      {
        url: 'https://example.com/hooks',
        name: 'prod',
        events: ['user_added', 'device_registration_completed'],
      },
    );
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      webhook: {
        id: expect.stringMatching(/^WH_[0-9a-f-]{36}$/) as string,
        name: 'prod',
        account_sid: expect.stringMatching(/^AC[0-9a-f]{32}$/) as string,
        service_id: expect.any(String) as string,
        url: 'https://example.com/hooks',
        signing_key: expect.stringMatching(/^WSK_/) as string,
        events: ['user_added', 'device_registration_completed'],
      },
      message: 'Webhook created',
      success: true,
    });
  });

  it('when webhooks are listed and deleted by path or by webhook_id, then the list follows', async () => {
    const a = await createWebhook(emu, 'https://example.com/a', ['user_added']);
    const b = await createWebhook(emu, 'https://example.com/b', ['user_removed']);
    const listed = await webhooksApi<{ webhooks: Webhook[] }>(emu, 'GET', '');
    expect(listed.body.webhooks.map((w) => w.id)).toEqual([a.id, b.id]);
    const byPath = await webhooksApi<{ message: string; success: boolean }>(emu, 'DELETE', `/${a.id}`);
    expect(byPath.body).toEqual({ message: 'Webhook deleted', success: true });
    const byParam = await webhooksApi(emu, 'DELETE', '', { webhook_id: b.id });
    expect(byParam.status).toBe(200);
    expect((await webhooksApi<{ webhooks: Webhook[] }>(emu, 'GET', '')).body.webhooks).toEqual([]);
    const again = await webhooksApi<AuthyErrorBody>(emu, 'DELETE', `/${a.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe('60100');
  });

  it('when the signature, signing key or headers are wrong, then 401 / 60087; bad keys 60001 / 60072', async () => {
    const params = { url: 'https://example.com/x', name: 'x', events: ['user_added'] };
    const cases: [SignOptions, number, string][] = [
      [{ signingKey: 'not-the-signing-key' }, 401, '60087'],
      [{ unsigned: true }, 401, '60087'],
      [{ signedUrl: 'https://elsewhere.example/dashboard/json/application/webhooks' }, 401, '60087'],
      [{ appApiKey: 'wrong' }, 401, '60001'],
      [{ accessKey: 'wrong' }, 401, '60072'],
    ];
    for (const [options, status, code] of cases) {
      const answer = await webhooksApi<AuthyErrorBody>(emu, 'POST', '', params, options);
      expect({ options, status: answer.status, code: answer.body.error_code }).toEqual({
        options,
        status,
        code,
      });
    }
    expect((await webhooksApi<{ webhooks: Webhook[] }>(emu, 'GET', '')).body.webhooks).toEqual([]);
  });

  it('when the client signs the canonical api.authy.com URL, then it is accepted too', async () => {
    const created = await webhooksApi(
      emu,
      'POST',
      '',
      { url: 'https://example.com/x', name: 'x', events: ['user_added'] },
      { signedUrl: `https://api.authy.com${BASE}` },
    );
    expect(created.status).toBe(200);
  });

  it('when the create params are incomplete or name unknown events, then 400 / 60098', async () => {
    const bad = [
      { name: 'x', events: ['user_added'] },
      { url: 'ftp://example.com', name: 'x', events: ['user_added'] },
      { url: 'https://example.com', events: ['user_added'] },
      { url: 'https://example.com', name: 'x' },
      { url: 'https://example.com', name: 'x', events: ['device_registration_complete'] },
    ];
    for (const params of bad) {
      const answer = await webhooksApi<AuthyErrorBody>(emu, 'POST', '', params);
      expect({ params, status: answer.status, code: answer.body.error_code }).toEqual({
        params,
        status: 400,
        code: '60098',
      });
    }
  });
});

describe('Webhook deliveries (docs/authy-api.md §2.4, docs/contract.md §5)', () => {
  let emu: RunningEmulator;
  let receiver: Receiver;
  const closeAfter = closeAfterEach();

  it('when the person installs the app, then each subscribed webhook gets a form POST whose body JWT verifies with its WSK_ key', async () => {
    receiver = await closeAfter(startReceiver());
    emu = await closeAfter(startEmulator());
    const hook = await createWebhook(emu, `${receiver.url}/webhooks/authy`, [
      'device_registration_completed',
    ]);
    const other = await createWebhook(emu, `${receiver.url}/other`, ['user_removed']);
    const authyId = await registerUser(emu, '5557001000');
    const installed = await emu.control<{ request_id: string }>(
      'POST',
      `/_emulator/users/${authyId}/install`,
      {
        device_type: 'iphone',
      },
    );
    const delivery = await waitForDefined(() => receiver.received[0], { what: 'the webhook delivery' });
    expect(delivery.method).toBe('POST');
    expect(delivery.url).toBe('/webhooks/authy');
    expect(delivery.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = qs.parse(delivery.body);
    expect(Object.keys(form)).toEqual(['body']);
    const claims = claimsSchema.parse(
      jwt.verify(formField(delivery.body, 'body'), hook.signing_key, { algorithms: ['HS256'] }),
    );
    expect(() =>
      jwt.verify(formField(delivery.body, 'body'), other.signing_key, { algorithms: ['HS256'] }),
    ).toThrow();
    expect(claims).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      webhook_id: hook.id,
      event: 'device_registration_completed',
      time: expect.stringMatching(/Z$/) as string,
      request_id: installed.body.request_id,
      objects: {
        app: expect.objectContaining({ type: 'full' }) as object,
        user: expect.objectContaining({ authy_id: authyId, country_code: 1 }) as object,
        device: expect.objectContaining({ device_type: 'iphone', device_app: 'authy' }) as object,
      },
      iat: expect.any(Number) as number,
    });
    expect(claims.objects.user?.phone_number).toMatch(/^[0-9a-f]{64}$/);
    expect(delivery.body).not.toContain('5557001000');
    const reported = await emu.api<{ events: ReportingEvent[] }>(
      '/protected/json/reporting/events?query[event][eq]=device_registration_completed',
    );
    expect(reported.body.events[0]?.request_id).toBe(claims.request_id);
    expect(receiver.received).toHaveLength(1);
  });

  it('when the phone number changes, then user_phone_changed is delivered with hashed numbers only', async () => {
    receiver = await closeAfter(startReceiver());
    emu = await closeAfter(startEmulator({ webhookContentType: 'json' }));
    const hook = await createWebhook(emu, `${receiver.url}/hooks`, ['user_phone_changed', 'user_added']);
    const authyId = await registerUser(emu, '5557002000');
    const changed = await emu.control('POST', `/_emulator/users/${authyId}/phone`, {
      countryCode: 44,
      cellphone: '7700 900123',
    });
    expect(changed.status).toBe(200);
    await waitForDefined(() => (receiver.received.length >= 2 ? true : undefined), {
      what: 'two deliveries',
    });
    const claims = receiver.received.map((r) =>
      claimsSchema.parse(
        jwt.verify((JSON.parse(r.body) as { body: string }).body, hook.signing_key, {
          algorithms: ['HS256'],
        }),
      ),
    );
    const phoneChange = claims.find((c) => c.event === 'user_phone_changed');
    expect(receiver.received[0]?.headers['content-type']).toBe('application/json');
    expect(phoneChange?.objects.phone_change).toEqual({
      current_phone_number: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      id: expect.any(String) as string,
      new_phone_number: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      status: 'approved',
    });
    expect(phoneChange?.objects.user?.country_code).toBe(44);
    expect(phoneChange?.objects.user?.phone_number).toBe(phoneChange?.objects.phone_change?.new_phone_number);
    for (const r of receiver.received) expect(r.body).not.toMatch(/5557002000|7700900123/);
    const taken = await registerUser(emu, '5557003000');
    const conflict = await emu.control('POST', `/_emulator/users/${taken}/phone`, {
      countryCode: 44,
      cellphone: '7700900123',
    });
    expect(conflict.status).toBe(409);
  });

  it('when the receiver keeps failing, then deliveries retry with backoff and are counted failed when the policy ends', async () => {
    receiver = await closeAfter(startReceiver({ answer: () => 500 }));
    emu = await closeAfter(
      startEmulator({
        webhookRetry: { maxAttempts: 4, initialDelayMs: 20, backoffFactor: 2, maxDelayMs: 200 },
      }),
    );
    await createWebhook(emu, `${receiver.url}/down`, ['user_added']);
    await registerUser(emu, '5557004000');
    const answer = await waitForDefined(
      async () => {
        const { body } = await emu.control<Deliveries>('GET', '/_emulator/webhooks/deliveries');
        return body.stats.webhooks?.failed === 1 ? body : undefined;
      },
      { what: 'the delivery to give up' },
    );
    expect(answer.stats.webhooks).toEqual(
      expect.objectContaining({
        enqueued: 1,
        delivered: 0,
        failed: 1,
        attempts: 4,
        failedAttempts: 4,
        pending: 0,
      }),
    );
    expect(answer.deliveries[0]).toEqual(
      expect.objectContaining({ status: 'failed', attempts: 4, last_status: 500, event: 'user_added' }),
    );
    expect(receiver.received).toHaveLength(4);
    // Backoff: each wait is at least the policy's delay (20, 40, 80 ms); timers never fire early
    // (give 2 ms for timer rounding), while load can only make them later.
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
    expect(gaps.map((gap, i) => gap >= 20 * 2 ** i - 2)).toEqual([true, true, true]);
    const bodies = new Set(receiver.received.map((r) => r.body));
    expect(bodies.size).toBe(1);
  });

  it('when the receiver is slower than the attempt timeout, then that attempt fails and the retry delivers', async () => {
    receiver = await closeAfter(startReceiver({ delayMs: (n) => (n === 1 ? 1_000 : 0) }));
    emu = await closeAfter(startEmulator({ webhookRetry: { timeoutMs: 300, initialDelayMs: 20 } }));
    await createWebhook(emu, `${receiver.url}/slow`, ['user_added']);
    await registerUser(emu, '5557005000');
    const delivered = await waitForDefined(
      async () => {
        const { body } = await emu.control<Deliveries>(
          'GET',
          '/_emulator/deliveries?kind=webhooks&status=delivered',
        );
        return body.deliveries[0];
      },
      { what: 'the retried delivery' },
    );
    // The first attempt timed out; a later one (normally the second) got through.
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
  });

  it('when the emulator closes with a retry pending, then its timers are gone and nothing more is sent', async () => {
    receiver = await closeAfter(startReceiver({ answer: () => 500 }));
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    emu = await closeAfter(startEmulator({ webhookRetry: { initialDelayMs: 30_000, maxAttempts: 3 } }));
    await createWebhook(emu, `${receiver.url}/down`, ['user_added']);
    await registerUser(emu, '5557007000');
    await waitForDefined(() => (receiver.received.length === 1 ? true : undefined), {
      what: 'the first attempt',
    });
    await waitForDefined(
      async () => {
        const { body } = await emu.control<Deliveries>('GET', '/_emulator/deliveries');
        return body.deliveries[0]?.last_status === 500 ? true : undefined;
      },
      { what: 'the failed attempt to be recorded' },
    );
    const withRetryPending = timers();
    await emu.close();
    expect(timers()).toBe(withRetryPending - 1);
    expect(receiver.received).toHaveLength(1);
  });

  it('when the retry policy is changed through /_emulator/config, then new deliveries follow it', async () => {
    receiver = await closeAfter(startReceiver({ answer: () => 503 }));
    emu = await closeAfter(startEmulator());
    const config = await emu.control<{ config: { webhookRetry: { maxAttempts: number } } }>(
      'POST',
      '/_emulator/config',
      {
        webhookRetry: { maxAttempts: 2, initialDelayMs: 10 },
      },
    );
    expect(config.body.config.webhookRetry.maxAttempts).toBe(2);
    await createWebhook(emu, `${receiver.url}/x`, ['user_added']);
    await registerUser(emu, '5557006000');
    await waitForDefined(
      async () => {
        const { body } = await emu.control<Deliveries>('GET', '/_emulator/deliveries');
        return body.stats.webhooks?.failed === 1 ? true : undefined;
      },
      { what: 'the delivery to give up after 2 attempts' },
    );
    expect(receiver.received).toHaveLength(2);
    const invalid = await emu.control('POST', '/_emulator/config', { webhookRetry: { maxAttempts: 0 } });
    expect(invalid.status).toBe(400);
  });
});
