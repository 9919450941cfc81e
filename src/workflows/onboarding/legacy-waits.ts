// FROZEN: the waits of onboardings started before the `onboarding-explicit-timers` patch. They decide
// which timer fired by comparing `Date.now()` with deadlines computed in earlier activations, which
// is not replay-safe (docs/onboarding.md#durability). Kept only so those runs keep replaying; never
// change a command they issue. New runs use ./waits.ts.
import { condition } from '@temporalio/workflow';
import { APPROVAL_MESSAGE, provider } from './activity-proxies';
import type { OnboardingRunState } from './run-state';

/** Thrown by a legacy wait that a cancel request interrupted; caught at the top of the workflow. */
export class LegacyCancelRequested extends Error {
  override name = 'LegacyCancelRequested';
}

/** The legacy waits, bound to one run; `cancelRequested` reads the run's cancel flag. */
export function legacyWaits(run: OnboardingRunState, cancelRequested: () => boolean) {
  const { timing, status } = run;

  async function waitUntil(ready: () => boolean, untilMs: number): Promise<void> {
    const ms = Math.max(1, untilMs - Date.now());
    await condition(() => ready() || cancelRequested(), ms);
    if (cancelRequested()) throw new LegacyCancelRequested();
  }

  async function awaitDevice(): Promise<'installed' | 'expired'> {
    let nextPollAt = Date.now() + timing.deviceStatusPollIntervalMs;
    let deadline = Date.now() + timing.installReminderIntervalMs;
    for (;;) {
      await waitUntil(() => run.deviceRegistered(), Math.min(nextPollAt, deadline));
      if (run.deviceRegistered()) return 'installed';
      if (Date.now() >= nextPollAt) {
        const { deviceRegistered: registered } = await provider.readDeviceStatus({
          authyId: status.authyId!,
        });
        if (registered) return 'installed';
        nextPollAt = Date.now() + timing.deviceStatusPollIntervalMs;
      }
      if (Date.now() >= deadline) {
        if (status.remindersSent >= timing.maxInstallReminders) return 'expired';
        await provider.resendInstallLink(run.contact);
        status.remindersSent += 1;
        await run.recordChange();
        deadline =
          Date.now() +
          (status.remindersSent < timing.maxInstallReminders
            ? timing.installReminderIntervalMs
            : timing.installGiveUpAfterMs);
      }
    }
  }

  async function awaitApproval(): Promise<'approved' | 'denied' | 'expired'> {
    while (status.approvalAttempts < timing.maxApprovalAttempts) {
      const { approvalUuid } = await provider.requestApproval({
        authyId: status.authyId!,
        message: APPROVAL_MESSAGE,
        expiresInSeconds: Math.ceil(timing.approvalExpiryMs / 1000),
      });
      status.approvalAttempts += 1;
      status.approvalUuid = approvalUuid;
      run.issuedApproval(approvalUuid);
      await run.recordChange();

      const expiresAt = Date.now() + timing.approvalExpiryMs;
      let nextPollAt = Date.now() + timing.approvalStatusPollIntervalMs;
      for (;;) {
        await waitUntil(() => run.approvalAnswer() !== undefined, Math.min(nextPollAt, expiresAt));
        const answer = run.approvalAnswer();
        if (answer) return answer.status;
        const pollDue = Date.now() >= nextPollAt;
        const expired = Date.now() >= expiresAt;
        if (!pollDue && !expired) continue;
        const { status: state } = await provider.readApproval({ approvalUuid });
        const answered = run.approvalAnswer();
        if (answered) return answered.status;
        if (state === 'approved' || state === 'denied') return state;
        if (state === 'expired' || expired) break;
        nextPollAt = Date.now() + timing.approvalStatusPollIntervalMs;
      }
    }
    return 'expired';
  }

  return { awaitDevice, awaitApproval };
}
