import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { findOnboarding } from '../../src/db/onboardings';
import { getEnrollment, startOnboarding, submitTotpCode } from '../../src/client/onboarding';
import { ONBOARDING_STAGE } from '../../src/shared/search-attributes';
import { verifyIdentity } from '../../src/verify/identity';
import {
  approvalRespondedSignal,
  deviceRegisteredSignal,
  factorVerifiedSignal,
  getEnrollmentUpdate,
  statusQuery,
  submitTotpCodeUpdate,
} from '../../src/workflows/onboarding/messages';
import { FAST_TIMING, uniquePhone } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';
import { createVerifyOnboardingHarness } from '../verify/harness';
import { useForAll } from '../harness/lifecycle';

// The onboarding on Twilio Verify (docs/verify.md, "The onboarding on Verify") against real Temporal,
// PostgreSQL and the emulator's Verify v2 API. Signals are sent as the gateway sends them.

const wrongCode = (code: string) => String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');

describe('onboardUser on Verify', () => {
  const h = useForAll(createVerifyOnboardingHarness);

  it('when a TOTP person submits a wrong code and then the right one, then the first is refused, the run waits, and it ends enabled without a push', async () => {
    const started = await h.start();
    const identity = verifyIdentity(started.input.userId);
    const waiting = await h.waitForStage(started, 'awaiting_device');
    expect(waiting).toMatchObject({ provider: 'verify', factorSid: expect.stringMatching(/^YF/) as string });

    const enrollment = await getEnrollment(h.temporal.client, started.input.userId);
    if (enrollment.factorType !== 'totp') throw new Error('expected a TOTP enrollment');
    expect(enrollment.uri).toMatch(/^otpauth:\/\/totp\//);
    const secret = new URL(enrollment.uri).searchParams.get('secret')!;

    const code = await h.totpCode(identity, waiting.factorSid!);
    // A verification of another factor of the same identity does not complete this run's enrolment
    // (the update below is handled after this signal, so the status read after it includes it).
    await started.handle.signal(factorVerifiedSignal, {
      eventId: randomUUID(),
      identity,
      factorSid: `YF${'8'.repeat(32)}`,
      factorType: 'totp',
    });
    expect(await submitTotpCode(h.temporal.client, started.input.userId, wrongCode(code))).toEqual({
      accepted: false,
    });
    expect(await started.handle.query(statusQuery)).toMatchObject({ stage: 'awaiting_device' });
    expect(await submitTotpCode(h.temporal.client, started.input.userId, code)).toEqual({ accepted: true });

    const final = await started.handle.result();
    expect(final).toMatchObject({ stage: 'enabled', provider: 'verify', approvalAttempts: 0 });
    expect(final.challengeSid).toBeUndefined();
    const { rows } = await h.pool.query<{ stage: string }>(
      'select stage from onboarding_stage_history where run_id = $1 order by seq',
      [started.runId],
    );
    expect(rows.map((r) => r.stage)).toEqual(['registering', 'awaiting_device', 'enabled']);

    // The secret stays out of the customer record, the search attributes and the memo.
    const record = await findOnboarding(h.pool, started.input.userId);
    expect(record).toMatchObject({ stage: 'enabled', authyId: identity });
    const stored = await h.pool.query('select * from onboardings where user_id = $1', [started.input.userId]);
    const history = await h.pool.query('select * from onboarding_stage_history where run_id = $1', [
      started.runId,
    ]);
    const description = await started.handle.describe();
    for (const visible of [stored.rows, history.rows, description.searchAttributes, description.memo ?? {}]) {
      expect(JSON.stringify(visible)).not.toContain(secret);
      expect(JSON.stringify(visible)).not.toContain('otpauth');
    }
    expect(description.typedSearchAttributes.get(ONBOARDING_STAGE)).toBe('enabled');
  });

  it('when a TOTP person types five wrong codes and then any other, then Verify refuses further codes and the run ends failed', async () => {
    const started = await h.start();
    const waiting = await h.waitForStage(started, 'awaiting_device');
    const code = await h.totpCode(verifyIdentity(started.input.userId), waiting.factorSid!);
    for (let i = 0; i < 5; i += 1) {
      expect(await submitTotpCode(h.temporal.client, started.input.userId, wrongCode(code))).toEqual({
        accepted: false,
      });
    }
    expect(await started.handle.query(statusQuery)).toMatchObject({ stage: 'awaiting_device' });
    expect(await submitTotpCode(h.temporal.client, started.input.userId, code)).toEqual({ accepted: false });
    const final = await started.handle.result();
    expect(final).toMatchObject({ stage: 'failed' });
    expect(final.reason).toMatch(/60310/);
  });

  it('when a malformed code is submitted, then the update is refused before it enters history', async () => {
    const started = await h.start();
    await h.waitForStage(started, 'awaiting_device');
    for (const bad of [{ code: '12ab56' }, { code: '' }, { nope: 1 }, null]) {
      await expect(
        started.handle.executeUpdate(submitTotpCodeUpdate, { args: [bad as never] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    }
    await started.handle.signal('cancel', { reason: 'test over' });
    expect(await started.handle.result()).toMatchObject({ stage: 'cancelled' });
  });

  it('when a push person enrols and approves (signals as the gateway sends them), then the run is enabled with its factor and challenge', async () => {
    const started = await h.start({ factorType: 'push' });
    const identity = verifyIdentity(started.input.userId);
    await h.waitForStage(started, 'awaiting_device');
    const enrollment = await started.handle.executeUpdate(getEnrollmentUpdate, { args: [] });
    expect(enrollment).toMatchObject({ factorType: 'push', identity, serviceSid: h.serviceSid });
    if (enrollment.factorType !== 'push') throw new Error('expected a push enrollment');
    // A TOTP code has no place in a push onboarding.
    await expect(submitTotpCode(h.temporal.client, started.input.userId, '123456')).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );

    const factorSid = await h.enrolPush(identity, enrollment.accessToken);
    // Another person's factor and an Authy device event do not move this run.
    await started.handle.signal(factorVerifiedSignal, {
      eventId: randomUUID(),
      identity: verifyIdentity('someone-else'),
      factorSid: `YF${'9'.repeat(32)}`,
    });
    await started.handle.signal(deviceRegisteredSignal, { eventId: randomUUID(), authyId: identity });
    // An update is handled after the signals sent before it: the status read after it includes them.
    await started.handle.executeUpdate(getEnrollmentUpdate, { args: [] });
    expect(await started.handle.query(statusQuery)).toMatchObject({ stage: 'awaiting_device' });

    await started.handle.signal(factorVerifiedSignal, {
      eventId: randomUUID(),
      identity,
      factorSid,
      factorType: 'push',
    });
    const approving = await waitFor(
      () => started.handle.query(statusQuery),
      (s) => s.stage === 'awaiting_approval' && s.challengeSid !== undefined,
      { timeoutMs: 30_000, what: 'a push challenge' },
    );
    expect(approving.factorSid).toBe(factorSid);
    const challenge = await h.verify.fetchChallenge(h.serviceSid, identity, approving.challengeSid!);
    expect(challenge).toMatchObject({ status: 'pending', factor_sid: factorSid });

    await h.answer(identity, approving.challengeSid!, 'approved');
    await started.handle.signal(approvalRespondedSignal, {
      eventId: randomUUID(),
      approvalUuid: approving.challengeSid!,
      status: 'approved',
    });
    expect(await started.handle.result()).toMatchObject({
      stage: 'enabled',
      provider: 'verify',
      factorSid,
      challengeSid: approving.challengeSid,
      approvalAttempts: 1,
    });
  });

  it('when a push person denies and the webhooks are lost, then the polls find the factor and the answer and the run ends denied', async () => {
    const started = await h.start({
      factorType: 'push',
      timing: { deviceStatusPollIntervalMs: 500, approvalStatusPollIntervalMs: 500 },
    });
    const identity = verifyIdentity(started.input.userId);
    await h.waitForStage(started, 'awaiting_device');
    const enrollment = await getEnrollment(h.temporal.client, started.input.userId);
    if (enrollment.factorType !== 'push') throw new Error('expected a push enrollment');
    await h.enrolPush(identity, enrollment.accessToken);
    const approving = await waitFor(
      () => started.handle.query(statusQuery),
      (s) => s.challengeSid !== undefined,
      { timeoutMs: 30_000, what: 'a push challenge' },
    );
    // An answer to a challenge this run never sent changes nothing.
    await started.handle.signal(approvalRespondedSignal, {
      eventId: randomUUID(),
      approvalUuid: `YC${'1'.repeat(32)}`,
      status: 'approved',
    });
    await h.answer(identity, approving.challengeSid!, 'denied');
    expect(await started.handle.result()).toMatchObject({ stage: 'denied', approvalAttempts: 1 });
  });

  it('when a push is never answered, then each challenge expires and the run ends expired after the last attempt', async () => {
    const started = await h.start({
      factorType: 'push',
      timing: { approvalExpiryMs: 1_500, approvalStatusPollIntervalMs: 60_000, maxApprovalAttempts: 2 },
    });
    const identity = verifyIdentity(started.input.userId);
    await h.waitForStage(started, 'awaiting_device');
    const enrollment = await getEnrollment(h.temporal.client, started.input.userId);
    if (enrollment.factorType !== 'push') throw new Error('expected a push enrollment');
    const factorSid = await h.enrolPush(identity, enrollment.accessToken);
    await started.handle.signal(factorVerifiedSignal, { eventId: randomUUID(), identity, factorSid });
    const final = await started.handle.result();
    expect(final).toMatchObject({ stage: 'expired', approvalAttempts: 2 });
    expect(final.reason).toMatch(/no answer to 2 push challenge/);
  });

  it('when the TOTP factor is never verified, then reminders are counted and the run expires', async () => {
    const started = await h.start({
      timing: { installReminderIntervalMs: 800, maxInstallReminders: 1, installGiveUpAfterMs: 800 },
    });
    const final = await started.handle.result();
    expect(final).toMatchObject({ stage: 'expired', remindersSent: 1 });
    expect(final.reason).toMatch(/totp factor was not verified after 1 reminders/);
  });

  it('when a Verify and an Authy onboarding run side by side on one worker, then both reach enabled', async () => {
    const verifyRun = await h.start();
    const authyInput = {
      userId: `user-${randomUUID()}`,
      email: `person-${randomUUID().slice(0, 8)}@example.com`,
      countryCode: '1',
      cellphone: uniquePhone(),
      timing: FAST_TIMING,
    };
    const authyRun = await startOnboarding(h.temporal.client, authyInput, { taskQueue: h.taskQueue });

    const authyWaiting = await h.waitForStage(authyRun, 'awaiting_device');
    expect(authyWaiting).toMatchObject({
      provider: 'authy',
      authyId: expect.stringMatching(/^\d+$/) as string,
    });
    await expect(getEnrollment(h.temporal.client, authyInput.userId)).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    const verifyWaiting = await h.waitForStage(verifyRun, 'awaiting_device');

    await h.emulator.control('POST', `/users/${authyWaiting.authyId}/install`);
    await authyRun.handle.signal(deviceRegisteredSignal, {
      eventId: randomUUID(),
      authyId: authyWaiting.authyId!,
    });
    const code = await h.totpCode(verifyIdentity(verifyRun.input.userId), verifyWaiting.factorSid!);
    expect(await submitTotpCode(h.temporal.client, verifyRun.input.userId, code)).toEqual({ accepted: true });

    const approving = await waitFor(
      () => authyRun.handle.query(statusQuery),
      (s) => s.approvalUuid !== undefined,
      { timeoutMs: 30_000, what: 'the Authy push' },
    );
    await h.emulator.control('POST', `/approval_requests/${approving.approvalUuid}/respond`, {
      status: 'approved',
    });
    await authyRun.handle.signal(approvalRespondedSignal, {
      eventId: randomUUID(),
      approvalUuid: approving.approvalUuid!,
      status: 'approved',
    });
    expect(await verifyRun.handle.result()).toMatchObject({ stage: 'enabled', provider: 'verify' });
    expect(await authyRun.handle.result()).toMatchObject({ stage: 'enabled', provider: 'authy' });
  });
});
