// The onboarding's two waits. Every branch is keyed to what woke the run — a signal, the poll timer
// (`condition()` resolving false) or a deadline's own timer (`Deadline.passed()`) — and never to a
// comparison of `Date.now()` with a deadline, so a replay takes the same branches whatever the
// workflow clock read in the original activation (docs/onboarding.md#durability).
import { condition, workflowInfo } from '@temporalio/workflow';
import type { ApprovalState } from '../../second-factor/provider';
import { APPROVAL_MESSAGE, provider } from './activity-proxies';
import { startDeadline } from './deadline';
import type { OnboardingRunState } from './run-state';

/**
 * The provider calls the waits make. Authy's ({@link authyWaitCalls}) are exactly the activities the
 * waits called before Verify existed, in the same order, so Authy runs issue the same commands.
 */
export interface ProviderWaitCalls {
  /** The lost-webhook net: reads whether the device (Authy) or factor (Verify) is ready. */
  readDevice(): Promise<boolean>;
  /** A reminder round is over: Authy texts the install link again; Verify has nothing to send. */
  remind(): Promise<void>;
  /** Sends approval request number `attempt` and notes its id in the status; returns the id. */
  requestApproval(attempt: number): Promise<string>;
  /** Reads an approval request (the lost-callback net). */
  readApproval(id: string): Promise<ApprovalState>;
}

/** The Authy calls of the waits: install status, install-link resend, OneTouch push and its status. */
export function authyWaitCalls(run: OnboardingRunState): ProviderWaitCalls {
  const { timing, status } = run;
  return {
    async readDevice() {
      const { deviceRegistered } = await provider.readDeviceStatus({ authyId: status.authyId! });
      return deviceRegistered;
    },
    async remind() {
      await provider.resendInstallLink(run.contact);
    },
    async requestApproval(attempt) {
      const { runId } = workflowInfo();
      // Keyed by run and attempt: a retried activity returns the recorded push instead of sending
      // another (docs/onboarding.md#durability).
      const { approvalUuid } = await provider.requestApproval({
        authyId: status.authyId!,
        message: APPROVAL_MESSAGE,
        expiresInSeconds: Math.ceil(timing.approvalExpiryMs / 1000),
        idempotencyKey: { runId, attempt },
      });
      status.approvalUuid = approvalUuid;
      return approvalUuid;
    },
    async readApproval(approvalUuid) {
      const { status: state } = await provider.readApproval({ approvalUuid });
      return state;
    },
  };
}

/** The waits of one onboarding run that started under the `onboarding-explicit-timers` patch. */
export function explicitTimerWaits(run: OnboardingRunState, calls: ProviderWaitCalls = authyWaitCalls(run)) {
  const { timing, status } = run;

  /**
   * One reminder round: waits `roundMs` for the device, reading the device status each poll interval
   * (the net for a lost webhook). Ends `installed`, or `round-over` when the round's own timer fired.
   */
  async function awaitDeviceRound(roundMs: number): Promise<'installed' | 'round-over'> {
    const round = startDeadline(roundMs, 'install reminder due');
    try {
      for (;;) {
        const woken = await condition(
          () => run.deviceRegistered() || round.passed(),
          timing.deviceStatusPollIntervalMs,
        );
        if (run.deviceRegistered()) return 'installed';
        if (!woken) {
          // The poll timer fired.
          if (await calls.readDevice()) return 'installed';
        }
        if (round.passed()) return 'round-over';
      }
    } finally {
      round.cancel();
    }
  }

  /**
   * Waits for the app install: a round of `installReminderIntervalMs`, then a reminder per round up
   * to `maxInstallReminders`, then one last round of `installGiveUpAfterMs` before `expired`.
   */
  async function awaitDevice(): Promise<'installed' | 'expired'> {
    let roundMs = timing.installReminderIntervalMs;
    for (;;) {
      if ((await awaitDeviceRound(roundMs)) === 'installed') return 'installed';
      if (status.remindersSent >= timing.maxInstallReminders) return 'expired';
      await calls.remind();
      status.remindersSent += 1;
      await run.recordChange();
      roundMs =
        status.remindersSent < timing.maxInstallReminders
          ? timing.installReminderIntervalMs
          : timing.installGiveUpAfterMs;
    }
  }

  /**
   * Waits for the answer to one approval request: a signal, or the request's status read each poll
   * interval (the net for a lost callback) and once more when the expiry timer fires.
   */
  async function awaitAnswer(approvalUuid: string): Promise<'approved' | 'denied' | 'expired'> {
    const expiry = startDeadline(timing.approvalExpiryMs, 'approval request expires');
    try {
      for (;;) {
        await condition(
          () => run.approvalAnswer() !== undefined || expiry.passed(),
          timing.approvalStatusPollIntervalMs,
        );
        const answer = run.approvalAnswer();
        if (answer) return answer.status;
        // The poll timer or the expiry timer fired: read the request (at expiry, one last look for
        // an answer whose callback was lost).
        const state = await calls.readApproval(approvalUuid);
        const late = run.approvalAnswer();
        if (late) return late.status;
        if (state === 'approved' || state === 'denied') return state;
        if (state === 'expired' || expiry.passed()) return 'expired';
      }
    } finally {
      expiry.cancel();
    }
  }

  /** Sends up to `maxApprovalAttempts` push requests, one after another expires unanswered. */
  async function awaitApproval(): Promise<'approved' | 'denied' | 'expired'> {
    while (status.approvalAttempts < timing.maxApprovalAttempts) {
      const attempt = status.approvalAttempts + 1;
      const approvalUuid = await calls.requestApproval(attempt);
      status.approvalAttempts = attempt;
      run.issuedApproval(approvalUuid);
      await run.recordChange();
      const outcome = await awaitAnswer(approvalUuid);
      if (outcome !== 'expired') return outcome;
    }
    return 'expired';
  }

  return { awaitDevice, awaitApproval };
}
