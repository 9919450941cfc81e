import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { isNonRetryableFailure, failureMessage } from '../../shared/failures';
import { FINAL_STAGES, resolveTiming, timingProblem } from '../../shared/onboarding';
import type {
  ApprovalRespondedInput,
  CancelRequest,
  OnboardUserInput,
  OnboardingStage,
  OnboardingStatus,
  PhoneChangedInput,
} from '../../shared/onboarding';
import { isRecord } from '../../shared/is-record';
import {
  checkApprovalResponded,
  checkCancelRequest,
  checkDeviceRegistered,
  checkPhoneChanged,
} from '../../shared/onboarding-messages';
import type { Checked } from '../../shared/onboarding-messages';
import { AUTHY_ID, ONBOARDING_STAGE, ONBOARDING_STAGE_ENTERED_AT } from '../../shared/search-attributes';
import { provider, records } from './activity-proxies';
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
import type { OnboardingRunState } from './run-state';
import { createVerifyRun } from './verify-run';
import { explicitTimerWaits } from './waits';

/**
 * The patch that introduced waits keyed to timer identity, validated messages and approvals bound to
 * the run's own requests (docs/onboarding.md#durability). Runs started before it replay the frozen
 * legacy code.
 */
export const EXPLICIT_TIMERS_PATCH = 'onboarding-explicit-timers';

/** The event id of a legacy run's signal, unchecked (legacy runs keep their original semantics). */
function legacyEventId(payload: Record<string, unknown>): string | undefined {
  return payload.eventId as string | undefined;
}

/** Distinct Authy ids / approval answers a run keeps; more is abuse, dropped with a log line. */
const MAX_TRACKED = 32;

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
  const timing = resolveTiming(input.timing);
  const { workflowId, runId } = workflowInfo();
  const startedAt = new Date(Date.now()).toISOString();

  const status: OnboardingStatus = {
    userId: input.userId,
    stage: 'registering',
    remindersSent: 0,
    approvalAttempts: 0,
    phoneChanges: 0,
    stageEnteredAt: startedAt,
    provider: input.provider ?? 'authy',
  };
  let stageSeq = 0;
  const seenEventIds = new Set<string>();
  const registeredAuthyIds = new Set<string>();
  const answers = new Map<string, ApprovalRespondedInput>();
  const issuedApprovals: string[] = [];
  let legacyDeviceRegistered = false;
  let legacyAnswer: ApprovalRespondedInput | undefined;
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
  /** The payload when it is valid; otherwise logs why (never its content) and drops it. */
  function accepted<T>(message: string, checked: Checked<T>): T | undefined {
    if (checked.ok) return checked.value;
    log.warn('dropped an invalid message', { message, problem: checked.problem });
    return undefined;
  }
  const isFinal = () => FINAL_STAGES.includes(status.stage);
  const snapshot = (): OnboardingStatus => ({ ...status });
  // Verify runs (input.provider 'verify', only ever started by code that has this branch) take the
  // Verify half; every other run is the Authy onboarding, command for command as before.
  const verifyRun =
    input.provider === 'verify'
      ? createVerifyRun({
          input,
          status,
          timing,
          isFinal,
          firstDelivery: (eventId) => firstDelivery(eventId),
        })
      : undefined;

  async function recordChange(): Promise<void> {
    stageSeq += 1;
    await recordCurrentState();
  }

  const run: OnboardingRunState = {
    timing,
    contact: { email: input.email, countryCode: input.countryCode, cellphone: input.cellphone },
    status,
    deviceRegistered: verifyRun
      ? verifyRun.deviceReady
      : explicit
        ? () => status.authyId !== undefined && registeredAuthyIds.has(status.authyId)
        : () => legacyDeviceRegistered,
    approvalAnswer: explicit
      ? () => issuedApprovals.map((uuid) => answers.get(uuid)).find((answer) => answer !== undefined)
      : () => legacyAnswer,
    issuedApproval: (approvalUuid) => {
      issuedApprovals.push(approvalUuid);
    },
    recordChange,
  };

  // Handlers are set before the first await, so a signal that arrives early is never lost: it only
  // sets state that the stage, once it starts waiting, reads. Payloads are checked first: an invalid
  // one is dropped with a log line and never fails the workflow task.
  setHandler(statusQuery, snapshot);
  setHandler(deviceRegisteredSignal, (payload: unknown) => {
    if (!explicit) {
      if (isRecord(payload) && firstDelivery(legacyEventId(payload))) legacyDeviceRegistered = true;
      return;
    }
    const signal = accepted('deviceRegistered', checkDeviceRegistered(payload));
    if (!signal || !firstDelivery(signal.eventId)) return;
    // Counts only for this run's Authy id (which may become known after the signal arrives).
    if (registeredAuthyIds.size < MAX_TRACKED) registeredAuthyIds.add(signal.authyId);
    else
      log.warn('dropped a device registration: too many distinct Authy ids', { message: 'deviceRegistered' });
  });
  setHandler(approvalRespondedSignal, (payload: unknown) => {
    if (!explicit) {
      if (isRecord(payload) && firstDelivery(legacyEventId(payload)) && legacyAnswer === undefined) {
        legacyAnswer = payload as unknown as ApprovalRespondedInput;
      }
      return;
    }
    const signal = accepted('approvalResponded', checkApprovalResponded(payload));
    if (!signal || !firstDelivery(signal.eventId) || answers.has(signal.approvalUuid)) return;
    // Counts only for an approval request this run issued (possibly issued after the answer arrived).
    if (answers.size < MAX_TRACKED) answers.set(signal.approvalUuid, signal);
    else log.warn('dropped an approval answer: too many distinct requests', { message: 'approvalResponded' });
  });
  setHandler(phoneChangedSignal, async (payload: unknown) => {
    const signal = explicit
      ? accepted('phoneChanged', checkPhoneChanged(payload))
      : isRecord(payload)
        ? (payload as unknown as PhoneChangedInput)
        : undefined;
    if (!signal || !firstDelivery(signal.eventId)) return;
    status.phoneChanges += 1;
    await records.recordPhoneChange({
      eventId: signal.eventId,
      userId: input.userId,
      authyId: signal.authyId,
      changedAt: signal.occurredAt ?? new Date(Date.now()).toISOString(),
    });
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
  setHandler(cancelSignal, (payload: unknown) => {
    const request = explicit
      ? accepted('cancel', checkCancelRequest(payload))
      : isRecord(payload)
        ? (payload as CancelRequest)
        : undefined;
    if (request && firstDelivery(request.eventId)) cancelRequest ??= request;
  });
  setHandler(
    cancelUpdate,
    async (request) => {
      if (!explicit) cancelRequest ??= request;
      else {
        const checked = checkCancelRequest(request);
        cancelRequest ??= checked.ok ? checked.value : {};
      }
      await condition(() => finished);
      return snapshot();
    },
    {
      validator: (request: CancelRequest) => {
        const checked = checkCancelRequest(request);
        if (explicit && !checked.ok) throw new Error(`invalid cancel request: ${checked.problem}`);
        if (isFinal()) throw new Error(`onboarding already finished with stage ${status.stage}`);
      },
    },
  );

  async function enterStage(stage: OnboardingStage, reason?: string): Promise<void> {
    status.stage = stage;
    status.stageEnteredAt = new Date(Date.now()).toISOString();
    if (reason === undefined) delete status.reason;
    else status.reason = reason;
    upsertSearchAttributes([
      { key: ONBOARDING_STAGE, value: stage },
      { key: ONBOARDING_STAGE_ENTERED_AT, value: new Date(status.stageEnteredAt) },
      ...(status.authyId ? [{ key: AUTHY_ID, value: status.authyId }] : []),
    ]);
    await recordChange();
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
      // Only Verify runs name their provider: an Authy run's activity input stays as it always was.
      ...(input.provider === 'verify' ? { provider: 'verify' as const } : {}),
      ...(status.authyId ? { authyId: status.authyId } : {}),
      // Verify: the entity identity is the record's provider user id (the gateway finds the run by it).
      ...(verifyRun?.identity() ? { authyId: verifyRun.identity() } : {}),
      ...(status.approvalUuid ? { approvalUuid: status.approvalUuid } : {}),
      ...(status.challengeSid ? { approvalUuid: status.challengeSid } : {}),
      ...(status.reason ? { reason: status.reason } : {}),
    });
  }

  const waits = verifyRun
    ? explicitTimerWaits(run, verifyRun.calls)
    : explicit
      ? explicitTimerWaits(run)
      : legacyWaits(run, () => cancelRequest !== undefined);

  async function onboard(): Promise<void> {
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
    if (verifyRun) {
      await verifyRun.onboard(waits, enterStage);
      return;
    }
    const { authyId } = await provider.registerUser(run.contact);
    status.authyId = authyId;
    const { deviceRegistered: alreadyInstalled } = await provider.readDeviceStatus({ authyId });
    if (!alreadyInstalled && !run.deviceRegistered()) {
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
  condition(() => cancelRequest !== undefined).then(
    () => work.cancel(),
    () => undefined,
  );
  try {
    await work.run(onboard);
  } catch (error) {
    if (error instanceof LegacyCancelRequested || (cancelRequest && isCancellation(error))) {
      // A cancel that raced the final write of a finished run only interrupted that write.
      if (isFinal()) await recordCurrentState();
      else await enterStage('cancelled', cancelRequest?.reason ?? 'cancelled on request');
    } else if (isNonRetryableFailure(error)) {
      await enterStage('failed', failureMessage(error));
    } else {
      throw error;
    }
  }
  finished = true;
  await condition(allHandlersFinished);
  return snapshot();
}
