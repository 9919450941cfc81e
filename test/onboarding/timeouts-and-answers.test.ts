import { randomUUID } from 'node:crypto';
import { approvalRespondedSignal } from '../../src/workflows/onboarding/messages';
import { answerPush, createOnboardingHarness } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';
import { useForAll } from '../harness/lifecycle';

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

describe('onboardUser: reminders, expiry and denial', () => {
  const h = useForAll(createOnboardingHarness);

  async function requestsTo(pathPart: string): Promise<LoggedRequest[]> {
    const log = await h.emulator.control<{ requests: LoggedRequest[] }>('GET', '/requests');
    return log.requests.filter((r) => r.path.includes(pathPart));
  }

  it('when the app is never installed, then install links are resent up to the limit and the onboarding expires', async () => {
    const before = (await requestsTo('/users/new')).length;
    const started = await h.start({
      timing: { installReminderIntervalMs: 400, maxInstallReminders: 2, installGiveUpAfterMs: 400 },
    });
    const final = await started.handle.result();
    expect(final).toMatchObject({ stage: 'expired', remindersSent: 2 });
    expect(final.reason).toContain('not installed');
    // Tests in this file run one at a time: the registration plus exactly two resends, no more.
    expect((await requestsTo('/users/new')).length - before).toBe(3);
  });

  it('when the person denies the push, then the onboarding ends denied', async () => {
    const started = await h.start({ timing: { deviceStatusPollIntervalMs: 200 } });
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    const approving = await h.waitForApprovalRequest(started);
    await answerPush(h.emulator, started.handle, approving.approvalUuid, 'denied');
    expect(await started.handle.result()).toMatchObject({ stage: 'denied', approvalAttempts: 1 });
  });

  it('when approval requests expire unanswered, then a new one is sent up to the limit and the onboarding expires', async () => {
    const started = await h.start({
      timing: { deviceStatusPollIntervalMs: 200, approvalExpiryMs: 1_000, maxApprovalAttempts: 2 },
    });
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    const final = await started.handle.result();
    expect(final).toMatchObject({ stage: 'expired', approvalAttempts: 2 });
    expect(final.reason).toContain('2 push approval request');
  });

  it('when Authy rejects the phone number (60027), then the onboarding fails at once with the reason, without retries', async () => {
    const before = (await requestsTo('/users/new')).length;
    const started = await h.start({ cellphone: '1234567890123456' });
    const final = await started.handle.result();
    expect(final.stage).toBe('failed');
    expect(final.reason).toContain('60027');
    expect((await requestsTo('/users/new')).length - before).toBe(1);
    const { rows } = await h.pool.query('select stage, reason from onboardings where user_id = $1', [
      started.input.userId,
    ]);
    expect(rows).toEqual([{ stage: 'failed', reason: final.reason }]);
  });

  it('when Authy answers 5xx and 429 bursts (with and without Retry-After), then the onboarding still completes', async () => {
    const failures = async (path: string, status: number) =>
      (await requestsTo(path)).filter((r) => r.status === status).length;
    // Each outage is switched on before the call it hits is made, lasts until two calls failed, then ends.
    const outage = async <T>(
      rule: object,
      path: string,
      status: number,
      trigger: () => Promise<T>,
    ): Promise<T> => {
      const before = await failures(path, status);
      await h.emulator.control('POST', '/faults', { api: [rule] });
      const result = await trigger();
      await waitFor(
        () => failures(path, status),
        (n) => n >= before + 2,
        {
          timeoutMs: 30_000,
          what: `two ${status} answers on ${path}`,
        },
      );
      await h.emulator.control('POST', '/faults', {});
      return result;
    };
    try {
      const started = await outage(
        { endpoint: 'users.new', errorRate: 1, errorStatus: 503 },
        '/users/new',
        503,
        () => h.start({ timing: { deviceStatusPollIntervalMs: 200 } }),
      );
      const waiting = await h.waitForStage(started, 'awaiting_device', 60_000);
      await outage(
        { endpoint: 'users.status', tooManyRequests: { rate: 1, burstMs: 1_500, retryAfter: true } },
        '/status',
        429,
        () => Promise.resolve(),
      );
      await outage(
        { endpoint: 'onetouch.create', tooManyRequests: { rate: 1, burstLength: 3, retryAfter: false } },
        '/approval_requests',
        429,
        () => h.emulator.control('POST', `/users/${waiting.authyId}/install`),
      );
      const approving = await h.waitForApprovalRequest(started, 60_000);
      await started.handle.signal(approvalRespondedSignal, {
        eventId: randomUUID(),
        approvalUuid: approving.approvalUuid,
        status: 'approved',
      });
      expect(await started.handle.result()).toMatchObject({ stage: 'enabled' });
    } finally {
      await h.emulator.control('POST', '/faults', {});
    }
  });

  it('when a signal repeats an event id, then it has no second effect', async () => {
    const started = await h.start({ timing: { deviceStatusPollIntervalMs: 200 } });
    const waiting = await h.waitForStage(started, 'awaiting_device');
    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    const approving = await h.waitForApprovalRequest(started);
    const deny = { eventId: randomUUID(), approvalUuid: approving.approvalUuid, status: 'denied' as const };
    // The first answer wins; a repeat of an already-applied event is ignored and changes nothing.
    await started.handle.signal(approvalRespondedSignal, { ...deny, status: 'approved' });
    await started.handle.signal(approvalRespondedSignal, { ...deny, eventId: deny.eventId });
    expect(await started.handle.result()).toMatchObject({ stage: 'enabled' });
  });
});
