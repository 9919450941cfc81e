import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createWebhooksApi, ONBOARDING_WEBHOOK_EVENTS } from '../../src/authy/webhooks-api';
import { startDurableEmulator } from '../../src/chaos/durable-emulator';
import type { DurableEmulator } from '../../src/chaos/durable-emulator';
import {
  DEV_AUTHY_ACCESS_KEY,
  DEV_AUTHY_API_KEY,
  DEV_AUTHY_API_SIGNING_KEY,
} from '../../src/shared/dev-keys';
import { waitFor } from '../harness/wait-for';

// The chaos suite's emulator (src/chaos/durable-emulator.ts): what it answered before it died, it
// still knows after a restart from its journal, and it sends nothing twice.

interface Receiver {
  url: string;
  /** `<path> <event> <authy id>` of each delivery received, in order. */
  received: string[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(`${req.url} ${describeDelivery(body)}`);
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Event name and authy id of a webhook delivery (form field `body`, a JWT). */
function describeDelivery(body: string): string {
  const jwt = new URLSearchParams(body).get('body') ?? '';
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as {
    event?: string;
    objects?: { user?: { authy_id?: unknown } };
  };
  return `${claims.event} ${String(claims.objects?.user?.authy_id)}`;
}

async function call(base: string, method: string, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { 'x-authy-api-key': DEV_AUTHY_API_KEY, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** The emulator's request log without the one field a replay cannot reproduce (how long each took). */
async function requestLog(base: string): Promise<unknown[]> {
  const { requests } = (await call(base, 'GET', '/_emulator/requests')) as {
    requests: Record<string, unknown>[];
  };
  return requests.map(({ durationMs: _durationMs, ...entry }) => entry);
}

async function newUser(base: string, cellphone: string): Promise<string> {
  const answer = (await call(base, 'POST', '/protected/json/users/new', {
    user: { email: `${cellphone}@example.com`, cellphone, country_code: '1' },
  })) as { user: { id: number } };
  return String(answer.user.id);
}

describe('durable emulator', () => {
  let dir: string;
  let receiver: Receiver;
  const running: DurableEmulator[] = [];
  const start = async () => {
    const emulator = await startDurableEmulator({
      journalPath: path.join(dir, 'journal.jsonl'),
      port: 0,
      seed: 11,
      oneTouchCallbackUrl: `${receiver.url}/onetouch`,
      webhookRetry: { initialDelayMs: 50, maxDelayMs: 100 },
    });
    running.push(emulator);
    return emulator;
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'twofold-durable-emulator-'));
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('when it is restarted from its journal, then it still knows its users, pushes, answers, webhooks and request log', async () => {
    const first = await start();
    const webhooks = createWebhooksApi({
      baseUrl: first.url,
      apiKey: DEV_AUTHY_API_KEY,
      accessKey: DEV_AUTHY_ACCESS_KEY,
      apiSigningKey: DEV_AUTHY_API_SIGNING_KEY,
    });
    const { webhook } = await webhooks.create({
      url: `${receiver.url}/webhooks`,
      name: 'durable-test',
      events: ONBOARDING_WEBHOOK_EVENTS,
    });
    const authyId = await newUser(first.url, '5550001111');
    await call(first.url, 'POST', `/_emulator/users/${authyId}/install`, {});
    const { approval_request: push } = (await call(
      first.url,
      'POST',
      `/onetouch/json/users/${authyId}/approval_requests`,
      { message: 'Confirm', seconds_to_expire: 600 },
    )) as { approval_request: { uuid: string } };
    await call(first.url, 'POST', `/_emulator/approval_requests/${push.uuid}/respond`, {
      status: 'approved',
    });
    const logBefore = await requestLog(first.url);
    await first.close();

    const second = await start();
    expect(second.replayed).toBeGreaterThanOrEqual(5);
    expect(await requestLog(second.url)).toEqual(logBefore);
    const status = (await call(second.url, 'GET', `/protected/json/users/${authyId}/status`)) as {
      status: { registered: boolean };
    };
    expect(status.status.registered).toBe(true);
    const read = (await call(second.url, 'GET', `/onetouch/json/approval_requests/${push.uuid}`)) as {
      approval_request: { status: string };
    };
    expect(read.approval_request.status).toBe('approved');
    // The same seed and the same requests: a phone already known keeps its authy id.
    expect(await newUser(second.url, '5550001111')).toBe(authyId);
    const listed = await createWebhooksApi({
      baseUrl: second.url,
      apiKey: DEV_AUTHY_API_KEY,
      accessKey: DEV_AUTHY_ACCESS_KEY,
      apiSigningKey: DEV_AUTHY_API_SIGNING_KEY,
    }).list();
    expect(listed.map((w) => w.id)).toEqual([webhook.id]);
  });

  test('when it replays its journal, then no webhook delivery or OneTouch callback is sent a second time', async () => {
    const first = await start();
    await createWebhooksApi({
      baseUrl: first.url,
      apiKey: DEV_AUTHY_API_KEY,
      accessKey: DEV_AUTHY_ACCESS_KEY,
      apiSigningKey: DEV_AUTHY_API_SIGNING_KEY,
    }).create({ url: `${receiver.url}/webhooks`, name: 'durable-test', events: ONBOARDING_WEBHOOK_EVENTS });
    const authyId = await newUser(first.url, '5550002222');
    await call(first.url, 'POST', `/_emulator/users/${authyId}/install`, {});
    await waitFor(
      () => Promise.resolve(receiver.received.length),
      (n) => n === 1,
      { what: 'the install webhook' },
    );
    await first.close();

    const second = await start();
    const later = await newUser(second.url, '5550003333');
    await call(second.url, 'POST', `/_emulator/users/${later}/install`, {});
    // Deliveries go out in order: once the new install's has arrived, a replayed one would have too.
    await waitFor(
      () => Promise.resolve(receiver.received),
      (received) => received.some((r) => r.endsWith(` ${later}`)),
      { what: 'the second install webhook' },
    );
    expect(receiver.received).toEqual([
      `/webhooks device_registration_completed ${authyId}`,
      `/webhooks device_registration_completed ${later}`,
    ]);
  });

  test('when the process died while writing its last journal line, then the torn line is ignored', async () => {
    const first = await start();
    const authyId = await newUser(first.url, '5550004444');
    await first.close();
    appendFileSync(path.join(dir, 'journal.jsonl'), '{"t":1,"method":"POST","url":"/protec');

    const second = await start();
    expect(second.replayed).toBe(1);
    expect(await newUser(second.url, '5550004444')).toBe(authyId);
  });
});
