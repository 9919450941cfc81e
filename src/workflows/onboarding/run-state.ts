import type { ApprovalRespondedInput, OnboardingStatus, OnboardingTiming } from '../../shared/onboarding';
import type { EnrolmentContact } from '../../second-factor/provider';

/** What the waits of one onboarding run read and change; built by `onboardUser`. */
export interface OnboardingRunState {
  /** The run's resolved timing (from its input; see docs/onboarding.md#timing). */
  readonly timing: OnboardingTiming;
  /** Who is enrolled: passed to the provider, never logged. */
  readonly contact: EnrolmentContact;
  /** The `status` query's answer, updated in place. */
  readonly status: OnboardingStatus;
  /** True once a device registration for this run's Authy id has arrived by signal. */
  deviceRegistered(): boolean;
  /** The first answer received for one of this run's approval requests, if any. */
  approvalAnswer(): ApprovalRespondedInput | undefined;
  /** Notes an approval request this run issued, so answers to it count. */
  issuedApproval(approvalUuid: string): void;
  /** Writes the current status to the customer record as a new change (next sequence number). */
  recordChange(): Promise<void>;
}
