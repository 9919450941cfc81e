import { findStuckOnboardings } from '../../src/client/onboarding';
import { EXPECTED_STAGE } from '../../src/simulation/personas';
import { runSimulation } from '../../src/simulation/run-simulation';
import type { SimulationProgress, SimulationResult } from '../../src/simulation/types';
import { SIMULATION_TIMING } from '../../src/simulation/timing';
import { createFullStackHarness } from '../harness/full-stack';
import type { FullStackHarness } from '../harness/full-stack';
import { waitFor } from '../harness/wait-for';

// The demo's pipeline in one process: emulator → (Webhooks API registration) → gateway → Temporal →
// worker, with the demo's simulation timings, whose status polls (15 s) are too slow to move the
// cohort in time: the gateway's signals have to.
describe('the demo cohort (make demo, docs/contract.md §8)', () => {
  let h: FullStackHarness;
  let result: SimulationResult;
  const progress: SimulationProgress[] = [];

  beforeAll(async () => {
    h = await createFullStackHarness({ name: 'demo-cohort', databaseLabel: 'demo' });
    result = await runSimulation({
      client: h.temporal.client,
      taskQueue: h.taskQueue,
      emulatorUrl: h.emulator.url,
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
        h.temporal.client.workflow
          .getHandle(id)
          .terminate('test done')
          .catch(() => undefined),
      ),
    );
    await h?.close();
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
      for await (const run of h.temporal.client.workflow.list({ query })) ids.push(run.workflowId);
      return ids.sort();
    };
    const query = `TaskQueue = '${h.taskQueue}' AND OnboardingStage = "awaiting_device"`;
    // Visibility is eventually consistent: wait until it has caught up, then it must match exactly.
    const listed = await waitFor(
      () => list(query),
      (ids) => ids.join() === neverInstalled.join(),
      { what: 'the visibility list to show the stuck onboardings', timeoutMs: 20_000 },
    );
    expect(listed).toEqual(neverInstalled);

    // `twofold onboarding stuck --stage awaiting_device` runs the same kind of query.
    const stuck = await findStuckOnboardings(h.temporal.client, { stage: 'awaiting_device', limit: 10_000 });
    expect(stuck.map((s) => s.workflowId)).toEqual(expect.arrayContaining(neverInstalled));
  });
});
