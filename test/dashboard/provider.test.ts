import type { FunnelResponse } from '../../src/dashboard/funnel';
import type { StuckResponse } from '../../src/dashboard/stuck';
import { findOnboarding } from '../../src/db/onboardings';
import type { DbPool } from '../../src/db/pool';
import { createTestPool } from '../harness/database';
import { waitFor } from '../harness/wait-for';
import { createVerifyOnboardingHarness } from '../verify/harness';
import type { VerifyOnboardingHarness } from '../verify/harness';
import { privateDays, recordRun, uniqueUserId } from './support/data';
import { startDashboardServer } from './support/server';
import type { DashboardServer } from './support/server';

const NO_TEMPORAL = () => Promise.reject(new Error('no Temporal in this test'));

describe('the dashboard by provider: GET /dashboard/api/funnel?provider=…', () => {
  let pool: DbPool;
  let server: DashboardServer;
  beforeAll(async () => {
    pool = createTestPool();
    server = await startDashboardServer({
      pool,
      temporal: NO_TEMPORAL,
      uiUrl: 'http://ui.test',
      namespace: 'default',
    });
  });
  afterAll(async () => {
    await server.close();
    await pool.end();
  });

  it('when a period holds Authy and Verify runs, then the funnel splits them by provider and each filter counts only its own', async () => {
    const period = privateDays(1);
    const at = (minutes: number) => new Date(period.from.getTime() + minutes * 60_000);
    // Authy: one enabled, one still waiting for the install. Written without a provider, as Authy runs are.
    await recordRun(pool, {
      userId: uniqueUserId('authy-enabled'),
      start: at(1),
      stages: [
        ['awaiting_device', 10],
        ['awaiting_approval', 20],
        ['enabled', 30],
      ],
      authyId: '201',
    });
    await recordRun(pool, {
      userId: uniqueUserId('authy-waiting'),
      start: at(2),
      stages: [['awaiting_device', 10]],
      authyId: '202',
    });
    // Verify: a TOTP run enabled by its first code (awaiting_approval skipped), and one that failed.
    await recordRun(pool, {
      userId: uniqueUserId('verify-enabled'),
      start: at(3),
      stages: [
        ['awaiting_device', 5],
        ['enabled', 65],
      ],
      authyId: 'verify-identity-1',
      provider: 'verify',
    });
    await recordRun(pool, {
      userId: uniqueUserId('verify-failed'),
      start: at(4),
      stages: [['failed', 5]],
      provider: 'verify',
    });

    const range = `from=${period.day(0)}&to=${period.day(1)}`;
    const all = (await server.get<FunnelResponse>(`/dashboard/api/funnel?${range}`)).body;
    const explicitAll = (await server.get<FunnelResponse>(`/dashboard/api/funnel?${range}&provider=all`))
      .body;
    const authy = (await server.get<FunnelResponse>(`/dashboard/api/funnel?${range}&provider=authy`)).body;
    const verify = (await server.get<FunnelResponse>(`/dashboard/api/funnel?${range}&provider=verify`)).body;

    expect(all).toEqual(explicitAll);
    expect(all).toMatchObject({ provider: 'all', runs: 4, runsByProvider: { authy: 2, verify: 2 } });
    expect(all.steps.map((s) => [s.key, s.count])).toEqual([
      ['started', 4],
      ['registered', 3],
      ['installed', 2],
      ['enabled', 2],
    ]);
    expect(all.steps[1]!.label).toBe('Registered with the provider');
    expect(all.medianSecondsToEnabled).toBe(47.5); // 30 s (Authy) and 65 s (Verify)

    expect(authy).toMatchObject({ provider: 'authy', runs: 2, runsByProvider: { authy: 2, verify: 0 } });
    expect(authy.steps.map((s) => [s.key, s.count])).toEqual([
      ['started', 2],
      ['registered', 2],
      ['installed', 1],
      ['enabled', 1],
    ]);
    expect(authy.steps[1]!.label).toBe('Registered with Authy');
    expect(authy.outcomes).toMatchObject({ enabled: 1, failed: 0, inProgress: { awaiting_device: 1 } });
    expect(authy.medianSecondsToEnabled).toBe(30);

    expect(verify).toMatchObject({ provider: 'verify', runs: 2, runsByProvider: { authy: 0, verify: 2 } });
    expect(verify.steps.map((s) => [s.key, s.count])).toEqual([
      ['started', 2],
      ['registered', 1],
      ['installed', 1],
      ['enabled', 1],
    ]);
    expect(verify.steps[1]!.label).toBe('Registered with Verify');
    expect(verify.outcomes).toMatchObject({ enabled: 1, failed: 1, inProgress: { awaiting_device: 0 } });
    expect(verify.medianSecondsToEnabled).toBe(65);
  });

  it.each([
    ['an unknown provider', 'provider=twilio'],
    ['an empty provider', 'provider='],
    ['a repeated provider', 'provider=authy&provider=verify'],
    ['a provider in another case', 'provider=Verify'],
  ])(
    'when the funnel or stuck panel gets %s, then it answers 400 with a JSON error naming provider',
    async (_, query) => {
      for (const endpoint of ['funnel', 'stuck']) {
        const { status, body, headers } = await server.get<{ error: { code: string; message: string } }>(
          `/dashboard/api/${endpoint}?${query}`,
        );
        expect(status).toBe(400);
        expect(headers.get('content-type')).toMatch(/^application\/json/);
        expect(body.error.code).toBe('bad_request');
        expect(body.error.message).toMatch(/^provider: /);
      }
    },
  );
});

describe('the dashboard by provider: GET /dashboard/api/stuck?provider=… (real Temporal, one worker for both providers)', () => {
  let h: VerifyOnboardingHarness;
  let server: DashboardServer;
  const started: { terminate(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    h = await createVerifyOnboardingHarness();
    server = await startDashboardServer({
      pool: h.pool,
      temporal: () => Promise.resolve(h.temporal.client),
      uiUrl: 'http://ui.test',
      namespace: h.temporal.namespace,
      taskQueue: h.taskQueue,
    });
  });
  afterAll(async () => {
    await Promise.all(started.map((s) => s.terminate().catch(() => undefined)));
    await server.close();
    await h.close();
  });

  it("when an Authy and a Verify onboarding wait for the device, then the stuck list names each one's provider and the filter keeps only that provider's", async () => {
    const slow = { deviceStatusPollIntervalMs: 3_600_000 };
    const authyRun = await h.start({ provider: 'authy', timing: slow });
    const verifyRun = await h.start({ timing: slow });
    for (const run of [authyRun, verifyRun]) {
      started.push({ terminate: () => run.handle.terminate('dashboard test done') });
      await h.waitForStage(run, 'awaiting_device');
    }
    // The workflow wrote each run's provider into its customer record.
    expect((await findOnboarding(h.pool, authyRun.input.userId))?.provider).toBe('authy');
    expect((await findOnboarding(h.pool, verifyRun.input.userId))?.provider).toBe('verify');

    const all = await waitFor(
      async () => (await server.get<StuckResponse>('/dashboard/api/stuck?olderThan=0s')).body,
      (r) => r.stages[1]!.stuck === 2 && r.stages[1]!.waiting === 2,
      { timeoutMs: 20_000, what: 'both waiting runs in the stuck report' },
    );
    const device = all.stages[1]!;
    expect(all.provider).toBe('all');
    expect(device.stuckByProvider).toEqual({ authy: 1, verify: 1 });
    expect(Object.fromEntries(device.longest.map((w) => [w.workflowId, w.provider]))).toEqual({
      [authyRun.workflowId]: 'authy',
      [verifyRun.workflowId]: 'verify',
    });

    for (const [provider, run] of [
      ['authy', authyRun],
      ['verify', verifyRun],
    ] as const) {
      const { status, body } = await server.get<StuckResponse>(
        `/dashboard/api/stuck?olderThan=0s&provider=${provider}`,
      );
      expect(status).toBe(200);
      expect(body.provider).toBe(provider);
      const stage = body.stages[1]!;
      // waiting is the visibility count, of every provider; stuck and longest are the provider's own.
      expect(stage).toMatchObject({ stage: 'awaiting_device', waiting: 2, stuck: 1 });
      expect(stage.longest.map((w) => [w.workflowId, w.provider])).toEqual([[run.workflowId, provider]]);
    }
  });
});
