import { createAuthyHttp } from '../../src/authy/http';
import { ONBOARDING_WEBHOOK_EVENTS, createWebhooksApi } from '../../src/authy/webhooks-api';
import { DEV_AUTHY_API_KEY, DEV_AUTHY_KEYS } from '../../src/shared/dev-keys';
import { startTestGateway } from '../gateway/support/gateway';
import type { TestGateway } from '../gateway/support/gateway';
import { startEmulator } from './emulator';
import type { EmulatorHarness } from './emulator';
import { createIsolatedDatabase } from './isolated-database';
import type { IsolatedDatabase } from './isolated-database';
import { runOnboardingHarness } from './onboarding';
import type { OnboardingHarness } from './onboarding';
import { unusedPort } from './ports';
import { connectTemporal } from './temporal';

/** An emulator that sends its OneTouch callbacks and webhook deliveries to a gateway at `publicUrl`. */
export interface EmulatorForGateway {
  emulator: EmulatorHarness;
  /** The signing key of the webhook registered for the gateway (its AUTHY_WEBHOOK_SIGNING_KEY). */
  signingKey: string;
}

/**
 * Registers the gateway at `publicUrl` as the emulator's webhook for the onboarding events through
 * the signed Webhooks API (docs/authy-api.md#21-webhook-management), as an operator does with
 * `twofold webhooks register`; returns the webhook's signing key.
 */
export async function registerGatewayWebhook(
  emulatorUrl: string,
  publicUrl: string,
  name: string,
): Promise<string> {
  const { webhook } = await createWebhooksApi({ baseUrl: emulatorUrl, ...DEV_AUTHY_KEYS }).create({
    url: `${publicUrl}/webhooks/authy`,
    name,
    events: ONBOARDING_WEBHOOK_EVENTS,
  });
  return webhook.signing_key;
}

/** Starts an in-process emulator whose OneTouch callbacks and webhook deliveries go to the gateway. */
export async function startEmulatorForGateway(publicUrl: string, name: string): Promise<EmulatorForGateway> {
  const emulator = await startEmulator({ oneTouchCallbackUrl: `${publicUrl}/webhooks/authy/onetouch` });
  return { emulator, signingKey: await registerGatewayWebhook(emulator.url, publicUrl, name) };
}

/**
 * The whole pipeline in one process: emulator → (registered webhook) → gateway with its dispatcher →
 * Temporal → a worker on a unique task queue, recording into a database of the caller's own; runs
 * are started and awaited as on the {@link OnboardingHarness}.
 */
export interface FullStackHarness extends OnboardingHarness {
  db: IsolatedDatabase;
  gateway: TestGateway;
}

/**
 * Builds a {@link FullStackHarness}. `name` prefixes the task queue and names the webhook;
 * `databaseLabel` names the isolated database (its dispatcher claims only this file's inbox rows).
 * `close()` stops the worker and closes the emulator and Temporal, then the gateway, and drops the
 * database.
 */
export async function createFullStackHarness(options: {
  name: string;
  databaseLabel: string;
}): Promise<FullStackHarness> {
  const db = await createIsolatedDatabase(options.databaseLabel);
  const temporal = await connectTemporal();
  const port = await unusedPort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const { emulator, signingKey } = await startEmulatorForGateway(publicUrl, options.name);
  const gateway = await startTestGateway({
    pool: db.pool,
    port,
    publicUrl,
    apiKey: DEV_AUTHY_API_KEY,
    webhookKeys: { current: signingKey },
    dispatch: true,
    connectTemporal: () => temporal.connectOwnClient(),
  });
  const taskQueue = temporal.uniqueTaskQueue(options.name);
  const authyHttp = createAuthyHttp({ baseUrl: emulator.url, apiKey: DEV_AUTHY_API_KEY, timeoutMs: 5_000 });
  // The worker writes the customer record into the same database the gateway reads it from.
  const worker = await temporal.createWorker(taskQueue, { pool: db.pool, authyHttp });
  const h = runOnboardingHarness(
    { temporal, emulator, pool: db.pool, worker, taskQueue },
    { stageTimeoutMs: 20_000, ownsPool: false },
  );
  return {
    ...h,
    db,
    gateway,
    async close() {
      try {
        await h.close();
      } finally {
        await gateway.close();
        await db.drop();
      }
    },
  };
}
