import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ApprovalRespondedInput,
  CancelRequest,
  DeviceRegisteredInput,
  EnrollmentInfo,
  FactorVerifiedInput,
  OnboardingStatus,
  PhoneChangedInput,
  SubmitTotpCodeInput,
  SubmitTotpCodeResult,
} from '../../shared/onboarding';

// The onboardUser workflow's message names are part of the public surface (README "Signals and
// updates"): the gateway and applications send them by these names.

/** The person installed the authenticator app; moves `awaiting_device` on at once. */
export const deviceRegisteredSignal = defineSignal<[DeviceRegisteredInput]>('deviceRegistered');
/** The person approved or denied a OneTouch request. */
export const approvalRespondedSignal = defineSignal<[ApprovalRespondedInput]>('approvalResponded');
/** Authy reports a phone change; recorded, the onboarding continues. */
export const phoneChangedSignal = defineSignal<[PhoneChangedInput]>('phoneChanged');
/** Fire-and-forget cancel. */
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
/** Cancel and get the resulting status back (rejected once the onboarding is final). */
export const cancelUpdate = defineUpdate<OnboardingStatus, [CancelRequest]>('cancelOnboarding');
/** Current status: stage, authy id, approval uuid, reminders sent, when the stage began, reason. */
export const statusQuery = defineQuery<OnboardingStatus>('status');

/** Verify: the person's factor is verified (the gateway's `factor.verified`); moves `awaiting_device` on. */
export const factorVerifiedSignal = defineSignal<[FactorVerifiedInput]>('factorVerified');
/** Verify: what the application shows the person to enrol (TOTP URI, or a push enrolment token). */
export const getEnrollmentUpdate = defineUpdate<EnrollmentInfo, []>('getEnrollment');
/** Verify TOTP: the person's first code; `accepted: false` for a wrong code (the run keeps waiting). */
export const submitTotpCodeUpdate = defineUpdate<SubmitTotpCodeResult, [SubmitTotpCodeInput]>(
  'submitTotpCode',
);
