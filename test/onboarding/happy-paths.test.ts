import { randomUUID } from 'node:crypto';
import { createAuthyHttp } from '../../src/authy/http';
import { createAuthyUsersClient } from '../../src/authy/users';
import { findOnboarding } from '../../src/db/onboardings';
import { withResolvedTiming } from '../../src/shared/onboarding';
import { AUTHY_ID, ONBOARDING_STAGE } from '../../src/shared/search-attributes';
import { approvalRespondedSignal, deviceRegisteredSignal } from '../../src/workflows/onboarding/messages';
import { answerPush, createOnboardingHarness, freshOnboardingInput } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';
import { useForAll } from '../harness/lifecycle';

describe('onboardUser: the paths to enabled', () => {
  const h = useForAll(createOnboardingHarness);

  it('when the person installs the app and approves (signals, as the gateway sends them), then the onboarding is enabled and recorded', async () => {
    const started = await h.start();
    const waiting = await h.waitForStage(started, 'awaiting_device');
    expect(waiting.authyId).toMatch(/^\d+$/);

    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    await started.handle.signal(deviceRegisteredSignal, { eventId: randomUUID(), authyId: waiting.authyId! });
    const approving = await h.waitForApprovalRequest(started);
    expect(approving.approvalUuid).toBeDefined();

    await answerPush(h.emulator, started.handle, approving.approvalUuid, 'approved');
    const final = await started.handle.result();

    expect(final).toMatchObject({
      stage: 'enabled',
      authyId: waiting.authyId,
      approvalAttempts: 1,
      remindersSent: 0,
    });
    const record = await findOnboarding(h.pool, started.input.userId);
    expect(record).toMatchObject({
      stage: 'enabled',
      authyId: waiting.authyId,
      workflowId: started.workflowId,
    });
    expect(record?.completedAt).toBeInstanceOf(Date);
    const description = await started.handle.describe();
    expect(description.typedSearchAttributes.get(ONBOARDING_STAGE)).toBe('enabled');
    expect(description.typedSearchAttributes.get(AUTHY_ID)).toBe(waiting.authyId);
    const { rows } = await h.pool.query<{ stage: string }>(
      'select stage from onboarding_stage_history where run_id = $1 and stage <> $2 order by seq',
      [started.runId, 'awaiting_approval'],
    );
    expect([...new Set(rows.map((r) => r.stage))]).toEqual(['registering', 'awaiting_device', 'enabled']);
  });

  it('when webhooks are lost, then the safety-net status checks still carry the onboarding to enabled', async () => {
    const started = await h.start({
      timing: { deviceStatusPollIntervalMs: 300, approvalStatusPollIntervalMs: 300 },
    });
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    const approving = await h.waitForApprovalRequest(started);
    await h.emulator.control('POST', `/approval_requests/${approving.approvalUuid}/respond`, {
      status: 'approved',
    });
    expect(await started.handle.result()).toMatchObject({ stage: 'enabled' });
  });

  it('when the user already has the app, then the install wait is skipped', async () => {
    const first = await h.start({ timing: { deviceStatusPollIntervalMs: 60_000 } });
    const waiting = await h.waitForStage(first, 'awaiting_device');
    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    await first.handle.terminate('test setup: only the registration was needed');

    const second = await h.start({ cellphone: first.input.cellphone, countryCode: first.input.countryCode });
    const approving = await h.waitForApprovalRequest(second);
    expect(approving.authyId).toBe(waiting.authyId);
    const { rows } = await h.pool.query(
      'select 1 from onboarding_stage_history where run_id = $1 and stage = $2',
      [second.runId, 'awaiting_device'],
    );
    expect(rows).toHaveLength(0);
    await second.handle.terminate('test done');
  });

  it('when the device signal arrives before the workflow waits for it, then it is not lost', async () => {
    const input = freshOnboardingInput('user', {
      email: 'early@example.com',
      timing: { deviceStatusPollIntervalMs: 3_600_000 },
    });
    const { userId } = input;
    // Authy registration is idempotent per phone, so the Authy id the run will get is known up front.
    const { authyId } = await createAuthyUsersClient(
      createAuthyHttp({ baseUrl: h.emulator.url, apiKey: h.emulator.apiKey }),
    ).register({ ...input, sendInstallLinkViaSms: false });
    // The signal lands with the start, before registration; the emulator does not know of any install,
    // so only the retained signal can carry the run past awaiting_device.
    const handle = await h.temporal.client.workflow.signalWithStart('onboardUser', {
      workflowId: `onboarding-${userId}`,
      taskQueue: h.taskQueue,
      args: [withResolvedTiming(input)],
      signal: deviceRegisteredSignal,
      signalArgs: [{ eventId: randomUUID(), authyId }],
    });
    const started = { handle, workflowId: handle.workflowId };
    const approving = await h.waitForStage(started, 'awaiting_approval');
    // Authy refuses the push until the app has registered (60050), so the request is retried …
    expect(approving.approvalUuid).toBeUndefined();
    await h.emulator.control('POST', `/users/${approving.authyId}/install`);
    // … and goes out once it has.
    const withRequest = await h.waitForApprovalRequest(started);
    await handle.signal(approvalRespondedSignal, {
      eventId: randomUUID(),
      approvalUuid: withRequest.approvalUuid,
      status: 'approved',
    });
    expect(await handle.result()).toMatchObject({ stage: 'enabled' });
    const { rows } = await h.pool.query('select stage from onboarding_stage_history where user_id = $1', [
      userId,
    ]);
    expect(rows.map((r: { stage: string }) => r.stage)).not.toContain('awaiting_device');
  });

  it('when one onboarding is started twice, then there is one run', async () => {
    const first = await h.start();
    const second = await h.start({ ...first.input });
    expect(second.workflowId).toBe(first.workflowId);
    expect(second.runId).toBe(first.runId);
    await h.waitForStage(first, 'awaiting_device');
    const runs = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const run of h.temporal.client.workflow.list({
          query: `WorkflowId = '${first.workflowId}'`,
        })) {
          ids.push(run.runId);
        }
        return ids;
      },
      (ids) => ids.length > 0,
      { what: 'the run to be visible' },
    );
    expect(runs).toEqual([first.runId]);
    await first.handle.terminate('test done');
  });
});
