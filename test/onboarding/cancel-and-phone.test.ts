import { randomUUID } from 'node:crypto';
import { cancelOnboarding, getOnboardingStatus } from '../../src/client/onboarding';
import { cancelSignal, phoneChangedSignal } from '../../src/workflows/onboarding/messages';
import { createOnboardingHarness } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';
import { useForAll } from '../harness/lifecycle';

describe('onboardUser: cancel and phone changes', () => {
  const h = useForAll(createOnboardingHarness);

  it('when cancelled while awaiting the device (update), then it ends cancelled with the reason and the record says so', async () => {
    const started = await h.start();
    await h.waitForStage(started, 'awaiting_device');
    const status = await cancelOnboarding(h.temporal.client, started.input.userId, {
      reason: 'user opted out',
    });
    expect(status).toMatchObject({ stage: 'cancelled', reason: 'user opted out' });
    const { rows } = await h.pool.query('select stage, reason from onboardings where user_id = $1', [
      started.input.userId,
    ]);
    expect(rows).toEqual([{ stage: 'cancelled', reason: 'user opted out' }]);
  });

  it('when cancelled while awaiting the approval (signal), then it ends cancelled', async () => {
    const started = await h.start({ timing: { deviceStatusPollIntervalMs: 200 } });
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    await h.waitForApprovalRequest(started);
    await started.handle.signal(cancelSignal, { eventId: randomUUID() });
    expect(await started.handle.result()).toMatchObject({ stage: 'cancelled' });
  });

  it('when cancelled while registration keeps failing, then the retrying call is abandoned and it ends cancelled', async () => {
    await h.emulator.control('POST', '/faults', {
      api: [{ endpoint: 'users.new', errorRate: 1, errorStatus: 503 }],
    });
    try {
      const started = await h.start();
      // Registration has failed and is being retried (an outage an operator would fix) …
      await waitFor(
        () => h.emulator.control<{ requests: { path: string; status: number }[] }>('GET', '/requests'),
        (log) => log.requests.filter((r) => r.path.endsWith('/users/new') && r.status === 503).length >= 2,
        { what: 'registration to fail twice' },
      );
      expect((await getOnboardingStatus(h.temporal.client, started.input.userId)).stage).toBe('registering');
      // … and a cancel still ends the run at once.
      const status = await cancelOnboarding(h.temporal.client, started.input.userId);
      expect(status.stage).toBe('cancelled');
    } finally {
      await h.emulator.control('POST', '/faults', {});
    }
  });

  it('when an onboarding is already finished, then cancel is rejected and the outcome stands', async () => {
    const started = await h.start();
    await h.waitForStage(started, 'awaiting_device');
    await cancelOnboarding(h.temporal.client, started.input.userId);
    await expect(cancelOnboarding(h.temporal.client, started.input.userId)).rejects.toThrow();
    expect((await started.handle.result()).stage).toBe('cancelled');
  });

  it('when the phone changes (the same event delivered three times), then one change is recorded and the onboarding goes on', async () => {
    const started = await h.start();
    const waiting = await h.waitForStage(started, 'awaiting_device');
    const change = { eventId: randomUUID(), authyId: waiting.authyId!, occurredAt: new Date().toISOString() };
    for (let i = 0; i < 3; i += 1) await started.handle.signal(phoneChangedSignal, change);
    const rows = await waitFor(
      () =>
        h.pool.query('select user_id, authy_id from onboarding_phone_changes where event_id = $1', [
          change.eventId,
        ]),
      (r) => r.rowCount === 1,
      { what: 'the phone change row' },
    );
    expect(rows.rows).toEqual([{ user_id: started.input.userId, authy_id: waiting.authyId }]);
    // All three deliveries are in history before this query is answered, so the count is final.
    const status = await getOnboardingStatus(h.temporal.client, started.input.userId);
    expect(status).toMatchObject({ stage: 'awaiting_device', phoneChanges: 1 });
    await started.handle.terminate('test done');
  });
});
