// The onboarding's two waits. At most one timer is pending at a time: each wait is a sequence of
// steps `condition(fn, stepMs)`, and what happens next depends only on what ended the step (a
// message that made `fn` true, else the step's own timer) and on the durations of the steps whose
// timers fired — never on `Date.now()`, and never on the order in which two things that happened in
// one activation are observed (docs/onboarding.md#durability).
import { condition, workflowInfo } from '@temporalio/workflow';
import type { ApprovalState } from '../../second-factor/provider';
import { APPROVAL_MESSAGE, provider } from './activity-proxies';
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
   * One reminder round: waits `roundMs` for the device in steps that end at each poll of the device
   * status (the net for a lost webhook) and at the round's end. Ends `installed`, or `round-over`
   * once the steps whose timers fired add up to `roundMs`. Time spent polling is not counted.
   */
  async function awaitDeviceRound(roundMs: number): Promise<'installed' | 'round-over'> {
    const pollMs = timing.deviceStatusPollIntervalMs;
    let waitedMs = 0;
    let sincePollMs = 0;
    while (waitedMs < roundMs) {
      const stepMs = Math.min(pollMs - sincePollMs, roundMs - waitedMs);
      await condition(() => run.deviceRegistered(), stepMs);
      if (run.deviceRegistered()) return 'installed';
      // Only the step's timer ends a step while no device signal has arrived.
      waitedMs += stepMs;
      sincePollMs += stepMs;
      if (sincePollMs >= pollMs) {
        sincePollMs = 0;
        if ((await calls.readDevice()) || run.deviceRegistered()) return 'installed';
      }
    }
    return 'round-over';
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
   * Waits for the answer to one approval request: a signal, or the request's status read at the end
   * of each step — every poll interval (the net for a lost callback) and, last, when the steps whose
   * timers fired add up to the request's expiry (one last look for an answer whose callback was lost).
   */
  async function awaitAnswer(approvalUuid: string): Promise<'approved' | 'denied' | 'expired'> {
    let waitedMs = 0;
    while (waitedMs < timing.approvalExpiryMs) {
      const stepMs = Math.min(timing.approvalStatusPollIntervalMs, timing.approvalExpiryMs - waitedMs);
      await condition(() => run.approvalAnswer() !== undefined, stepMs);
      const answer = run.approvalAnswer();
      if (answer) return answer.status;
      waitedMs += stepMs;
      const state = await calls.readApproval(approvalUuid);
      const late = run.approvalAnswer();
      if (late) return late.status;
      if (state === 'approved' || state === 'denied') return state;
      if (state === 'expired') return 'expired';
    }
    return 'expired';
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
