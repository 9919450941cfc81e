import type { FunnelResponse } from '../../src/dashboard/funnel';
import type { ProviderFilter } from '../../src/dashboard/params';
import type { StuckResponse } from '../../src/dashboard/stuck';
import { findOnboarding } from '../../src/db/onboardings';
import { waitFor } from '../harness/wait-for';
import { createVerifyOnboardingHarness } from '../verify/harness';
import { privateDays, recordRuns, uniqueUserId } from './support/data';
import { useDashboardOverWorker, useDashboardServer } from './support/server';

describe('the dashboard by provider: GET /dashboard/api/funnel?provider=…', () => {
  const dashboard = useDashboardServer();

  it('when a period holds Authy and Verify runs, then the funnel splits them by provider and each filter counts only its own', async () => {
    const period = privateDays(1);
    const at = (minutes: number) => new Date(period.from.getTime() + minutes * 60_000);
    await recordRuns(dashboard.pool, [
      // Authy: one enabled, one still waiting for the install. Written without a provider, as Authy runs are.
      [uniqueUserId('authy-enabled'), at(1), 'awaiting_device@10 awaiting_approval@20 enabled@30', '201'],
      [uniqueUserId('authy-waiting'), at(2), 'awaiting_device@10', '202'],
      // Verify: a TOTP run enabled by its first code (awaiting_approval skipped), and one that failed.
      [uniqueUserId('verify-enabled'), at(3), 'awaiting_device@5 enabled@65', 'verify-identity-1', 'verify'],
      [uniqueUserId('verify-failed'), at(4), 'failed@5', undefined, 'verify'],
    ]);

    const range = `from=${period.day(0)}&to=${period.day(1)}`;
    const funnel = async (filter: string) =>
      (await dashboard.get<FunnelResponse>(`/dashboard/api/funnel?${range}${filter}`)).body;
    const all = await funnel('');
    expect(all).toEqual(await funnel('&provider=all'));

    // Per filter: its runs of each provider (Authy, Verify), the counts of the steps started,
    // registered, installed and enabled, the label of the registered step and the median seconds to
    // enabled.
    const expected: [ProviderFilter, [number, number], number[], string, number][] = [
      ['all', [2, 2], [4, 3, 2, 2], 'Registered with the provider', 47.5], // 30 s (Authy), 65 s (Verify)
      ['authy', [2, 0], [2, 2, 1, 1], 'Registered with Authy', 30],
      ['verify', [0, 2], [2, 1, 1, 1], 'Registered with Verify', 65],
    ];
    const bodies = new Map([['all', all]]);
    for (const [provider, [authy, verify], steps, registered, median] of expected) {
      const body = bodies.get(provider) ?? (await funnel(`&provider=${provider}`));
      bodies.set(provider, body);
      expect(body).toMatchObject({
        provider,
        runs: authy + verify,
        runsByProvider: { authy, verify },
        medianSecondsToEnabled: median,
      });
      expect(body.steps.map((s) => [s.key, s.count])).toEqual(
        ['started', 'registered', 'installed', 'enabled'].map((key, i) => [key, steps[i]]),
      );
      expect(body.steps[1]!.label).toBe(registered);
    }
    expect(bodies.get('authy')!.outcomes).toMatchObject({
      enabled: 1,
      failed: 0,
      inProgress: { awaiting_device: 1 },
    });
    expect(bodies.get('verify')!.outcomes).toMatchObject({
      enabled: 1,
      failed: 1,
      inProgress: { awaiting_device: 0 },
    });
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
        const { status, body, headers } = await dashboard.get<{ error: { code: string; message: string } }>(
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
  const dashboard = useDashboardOverWorker(createVerifyOnboardingHarness);

  it("when an Authy and a Verify onboarding wait for the device, then the stuck list names each one's provider and the filter keeps only that provider's", async () => {
    const slow = { deviceStatusPollIntervalMs: 3_600_000 };
    const { h } = dashboard;
    const authyRun = await h.start({ provider: 'authy', timing: slow });
    const verifyRun = await h.start({ timing: slow });
    for (const run of [authyRun, verifyRun]) {
      dashboard.terminateAfterAll(run);
      await h.waitForStage(run, 'awaiting_device');
    }
    // The workflow wrote each run's provider into its customer record.
    expect((await findOnboarding(h.pool, authyRun.input.userId))?.provider).toBe('authy');
    expect((await findOnboarding(h.pool, verifyRun.input.userId))?.provider).toBe('verify');

    const all = await waitFor(
      async () => (await dashboard.get<StuckResponse>('/dashboard/api/stuck?olderThan=0s')).body,
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
      const { status, body } = await dashboard.get<StuckResponse>(
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
