import { randomUUID } from 'node:crypto';
import { cancelOnboarding } from '../../src/client/onboarding';
import {
  approvalRespondedSignal,
  cancelSignal,
  cancelUpdate,
  deviceRegisteredSignal,
  statusQuery,
} from '../../src/workflows/onboarding/messages';
import { createOnboardingHarness } from '../harness/onboarding';
import { useForAll } from '../harness/lifecycle';

// Any client with access to the namespace can send these messages (docs/onboarding.md#messages): the
// workflow checks each payload, drops what is invalid without failing a workflow task, and lets an
// answer count only for the run's own Authy id and approval requests.
describe('onboardUser: messages from untrusted clients', () => {
  const h = useForAll(createOnboardingHarness);

  /** Signals whose payloads the TypeScript types would refuse: sent as a hostile client would. */
  const signalRaw = (handle: { signal: (...args: never[]) => Promise<void> }, name: string, arg: unknown) =>
    (handle.signal as (name: string, arg: unknown) => Promise<void>)(name, arg);

  async function workflowTaskFailures(started: { handle: { fetchHistory(): Promise<unknown> } }) {
    const history = (await started.handle.fetchHistory()) as { events?: { eventType?: unknown }[] };
    return (history.events ?? []).filter((e) => String(e.eventType).includes('WORKFLOW_TASK_FAILED')).length;
  }

  it('when deviceRegistered({}) then approvalResponded({status:"approved"}) arrive, then the run stays awaiting_device and ends only on real answers', async () => {
    const started = await h.start();
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await signalRaw(started.handle, 'deviceRegistered', {});
    await signalRaw(started.handle, 'approvalResponded', { status: 'approved' });
    expect(await started.handle.query(statusQuery)).toMatchObject({
      stage: 'awaiting_device',
      approvalAttempts: 0,
    });

    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    await started.handle.signal(deviceRegisteredSignal, { eventId: randomUUID(), authyId: waiting.authyId! });
    const approving = await h.waitForApprovalRequest(started);
    await started.handle.signal(approvalRespondedSignal, {
      eventId: randomUUID(),
      approvalUuid: approving.approvalUuid,
      status: 'approved',
    });
    expect(await started.handle.result()).toMatchObject({ stage: 'enabled', approvalAttempts: 1 });
    expect(await workflowTaskFailures(started)).toBe(0);
  });

  it('when deviceRegistered(null), cancel(null) and phoneChanged(null) arrive, then no workflow task fails and the run keeps answering status', async () => {
    const started = await h.start();
    await h.waitForStage(started, 'awaiting_device');
    await signalRaw(started.handle, 'deviceRegistered', null);
    await signalRaw(started.handle, 'phoneChanged', null);
    await signalRaw(started.handle, 'cancel', 42);
    expect(await started.handle.query(statusQuery)).toMatchObject({
      stage: 'awaiting_device',
      phoneChanges: 0,
    });
    expect(await workflowTaskFailures(started)).toBe(0);
    await cancelOnboarding(h.temporal.client, started.input.userId);
  });

  it('when a device registration names another Authy id, then it does not move the run', async () => {
    const started = await h.start();
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await started.handle.signal(deviceRegisteredSignal, {
      eventId: randomUUID(),
      authyId: `not-${waiting.authyId}`,
    });
    expect((await started.handle.query(statusQuery)).stage).toBe('awaiting_device');
    await cancelOnboarding(h.temporal.client, started.input.userId);
  });

  it('when an approval answer names a request this run never issued, then it does not count', async () => {
    const started = await h.start();
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    await started.handle.signal(deviceRegisteredSignal, { eventId: randomUUID(), authyId: waiting.authyId! });
    const approving = await h.waitForApprovalRequest(started);

    // An unrelated login push of the same Authy app, approved.
    await started.handle.signal(approvalRespondedSignal, {
      eventId: randomUUID(),
      approvalUuid: randomUUID(),
      status: 'approved',
    });
    expect((await started.handle.query(statusQuery)).stage).toBe('awaiting_approval');

    await started.handle.signal(approvalRespondedSignal, {
      eventId: randomUUID(),
      approvalUuid: approving.approvalUuid,
      status: 'denied',
    });
    expect(await started.handle.result()).toMatchObject({ stage: 'denied' });
  });

  it('when phoneChanged carries an unreadable occurredAt and a cancel follows, then the change is dropped and the run closes as cancelled', async () => {
    const started = await h.start();
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await signalRaw(started.handle, 'phoneChanged', {
      eventId: randomUUID(),
      authyId: waiting.authyId,
      occurredAt: 'not-a-date',
    });
    await started.handle.signal(cancelSignal, { eventId: randomUUID() });
    expect(await started.handle.result()).toMatchObject({ stage: 'cancelled', phoneChanges: 0 });
  });

  it('when a cancel update carries an invalid payload, then its validator refuses it and the run goes on', async () => {
    const started = await h.start();
    await h.waitForStage(started, 'awaiting_device');
    await expect(
      started.handle.executeUpdate('cancelOnboarding', { args: [{ reason: { nested: true } }] }),
    ).rejects.toMatchObject({ name: 'WorkflowUpdateFailedError' });
    expect((await started.handle.query(statusQuery)).stage).toBe('awaiting_device');

    const reason = 'x'.repeat(10_000);
    const final = await started.handle.executeUpdate(cancelUpdate, { args: [{ reason }] });
    expect(final).toMatchObject({ stage: 'cancelled' });
    expect(final.reason).toHaveLength(500);
  });
});
