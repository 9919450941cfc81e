// The Verify half of an onboarding (docs/verify.md, "The onboarding on Verify"): the same stages and
// waits as Authy's, with Verify's calls behind them. Only runs whose input names `provider: 'verify'`
// come here, so Authy runs (and their committed histories) never execute a line of it.
import { ApplicationFailure, condition, log, workflowInfo } from '@temporalio/workflow';
import type { FactorEnrolment } from '../../second-factor/provider';
import type {
  EnrollmentInfo,
  OnboardUserInput,
  OnboardingStage,
  OnboardingStatus,
  OnboardingTiming,
  SubmitTotpCodeInput,
  SubmitTotpCodeResult,
} from '../../shared/onboarding';
import { checkFactorVerified, checkSubmitTotpCode } from '../../shared/onboarding-messages';
import { APPROVAL_MESSAGE, interactive, provider } from './activity-proxies';
import type { ProviderWaitCalls, explicitTimerWaits } from './waits';

/** Distinct verified factors a run keeps from signals; more is abuse, dropped with a log line. */
const MAX_TRACKED_FACTORS = 32;

/** What the Verify half needs from `onboardUser`. */
export interface VerifyRunContext {
  input: OnboardUserInput;
  status: OnboardingStatus;
  timing: OnboardingTiming;
  isFinal(): boolean;
  /** True the first time an event id is seen (shared with the run's other signals). */
  firstDelivery(eventId: string): boolean;
}

/** The state, message handlers and stages of one Verify onboarding. */
export function createVerifyRun(ctx: VerifyRunContext) {
  const { input, status, timing } = ctx;
  let enrolment: FactorEnrolment | undefined;
  /** Factors reported verified by signal: SID → identity and type. */
  const verifiedFactors = new Map<string, { identity: string; factorType?: string }>();
  let totpAccepted = false;
  let totpLocked = false;

  /** The SID of a factor a signal reported verified that is this run's own, if any. */
  function signalledFactor(): string | undefined {
    if (!enrolment) return undefined;
    for (const [factorSid, factor] of verifiedFactors) {
      if (factor.identity !== enrolment.identity) continue;
      if (
        enrolment.factorType === 'totp' ? factorSid === enrolment.factorSid : factor.factorType !== 'totp'
      ) {
        return factorSid;
      }
    }
    return undefined;
  }

  /** The device wait is over: the factor is verified (or, TOTP, Verify refuses further codes). */
  const deviceReady = () => totpAccepted || totpLocked || signalledFactor() !== undefined;

  const calls: ProviderWaitCalls = {
    async readDevice() {
      const { identity, factorType } = enrolment!;
      const read = await provider.verifyReadFactor({
        identity,
        factorType,
        ...(factorType === 'totp' ? { factorSid: status.factorSid! } : {}),
      });
      if (read.verified && read.factorSid !== undefined) status.factorSid = read.factorSid;
      return read.verified;
    },
    // Verify sends the person nothing: a reminder round is only counted (`remindersSent`, in the
    // customer record) for the application to nudge the person its own way.
    remind: () => Promise.resolve(),
    async requestApproval(attempt) {
      const { runId } = workflowInfo();
      const { challengeSid } = await provider.verifyRequestChallenge({
        identity: enrolment!.identity,
        factorSid: status.factorSid!,
        message: APPROVAL_MESSAGE,
        expiresInSeconds: Math.ceil(timing.approvalExpiryMs / 1000),
        idempotencyKey: { runId, attempt },
      });
      status.challengeSid = challengeSid;
      return challengeSid;
    },
    async readApproval(challengeSid) {
      const { status: state } = await provider.verifyReadChallenge({
        identity: enrolment!.identity,
        challengeSid,
      });
      return state;
    },
  };

  /** `factorVerified`: a checked payload counts only for this run's identity (and TOTP factor). */
  function onFactorVerified(payload: unknown): void {
    const checked = checkFactorVerified(payload);
    if (!checked.ok) {
      log.warn('dropped an invalid message', { message: 'factorVerified', problem: checked.problem });
      return;
    }
    const signal = checked.value;
    if (!ctx.firstDelivery(signal.eventId) || verifiedFactors.has(signal.factorSid)) return;
    if (verifiedFactors.size >= MAX_TRACKED_FACTORS) {
      log.warn('dropped a factor verification: too many distinct factors', { message: 'factorVerified' });
      return;
    }
    verifiedFactors.set(signal.factorSid, {
      identity: signal.identity,
      ...(signal.factorType === undefined ? {} : { factorType: signal.factorType }),
    });
  }

  /** `getEnrollment`: waits for registration, then the TOTP URI or a fresh push enrolment token. */
  async function getEnrollment(): Promise<EnrollmentInfo> {
    await condition(() => enrolment !== undefined || ctx.isFinal());
    if (!enrolment) {
      throw ApplicationFailure.create({ message: 'the onboarding finished before it registered a factor' });
    }
    if (enrolment.factorType === 'totp') return { factorType: 'totp', uri: enrolment.uri };
    const token = await interactive.verifyEnrolmentToken({ identity: enrolment.identity });
    return { factorType: 'push', ...token };
  }

  /** `submitTotpCode`: verifies the factor with the code; a wrong code answers `accepted: false`. */
  async function submitTotpCode(request: SubmitTotpCodeInput): Promise<SubmitTotpCodeResult> {
    const checked = checkSubmitTotpCode(request);
    if (!checked.ok) throw ApplicationFailure.create({ message: `invalid code: ${checked.problem}` });
    await condition(() => enrolment !== undefined || ctx.isFinal());
    if (totpAccepted) return { accepted: true };
    if (enrolment?.factorType !== 'totp' || ctx.isFinal()) {
      throw ApplicationFailure.create({ message: 'this onboarding does not wait for a TOTP code' });
    }
    const result = await interactive.verifySubmitTotp({
      identity: enrolment.identity,
      factorSid: enrolment.factorSid,
      code: checked.value.code,
    });
    if (result.verified) totpAccepted = true;
    else if (result.locked) totpLocked = true;
    return { accepted: result.verified };
  }

  /** Refuses `submitTotpCode` before it enters history: a bad code, a push run, a finished run. */
  function validateSubmitTotpCode(request: unknown): void {
    const checked = checkSubmitTotpCode(request);
    if (!checked.ok) throw new Error(`invalid submitTotpCode: ${checked.problem}`);
    if (enrolment !== undefined && enrolment.factorType !== 'totp') {
      throw new Error('this onboarding enrols a push factor: there is no code to submit');
    }
    if (ctx.isFinal()) throw new Error(`onboarding already finished with stage ${status.stage}`);
  }

  /**
   * The stages: `registering` (entity, and the TOTP factor), `awaiting_device` until the factor is
   * verified (TOTP: an accepted code; push: `factor.verified` or the factor poll), then for push
   * `awaiting_approval` on a challenge; TOTP goes straight to `enabled` (the verified code is the proof).
   */
  async function onboard(
    waits: ReturnType<typeof explicitTimerWaits>,
    enterStage: (stage: OnboardingStage, reason?: string) => Promise<void>,
  ): Promise<void> {
    enrolment = await provider.verifyEnrol({
      userId: input.userId,
      ...(input.factorType ? { factorType: input.factorType } : {}),
    });
    if (enrolment.factorType === 'totp') status.factorSid = enrolment.factorSid;
    // A push device enrolled by an earlier onboarding of this user counts, as an installed app does.
    const ready = deviceReady() || (enrolment.factorType === 'push' && (await calls.readDevice()));
    if (!ready) {
      await enterStage('awaiting_device');
      if ((await waits.awaitDevice()) === 'expired') {
        await enterStage(
          'expired',
          `the ${enrolment.factorType} factor was not verified after ${status.remindersSent} reminders`,
        );
        return;
      }
    }
    if (totpLocked && !totpAccepted) {
      await enterStage(
        'failed',
        'Verify refuses further codes for this factor after five wrong ones (60310)',
      );
      return;
    }
    if (enrolment.factorType === 'totp') {
      await enterStage('enabled');
      return;
    }
    status.factorSid ??= signalledFactor();
    await enterStage('awaiting_approval');
    const outcome = await waits.awaitApproval();
    if (outcome === 'approved') await enterStage('enabled');
    else if (outcome === 'denied') await enterStage('denied', 'the person denied the push challenge');
    else await enterStage('expired', `no answer to ${status.approvalAttempts} push challenge(s)`);
  }

  return {
    calls,
    deviceReady,
    /** The entity identity once registered: the customer record's provider user id. */
    identity: () => enrolment?.identity,
    onFactorVerified,
    getEnrollment,
    submitTotpCode,
    validateSubmitTotpCode,
    onboard,
  };
}

/** The Verify half of one run (see {@link createVerifyRun}). */
export type VerifyRun = ReturnType<typeof createVerifyRun>;
