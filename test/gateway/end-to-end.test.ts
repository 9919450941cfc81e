import { randomUUID } from 'node:crypto';
import { stringify } from 'qs';
import type { Worker } from '@temporalio/worker';
import { computeAuthySignature } from '../../src/authy/signature';
import { createAuthyHttp } from '../../src/authy/http';
import { startOnboarding } from '../../src/onboarding/client';
import type { StartedOnboarding } from '../../src/onboarding/client';
import {
  DEV_AUTHY_ACCESS_KEY,
  DEV_AUTHY_API_KEY,
  DEV_AUTHY_API_SIGNING_KEY,
} from '../../src/shared/dev-keys';
import type { OnboardingStage, OnboardingStatus } from '../../src/shared/onboarding';
import { statusQuery } from '../../src/workflows/onboarding/messages';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { FAST_TIMING, uniquePhone } from '../harness/onboarding';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';
import { startTestGateway } from './support/gateway';
import type { TestGateway } from './support/gateway';
import { createIsolatedDatabase } from '../harness/isolated-database';
import type { IsolatedDatabase } from '../harness/isolated-database';
import { signalsOf } from './support/targets';
import { waitFor } from '../harness/wait-for';
import { unusedPort } from '../harness/ports';

const WEBHOOKS_API = '/dashboard/json/application/webhooks';

/** Registers the gateway as the emulator's webhook through the signed Webhooks API (docs/authy-api.md#21-webhook-management, #22-request-signing). */
async function registerWebhook(emulatorUrl: string, url: string): Promise<string> {
  const params = {
    url,
    name: 'twofold-gateway-e2e',
    events: ['device_registration_completed', 'one_touch_request_responded', 'user_phone_changed'],
    app_api_key: DEV_AUTHY_API_KEY,
    access_key: DEV_AUTHY_ACCESS_KEY,
  };
  const nonce = (Date.now() / 1000).toFixed(6);
  const signature = computeAuthySignature({
    key: DEV_AUTHY_API_SIGNING_KEY,
    nonce,
    method: 'POST',
    url: `${emulatorUrl}${WEBHOOKS_API}`,
    params,
  });
  const response = await fetch(`${emulatorUrl}${WEBHOOKS_API}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-authy-signature': signature,
      'x-authy-signature-nonce': nonce,
    },
    body: stringify(params, { arrayFormat: 'brackets' }),
  });
  const body = (await response.json()) as { webhook?: { signing_key?: string } };
  if (!response.ok || !body.webhook?.signing_key)
    throw new Error(`webhook registration failed: ${JSON.stringify(body)}`);
  return body.webhook.signing_key;
}

let db: IsolatedDatabase;
let temporal: TemporalHarness;
let emulator: EmulatorHarness;
let gateway: TestGateway;
let worker: Worker;
let running: Promise<void>;
let taskQueue: string;

beforeAll(async () => {
  db = await createIsolatedDatabase('gw');
  temporal = await connectTemporal();
  const port = await unusedPort();
  const publicUrl = `http://127.0.0.1:${port}`;
  emulator = await startEmulator({ oneTouchCallbackUrl: `${publicUrl}/webhooks/authy/onetouch` });
  const signingKey = await registerWebhook(emulator.url, `${publicUrl}/webhooks/authy`);
  gateway = await startTestGateway({
    pool: db.pool,
    port,
    publicUrl,
    apiKey: DEV_AUTHY_API_KEY,
    webhookKeys: { current: signingKey },
    dispatch: true,
    connectTemporal: () => temporal.connectOwnClient(),
  });
  taskQueue = temporal.uniqueTaskQueue('gateway-e2e');
  const authyHttp = createAuthyHttp({ baseUrl: emulator.url, apiKey: DEV_AUTHY_API_KEY, timeoutMs: 5_000 });
  // The worker writes the customer record into this file's database, where the gateway reads it.
  worker = await temporal.createWorker(taskQueue, { pool: db.pool, authyHttp });
  running = worker.run();
});

afterAll(async () => {
  try {
    worker.shutdown();
    await running;
  } finally {
    await gateway.close();
    await emulator.close();
    await temporal.close();
    await db.drop();
  }
});

async function startUser(): Promise<StartedOnboarding> {
  return startOnboarding(
    temporal.client,
    {
      userId: `gw-e2e-${randomUUID()}`,
      email: `gw-${randomUUID().slice(0, 8)}@example.com`,
      countryCode: '1',
      cellphone: uniquePhone(),
      // Status polls every minute: within these tests only the gateway's signals can move a run.
      timing: FAST_TIMING,
    },
    { taskQueue },
  );
}

/**
 * Polls the status query. Gateway-driven steps get 55 s: generous for a busy 2-core machine, yet under
 * FAST_TIMING's 60 s status polls, so a step reached in time was reached through the gateway and not
 * the workflow's safety-net poll. Registration (no gateway involved) may take longer under load.
 */
function stageOf(
  started: StartedOnboarding,
  accept: (status: OnboardingStatus) => boolean,
  what: string,
  timeoutMs = 55_000,
) {
  return waitFor(() => started.handle.query(statusQuery), accept, { timeoutMs, intervalMs: 100, what });
}

function registered(started: StartedOnboarding) {
  return stageOf(
    started,
    (s) => s.stage === 'awaiting_device' && s.authyId !== undefined,
    'awaiting_device',
    120_000,
  );
}

const atStage = (stage: OnboardingStage) => (status: OnboardingStatus) => status.stage === stage;

async function inboxStates(authyId: string): Promise<{ event: string; state: string }[]> {
  const { rows } = await db.pool.query<{ event: string; state: string }>(
    'SELECT event, state FROM webhook_inbox WHERE authy_id = $1 ORDER BY event',
    [authyId],
  );
  return rows;
}

describe('emulator → gateway → onboarding workflow (end to end)', () => {
  jest.setTimeout(300_000);

  it('when the person installs the app and approves, then signed deliveries through the gateway move the onboarding to enabled', async () => {
    const started = await startUser();
    const waiting = await registered(started);
    const authyId = waiting.authyId!;

    await emulator.control('POST', `/users/${authyId}/install`);
    const approving = await stageOf(
      started,
      (s) => s.stage === 'awaiting_approval' && s.approvalUuid !== undefined,
      'an approval request',
    );

    await emulator.control('POST', `/approval_requests/${approving.approvalUuid!}/respond`, {
      status: 'approved',
    });
    await stageOf(started, atStage('enabled'), 'enabled');

    const settled = await waitFor(
      () => inboxStates(authyId),
      (rows) => rows.length === 3 && rows.every((row) => row.state !== 'pending'),
      { what: 'three settled deliveries', timeoutMs: 60_000 },
    );
    expect(settled).toEqual([
      { event: 'device_registration_completed', state: 'delivered' },
      // Whichever of the two approval reports came second found the onboarding already finished.
      {
        event: 'one_touch_request_responded',
        state: expect.stringMatching(/^(delivered|no_target)$/) as unknown,
      },
      { event: 'onetouch_callback', state: expect.stringMatching(/^(delivered|no_target)$/) as unknown },
    ]);
    const signals = await signalsOf(started.handle);
    const approvalIds = new Set(
      signals.filter((s) => s.name === 'approvalResponded').map((s) => s.payload.eventId),
    );
    expect(signals.filter((s) => s.name === 'deviceRegistered')).toHaveLength(1);
    expect(approvalIds).toEqual(new Set([`approval:${approving.approvalUuid!}:approved`]));
  });

  it('when the phone changes and the person then denies, then the change is on the customer record and the onboarding ends denied', async () => {
    const started = await startUser();
    const waiting = await registered(started);
    const authyId = waiting.authyId!;

    await emulator.control('POST', `/users/${authyId}/phone`, { countryCode: '1', cellphone: uniquePhone() });
    await stageOf(started, (s) => s.phoneChanges === 1, 'the phone change to reach the workflow');
    const { rows } = await db.pool.query<{ user_id: string; masked_phone: string | null }>(
      'SELECT user_id, masked_phone FROM onboarding_phone_changes WHERE authy_id = $1',
      [authyId],
    );
    expect(rows).toHaveLength(1);
    // The emulator reports phone numbers as SHA-256 digests (as Authy's data does): nothing to mask, nothing kept.
    expect(rows[0]!.masked_phone).toBeNull();
    expect(rows[0]!.user_id).toBe(started.workflowId.replace(/^onboarding-/, ''));

    await emulator.control('POST', `/users/${authyId}/install`);
    const approving = await stageOf(
      started,
      (s) => s.stage === 'awaiting_approval' && s.approvalUuid !== undefined,
      'an approval request',
    );
    await emulator.control('POST', `/approval_requests/${approving.approvalUuid!}/respond`, {
      status: 'denied',
    });
    await stageOf(started, atStage('denied'), 'denied');
  });
});
