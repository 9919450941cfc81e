import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ApprovalRespondedInput,
  CancelRequest,
  DeviceRegisteredInput,
  OnboardingStatus,
  PhoneChangedInput,
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
