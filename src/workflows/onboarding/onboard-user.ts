import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  setHandler,
} from '@temporalio/workflow';
import { isNonRetryableFailure, failureMessage } from '../../shared/failures';
import { resolveTiming, timingProblem } from '../../shared/onboarding';
import type {
  CancelRequest,
  OnboardUserInput,
  OnboardingStage,
  OnboardingStatus,
} from '../../shared/onboarding';
import { provider } from './activity-proxies';
import { LegacyCancelRequested, legacyWaits } from './legacy-waits';
import {
  approvalRespondedSignal,
  cancelSignal,
  cancelUpdate,
  deviceRegisteredSignal,
  factorVerifiedSignal,
  getEnrollmentUpdate,
  phoneChangedSignal,
  statusQuery,
  submitTotpCodeUpdate,
} from './messages';
import { OnboardingRun } from './onboarding-run';
import { RunMessages } from './run-messages';
import type { OnboardingRunState } from './run-state';
import { createVerifyRun } from './verify-run';
import { explicitTimerWaits } from './waits';

/**
 * The patch that introduced waits keyed to timer identity, validated messages and approvals bound to
 * the run's own requests (docs/onboarding.md#durability). Runs started before it replay the frozen
 * legacy code.
 */
export const EXPLICIT_TIMERS_PATCH = 'onboarding-explicit-timers';

/**
 * One user's 2FA onboarding: register with the provider (which texts the app-install link), wait for
 * the app install (signal, with a slow status poll as a safety net and install-link reminders), send
 * a push approval and wait for approve/deny (with a short status poll and re-sends after expiry).
 * Business outcomes (`enabled`, `denied`, `expired`, `failed`, `cancelled`) complete the workflow
 * normally and are returned as the final status.
 */
export async function onboardUser(input: OnboardUserInput): Promise<OnboardingStatus> {
  // Decided once, before the first command: every run started from this code on takes the new path.
  const explicit = patched(EXPLICIT_TIMERS_PATCH);
  const run = new OnboardingRun(input, resolveTiming(input.timing));
  const { status } = run;
  const messages = new RunMessages(explicit);
  /** Set once the final stage is also in the customer record; the cancel update answers then. */
  let finished = false;
  const isFinal = () => run.isFinal();
  const enterStage = (stage: OnboardingStage, reason?: string) => run.enterStage(stage, reason);
  // Verify runs (input.provider 'verify', only ever started by code that has this branch) take the
  // Verify half; every other run is the Authy onboarding, command for command as before.
  const verifyRun =
    input.provider === 'verify'
      ? createVerifyRun({
          input,
          status,
          timing: run.timing,
          isFinal,
          firstDelivery: (eventId) => messages.firstDelivery(eventId),
        })
      : undefined;
  if (verifyRun) run.providerIdentity = verifyRun.identity;

  // What the waits read and change of this run.
  const waitState: OnboardingRunState = {
    timing: run.timing,
    contact: run.contact,
    status,
    deviceRegistered: verifyRun ? verifyRun.deviceReady : () => messages.deviceRegistered(status.authyId),
    approvalAnswer: () => messages.approvalAnswer(),
    issuedApproval: (approvalUuid) => messages.issuedApproval(approvalUuid),
    recordChange: () => run.recordChange(),
  };

  // Handlers are set before the first await, so a signal that arrives early is never lost: it only
  // sets state that the stage, once it starts waiting, reads. Payloads are checked first: an invalid
  // one is dropped with a log line and never fails the workflow task.
  setHandler(statusQuery, () => run.snapshot());
  setHandler(deviceRegisteredSignal, (payload: unknown) => messages.onDeviceRegistered(payload));
  setHandler(approvalRespondedSignal, (payload: unknown) => messages.onApprovalResponded(payload));
  setHandler(phoneChangedSignal, async (payload: unknown) => {
    const change = messages.acceptPhoneChange(payload);
    if (change) await run.recordPhoneChange(change);
  });
  setHandler(factorVerifiedSignal, (payload: unknown) => {
    if (verifyRun) verifyRun.onFactorVerified(payload);
    else
      log.warn('dropped a factor verification: this onboarding runs on Authy', { message: 'factorVerified' });
  });
  setHandler(getEnrollmentUpdate, () => verifyRun!.getEnrollment(), {
    validator: () => {
      if (!verifyRun) throw new Error('getEnrollment is for Verify onboardings; this one runs on Authy');
      if (isFinal()) throw new Error(`onboarding already finished with stage ${status.stage}`);
    },
  });
  setHandler(submitTotpCodeUpdate, (request) => verifyRun!.submitTotpCode(request), {
    validator: (request: unknown) => {
      if (!verifyRun) throw new Error('submitTotpCode is for Verify onboardings; this one runs on Authy');
      verifyRun.validateSubmitTotpCode(request);
    },
  });
  setHandler(cancelSignal, (payload: unknown) => messages.onCancelSignal(payload));
  setHandler(
    cancelUpdate,
    async (request) => {
      messages.onCancelUpdate(request);
      await condition(() => finished);
      return run.snapshot();
    },
    {
      validator: (request: CancelRequest) => {
        messages.validateCancelUpdate(request);
        if (isFinal()) throw new Error(`onboarding already finished with stage ${status.stage}`);
      },
    },
  );

  const waits = verifyRun
    ? explicitTimerWaits(waitState, verifyRun.calls)
    : explicit
      ? explicitTimerWaits(waitState)
      : legacyWaits(waitState, () => messages.cancelRequest !== undefined);

  /** The process: register, skip the wait if the app is already there, device, approval, outcome. */
  async function onboard(): Promise<void> {
    await run.begin();
    // startOnboarding refuses such timings; this catches a start from any other client.
    const unusableTiming = timingProblem(input.timing);
    if (unusableTiming) {
      await enterStage('failed', unusableTiming);
      return;
    }
    if (verifyRun) {
      await verifyRun.onboard(waits, enterStage);
      return;
    }
    const { authyId } = await provider.registerUser(run.contact);
    status.authyId = authyId;
    const { deviceRegistered: alreadyInstalled } = await provider.readDeviceStatus({ authyId });
    if (!alreadyInstalled && !waitState.deviceRegistered()) {
      await enterStage('awaiting_device');
      if ((await waits.awaitDevice()) === 'expired') {
        await enterStage('expired', `the app was not installed after ${status.remindersSent} reminders`);
        return;
      }
    }
    await enterStage('awaiting_approval');
    const outcome = await waits.awaitApproval();
    if (outcome === 'approved') await enterStage('enabled');
    else if (outcome === 'denied') await enterStage('denied', 'the person denied the push approval');
    else await enterStage('expired', `no answer to ${status.approvalAttempts} push approval request(s)`);
  }

  // All stage work runs in one cancellable scope: a cancel request cancels whatever is in flight
  // (a timer, or an activity retrying through an outage) and the run ends as `cancelled`.
  const work = new CancellationScope();
  condition(() => messages.cancelRequest !== undefined).then(
    () => work.cancel(),
    () => undefined,
  );
  try {
    await work.run(onboard);
  } catch (error) {
    if (error instanceof LegacyCancelRequested || (messages.cancelRequest && isCancellation(error))) {
      // A cancel that raced the final write of a finished run only interrupted that write.
      if (isFinal()) await run.recordCurrentState();
      else await enterStage('cancelled', messages.cancelRequest?.reason ?? 'cancelled on request');
    } else if (isNonRetryableFailure(error)) {
      await enterStage('failed', failureMessage(error));
    } else {
      throw error;
    }
  }
  finished = true;
  await condition(allHandlersFinished);
  return run.snapshot();
}
