import type { Worker } from '@temporalio/worker';
import { createAuthyHttp } from '../../src/authy/http';
import { ONBOARDING_WEBHOOK_EVENTS, createWebhooksApi } from '../../src/authy/webhooks-api';
import { findStuckOnboardings } from '../../src/onboarding/client';
import {
  DEV_AUTHY_ACCESS_KEY,
  DEV_AUTHY_API_KEY,
  DEV_AUTHY_API_SIGNING_KEY,
} from '../../src/shared/dev-keys';
import { EXPECTED_STAGE } from '../../src/simulation/personas';
import { runSimulation } from '../../src/simulation/run-simulation';
import type { SimulationProgress, SimulationResult } from '../../src/simulation/run-simulation';
import { SIMULATION_TIMING } from '../../src/simulation/timing';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';
import { waitFor } from '../harness/wait-for';
import { startTestGateway } from '../gateway/support/gateway';
import type { TestGateway } from '../gateway/support/gateway';
import { createIsolatedDatabase } from '../harness/isolated-database';
import type { IsolatedDatabase } from '../harness/isolated-database';
import { unusedPort } from '../harness/ports';

// The demo's pipeline in one process: emulator → (Webhooks API registration) → gateway → Temporal →
// worker, with the demo's simulation timings, whose status polls (15 s) are too slow to move the
// cohort in time: the gateway's signals have to.
describe('the demo cohort (make demo, docs/contract.md §8)', () => {
  let db: IsolatedDatabase;
  let temporal: TemporalHarness;
  let emulator: EmulatorHarness;
  let gateway: TestGateway;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;
  let result: SimulationResult;
  const progress: SimulationProgress[] = [];

  beforeAll(async () => {
    db = await createIsolatedDatabase('demo');
    temporal = await connectTemporal();
    const port = await unusedPort();
    const publicUrl = `http://127.0.0.1:${port}`;
    emulator = await startEmulator({ oneTouchCallbackUrl: `${publicUrl}/webhooks/authy/onetouch` });
    const { webhook } = await createWebhooksApi({
      baseUrl: emulator.url,
      apiKey: DEV_AUTHY_API_KEY,
      accessKey: DEV_AUTHY_ACCESS_KEY,
      apiSigningKey: DEV_AUTHY_API_SIGNING_KEY,
    }).create({ url: `${publicUrl}/webhooks/authy`, name: 'demo-test', events: ONBOARDING_WEBHOOK_EVENTS });
    gateway = await startTestGateway({
      pool: db.pool,
      port,
      publicUrl,
      apiKey: DEV_AUTHY_API_KEY,
      webhookKeys: { current: webhook.signing_key },
      dispatch: true,
      connectTemporal: () => temporal.connectOwnClient(),
    });
    taskQueue = temporal.uniqueTaskQueue('demo-cohort');
    const authyHttp = createAuthyHttp({ baseUrl: emulator.url, apiKey: DEV_AUTHY_API_KEY, timeoutMs: 5_000 });
    worker = await temporal.createWorker(taskQueue, { pool: db.pool, authyHttp });
    running = worker.run();

    result = await runSimulation({
      client: temporal.client,
      taskQueue,
      emulatorUrl: emulator.url,
      users: 12,
      seed: 1,
      idPrefix: 'demo-test',
      timeoutMs: 90_000,
      onProgress: (p) => progress.push(p),
    });
  }, 150_000);

  afterAll(async () => {
    await Promise.all(
      (result?.stuck ?? []).map((id) =>
        temporal.client.workflow
          .getHandle(id)
          .terminate('test done')
          .catch(() => undefined),
      ),
    );
    worker?.shutdown();
    await running;
    await gateway?.close();
    await emulator?.close();
    await temporal?.close();
    await db?.drop();
  });

  it('when the cohort has settled, then every person ended in the stage their persona leads to', () => {
    expect(result.timing).toEqual(SIMULATION_TIMING);
    const outcomes = result.people.map((p) => ({ persona: p.persona, stage: p.stage }));
    expect(outcomes).toEqual(
      result.people.map((p) => ({ persona: p.persona, stage: EXPECTED_STAGE[p.persona] })),
    );
    expect(new Set(result.people.map((p) => p.persona)).size).toBe(6);
  });

  it('when the cohort ran, then it showed reminders, expired approval requests and signals from the gateway', () => {
    const of = (persona: string) => result.people.filter((p) => p.persona === persona);
    for (const p of of('never-installs')) expect(p.remindersSent).toBe(SIMULATION_TIMING.maxInstallReminders);
    for (const p of of('installs-after-reminder')) expect(p.remindersSent).toBeGreaterThanOrEqual(1);
    for (const p of of('ignores-push')) {
      expect(p.stage).toBe('expired');
      expect(p.approvalAttempts).toBe(SIMULATION_TIMING.maxApprovalAttempts);
    }
    // Only a webhook delivery through the gateway signals a phone change: no poll reports one.
    for (const p of of('changes-phone')) expect(p.phoneChanges).toBeGreaterThanOrEqual(1);
    expect(
      result.stages.enabled + result.stages.denied + result.stages.expired + result.stages.awaiting_device,
    ).toBe(12);
  });

  it('when progress was reported, then stage counts moved from registering to the final mix', () => {
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)!.stages).toEqual(result.stages);
    expect(progress.at(-1)!.settled).toBe(12);
    expect(progress.some((p) => p.stages.awaiting_device > result.stages.awaiting_device)).toBe(true);
  });

  it('when the Web UI filter OnboardingStage="awaiting_device" is applied (visibility API), then it lists exactly the stuck onboardings', async () => {
    const neverInstalled = result.people
      .filter((p) => p.persona === 'never-installs')
      .map((p) => p.workflowId)
      .sort();
    expect(neverInstalled.length).toBeGreaterThan(0);
    expect([...result.stuck].sort()).toEqual(neverInstalled);

    const list = async (query: string) => {
      const ids: string[] = [];
      for await (const run of temporal.client.workflow.list({ query })) ids.push(run.workflowId);
      return ids.sort();
    };
    const query = `TaskQueue = '${taskQueue}' AND OnboardingStage = "awaiting_device"`;
    // Visibility is eventually consistent: wait until it has caught up, then it must match exactly.
    const listed = await waitFor(
      () => list(query),
      (ids) => ids.join() === neverInstalled.join(),
      { what: 'the visibility list to show the stuck onboardings', timeoutMs: 20_000 },
    );
    expect(listed).toEqual(neverInstalled);

    // `twofold onboarding stuck --stage awaiting_device` runs the same kind of query.
    const stuck = await findStuckOnboardings(temporal.client, { stage: 'awaiting_device', limit: 10_000 });
    expect(stuck.map((s) => s.workflowId)).toEqual(expect.arrayContaining(neverInstalled));
  });
});
