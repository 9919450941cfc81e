import { randomUUID } from 'node:crypto';
import type { StuckResponse } from '../../src/dashboard/stuck';
import { findOnboarding } from '../../src/db/onboardings';
import { deviceRegisteredSignal } from '../../src/workflows/onboarding/messages';
import { createOnboardingHarness } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';
import { useDashboardOverWorker } from './support/server';

const UI = 'http://ui.example:8233';

describe('GET /dashboard/api/stuck (real Temporal visibility)', () => {
  const dashboard = useDashboardOverWorker(createOnboardingHarness, `${UI}/`);

  async function startWaiting() {
    const { h } = dashboard;
    const run = await h.start({ timing: { deviceStatusPollIntervalMs: 3_600_000 } });
    dashboard.terminateAfterAll(run);
    const status = await h.waitForStage(run, 'awaiting_device');
    return { ...run, authyId: status.authyId! };
  }

  it('when onboardings wait for the install and the approval, then each stage counts them and links every run and the stage filter to the Web UI', async () => {
    const { h } = dashboard;
    const device1 = await startWaiting();
    const device2 = await startWaiting();
    const approval = await startWaiting();
    await h.emulator.control('POST', `/users/${approval.authyId}/install`);
    await approval.handle.signal(deviceRegisteredSignal, {
      eventId: randomUUID(),
      authyId: approval.authyId,
    });
    await h.waitForStage(approval, 'awaiting_approval');

    // Visibility is eventually consistent: poll until it shows the stages just reached.
    const report = await waitFor(
      async () => (await dashboard.get<StuckResponse>('/dashboard/api/stuck?olderThan=0s')).body,
      (r) =>
        r.stages.find((s) => s.stage === 'awaiting_device')?.stuck === 2 &&
        r.stages.find((s) => s.stage === 'awaiting_approval')?.stuck === 1 &&
        r.stages.every((s) => s.waiting === s.stuck),
      { timeoutMs: 20_000, what: 'the stuck report to show 2 + 1 waiting runs' },
    );

    expect(report).toMatchObject({
      olderThanSeconds: 0,
      namespace: h.temporal.namespace,
      taskQueue: h.taskQueue,
      complete: true,
    });
    const [registering, device, approving] = report.stages;
    expect(registering).toMatchObject({ stage: 'registering', waiting: 0, stuck: 0, longest: [] });
    expect(device).toMatchObject({ stage: 'awaiting_device', waiting: 2, stuck: 2 });
    expect(approving).toMatchObject({ stage: 'awaiting_approval', waiting: 1, stuck: 1 });

    // Longest wait first: device1 entered its stage before device2.
    expect(device!.longest.map((w) => w.workflowId)).toEqual([device1.workflowId, device2.workflowId]);
    for (const [stage, runs] of [
      [device!, [device1, device2]],
      [approving!, [approval]],
    ] as const) {
      for (const [i, run] of runs.entries()) {
        const wait = stage.longest[i]!;
        const record = await findOnboarding(h.pool, run.input.userId);
        expect(wait).toMatchObject({
          workflowId: run.workflowId,
          runId: run.runId,
          enteredAtSource: 'record',
          stageEnteredAt: record!.stageEnteredAt.toISOString(),
          url: `${UI}/namespaces/${h.temporal.namespace}/workflows/${run.workflowId}`,
        });
        expect(wait.waitingSeconds).toBeGreaterThanOrEqual(0);
      }
    }
    expect(device!.longestWaitSeconds).toBe(device!.longest[0]!.waitingSeconds);
    const filter = `OnboardingStage="awaiting_device" AND ExecutionStatus="Running" AND TaskQueue="${h.taskQueue}"`;
    expect(device!.listUrl).toBe(
      `${UI}/namespaces/${h.temporal.namespace}/workflows?query=${encodeURIComponent(filter)}`,
    );

    // With a threshold none of them has reached, they still wait but none is stuck.
    const { body: patient } = await dashboard.get<StuckResponse>('/dashboard/api/stuck?olderThan=1d&limit=5');
    expect(patient.olderThanSeconds).toBe(86_400);
    expect(
      patient.stages.map((s) => [s.stage, s.waiting, s.stuck, s.longest.length, s.longestWaitSeconds]),
    ).toEqual([
      ['registering', 0, 0, 0, null],
      ['awaiting_device', 2, 0, 0, null],
      ['awaiting_approval', 1, 0, 0, null],
    ]);

    // limit caps each stage's list, longest first.
    const { body: limited } = await dashboard.get<StuckResponse>('/dashboard/api/stuck?olderThan=0s&limit=1');
    expect(limited.stages[1]!.longest.map((w) => w.workflowId)).toEqual([device1.workflowId]);
    expect(limited.stages[1]!.stuck).toBe(2);
  });

  it('when a waiting run is terminated, then it no longer counts', async () => {
    const gone = await startWaiting();
    await waitFor(
      async () => (await dashboard.get<StuckResponse>('/dashboard/api/stuck?olderThan=0s')).body,
      (r) => r.stages[1]!.longest.some((w) => w.workflowId === gone.workflowId),
      { what: 'the run to be listed' },
    );
    await gone.handle.terminate('operator gave up');
    await waitFor(
      async () => (await dashboard.get<StuckResponse>('/dashboard/api/stuck?olderThan=0s')).body,
      (r) => !r.stages[1]!.longest.some((w) => w.workflowId === gone.workflowId),
      { what: 'the terminated run to leave the report' },
    );
  });
});
