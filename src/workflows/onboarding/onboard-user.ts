import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { NON_RETRYABLE_AUTHY_FAILURES } from '../../shared/failures';
import { DEFAULT_ONBOARDING_TIMING, FINAL_STAGES, timingProblem } from '../../shared/onboarding';
import type {
  ApprovalRespondedSignal,
  CancelRequest,
  OnboardUserInput,
  OnboardingStage,
  OnboardingStatus,
  OnboardingTiming,
} from '../../shared/onboarding';
import { AUTHY_ID, ONBOARDING_STAGE, ONBOARDING_STAGE_ENTERED_AT } from '../../shared/search-attributes';
import {
  approvalRespondedSignal,
  cancelSignal,
  cancelUpdate,
  deviceRegisteredSignal,
  phoneChangedSignal,
  statusQuery,
} from './messages';

// Calls to Authy: operator-fixable failures (outage, 429, bad API key) retry with backoff for as long
// as it takes; only failures no retry can fix stop the run (→ `failed`).
const authy = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: NON_RETRYABLE_AUTHY_FAILURES,
  },
});

// Writes to the customer record: fast, idempotent, retried until PostgreSQL answers.
const records = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const APPROVAL_MESSAGE = 'Confirm two-factor authentication for your account';

/** Thrown by a wait that a cancel request interrupted; caught at the top of the workflow. */
class CancelRequested extends Error {
  override name = 'CancelRequested';
}

/**
 * One user's 2FA onboarding: register with Authy (which texts the app-install link), wait for the
 * app install (signal, with a slow status poll as a safety net and install-link reminders), send a
 * OneTouch push and wait for approve/deny (with a short status poll and re-sends after expiry).
 * Business outcomes (`enabled`, `denied`, `expired`, `failed`, `cancelled`) complete the workflow
 * normally and are returned as the final status.
 */
export async function onboardUser(input: OnboardUserInput): Promise<OnboardingStatus> {
  const timing: OnboardingTiming = { ...DEFAULT_ONBOARDING_TIMING, ...input.timing };
  const contact = { email: input.email, countryCode: input.countryCode, cellphone: input.cellphone };
  const { workflowId, runId } = workflowInfo();
  const startedAt = new Date(Date.now()).toISOString();

  const status: OnboardingStatus = {
    userId: input.userId,
    stage: 'registering',
    remindersSent: 0,
    approvalAttempts: 0,
    phoneChanges: 0,
    stageEnteredAt: startedAt,
  };
  let stageSeq = 0;
  const seenEventIds = new Set<string>();
  let deviceRegistered = false;
  let approvalAnswer: ApprovalRespondedSignal | undefined;
  let cancelRequest: CancelRequest | undefined;
  /** Set once the final stage is also in the customer record; the cancel update answers then. */
  let finished = false;

  /** True the first time an event id is seen: repeated deliveries of one event have no effect. */
  const firstDelivery = (eventId: string | undefined): boolean => {
    if (eventId === undefined) return true;
    if (seenEventIds.has(eventId)) return false;
    seenEventIds.add(eventId);
    return true;
  };
  const isFinal = () => FINAL_STAGES.includes(status.stage);
  const snapshot = (): OnboardingStatus => ({ ...status });

  // Handlers are set before the first await, so a signal that arrives early is never lost: it only
  // sets state that the stage, once it starts waiting, reads.
  setHandler(statusQuery, snapshot);
  setHandler(deviceRegisteredSignal, (signal) => {
    if (firstDelivery(signal.eventId)) deviceRegistered = true;
  });
  setHandler(approvalRespondedSignal, (signal) => {
    // Any answer to this run's approval requests counts, including one to a request whose create
    // call was retried: the person answered the push they saw.
    if (firstDelivery(signal.eventId) && approvalAnswer === undefined) approvalAnswer = signal;
  });
  setHandler(phoneChangedSignal, async (signal) => {
    if (!firstDelivery(signal.eventId)) return;
    status.phoneChanges += 1;
    await records.recordPhoneChange({
      eventId: signal.eventId,
      userId: input.userId,
      authyId: signal.authyId,
      changedAt: signal.occurredAt ?? new Date(Date.now()).toISOString(),
    });
  });
  setHandler(cancelSignal, (request) => {
    if (firstDelivery(request.eventId)) cancelRequest ??= request;
  });
  setHandler(
    cancelUpdate,
    async (request) => {
      cancelRequest ??= request;
      await condition(() => finished);
      return snapshot();
    },
    {
      validator: (_request: CancelRequest) => {
        if (isFinal()) throw new Error(`onboarding already finished with stage ${status.stage}`);
      },
    },
  );

  async function enterStage(stage: OnboardingStage, reason?: string): Promise<void> {
    status.stage = stage;
    status.stageEnteredAt = new Date(Date.now()).toISOString();
    if (reason === undefined) delete status.reason;
    else status.reason = reason;
    stageSeq += 1;
    upsertSearchAttributes([
      { key: ONBOARDING_STAGE, value: stage },
      { key: ONBOARDING_STAGE_ENTERED_AT, value: new Date(status.stageEnteredAt) },
      ...(status.authyId ? [{ key: AUTHY_ID, value: status.authyId }] : []),
    ]);
    await recordCurrentState();
  }

  async function recordCurrentState(): Promise<void> {
    await records.recordProgress({
      userId: input.userId,
      workflowId,
      runId,
      seq: stageSeq,
      stage: status.stage,
      remindersSent: status.remindersSent,
      startedAt,
      stageEnteredAt: status.stageEnteredAt,
      final: isFinal(),
      ...(status.authyId ? { authyId: status.authyId } : {}),
      ...(status.approvalUuid ? { approvalUuid: status.approvalUuid } : {}),
      ...(status.reason ? { reason: status.reason } : {}),
    });
  }

  /** Waits until `ready()` or `untilMs` (workflow time); a cancel request interrupts the wait. */
  async function waitUntil(ready: () => boolean, untilMs: number): Promise<void> {
    const ms = Math.max(1, untilMs - Date.now());
    await condition(() => ready() || cancelRequest !== undefined, ms);
    if (cancelRequest) throw new CancelRequested();
  }

  async function awaitDevice(): Promise<'installed' | 'expired'> {
    let nextPollAt = Date.now() + timing.deviceStatusPollIntervalMs;
    let deadline = Date.now() + timing.installReminderIntervalMs;
    for (;;) {
      await waitUntil(() => deviceRegistered, Math.min(nextPollAt, deadline));
      if (deviceRegistered) return 'installed';
      if (Date.now() >= nextPollAt) {
        const { deviceRegistered: registered } = await authy.readDeviceStatus({ authyId: status.authyId! });
        if (registered) return 'installed';
        nextPollAt = Date.now() + timing.deviceStatusPollIntervalMs;
      }
      if (Date.now() >= deadline) {
        if (status.remindersSent >= timing.maxInstallReminders) return 'expired';
        await authy.resendInstallLink(contact);
        status.remindersSent += 1;
        stageSeq += 1;
        await recordCurrentState();
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
      const { approvalUuid } = await authy.requestApproval({
        authyId: status.authyId!,
        message: APPROVAL_MESSAGE,
        expiresInSeconds: Math.ceil(timing.approvalExpiryMs / 1000),
      });
      status.approvalAttempts += 1;
      status.approvalUuid = approvalUuid;
      stageSeq += 1;
      await recordCurrentState();

      const expiresAt = Date.now() + timing.approvalExpiryMs;
      let nextPollAt = Date.now() + timing.approvalStatusPollIntervalMs;
      for (;;) {
        await waitUntil(() => approvalAnswer !== undefined, Math.min(nextPollAt, expiresAt));
        if (approvalAnswer) return approvalAnswer.status;
        const pollDue = Date.now() >= nextPollAt;
        const expired = Date.now() >= expiresAt;
        if (!pollDue && !expired) continue;
        // At expiry, read once more: an answer given in the last moment may have lost its callback.
        const { status: state } = await authy.readApproval({ approvalUuid });
        // A signal may have arrived while the read was in flight (TS cannot see handler writes).
        const answered = approvalAnswer as ApprovalRespondedSignal | undefined;
        if (answered) return answered.status;
        if (state === 'approved' || state === 'denied') return state;
        if (state === 'expired' || expired) break;
        nextPollAt = Date.now() + timing.approvalStatusPollIntervalMs;
      }
    }
    return 'expired';
  }

  async function run(): Promise<void> {
    upsertSearchAttributes([
      { key: ONBOARDING_STAGE, value: 'registering' },
      { key: ONBOARDING_STAGE_ENTERED_AT, value: new Date(status.stageEnteredAt) },
    ]);
    await recordCurrentState();
    // startOnboarding refuses such timings; this catches a start from any other client.
    const unusableTiming = timingProblem(input.timing);
    if (unusableTiming) {
      await enterStage('failed', unusableTiming);
      return;
    }
    const { authyId } = await authy.registerUser(contact);
    status.authyId = authyId;
    const { deviceRegistered: alreadyInstalled } = await authy.readDeviceStatus({ authyId });
    if (!alreadyInstalled && !deviceRegistered) {
      await enterStage('awaiting_device');
      if ((await awaitDevice()) === 'expired') {
        await enterStage('expired', `the app was not installed after ${status.remindersSent} reminders`);
        return;
      }
    }
    await enterStage('awaiting_approval');
    const outcome = await awaitApproval();
    if (outcome === 'approved') await enterStage('enabled');
    else if (outcome === 'denied') await enterStage('denied', 'the person denied the push approval');
    else await enterStage('expired', `no answer to ${status.approvalAttempts} push approval request(s)`);
  }

  // All stage work runs in one cancellable scope: a cancel request cancels whatever is in flight
  // (a timer, or an activity retrying through an outage) and the run ends as `cancelled`.
  const work = new CancellationScope();
  condition(() => cancelRequest !== undefined).then(
    () => work.cancel(),
    () => undefined,
  );
  try {
    await work.run(run);
  } catch (error) {
    if (error instanceof CancelRequested || (cancelRequest && isCancellation(error))) {
      // A cancel that raced the final write of a finished run only interrupted that write.
      if (isFinal()) await recordCurrentState();
      else await enterStage('cancelled', cancelRequest?.reason ?? 'cancelled on request');
    } else if (isNonRetryableActivityFailure(error)) {
      await enterStage('failed', error.cause.message);
    } else {
      throw error;
    }
  }
  finished = true;
  await condition(allHandlersFinished);
  return snapshot();
}

/** An activity failed with a failure type no retry can fix (e.g. Authy rejected the phone number). */
function isNonRetryableActivityFailure(
  error: unknown,
): error is ActivityFailure & { cause: ApplicationFailure } {
  return (
    error instanceof ActivityFailure &&
    error.cause instanceof ApplicationFailure &&
    (error.cause.nonRetryable || NON_RETRYABLE_AUTHY_FAILURES.includes(error.cause.type ?? ''))
  );
}
