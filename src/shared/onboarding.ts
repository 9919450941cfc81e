// Plain types and constants of the onboarding workflow, shared by the workflow, activities, gateway,
// CLI and applications. No I/O and no Temporal imports: safe on both sides of the sandbox.
import type { ProviderName, VerifyFactorType } from '../second-factor/provider';

/** Every stage an onboarding can be in (docs/contract.md#4-temporal-surface). The last five are final. */
export const ONBOARDING_STAGES = [
  'registering',
  'awaiting_device',
  'awaiting_approval',
  'enabled',
  'denied',
  'expired',
  'failed',
  'cancelled',
] as const;
export type OnboardingStage = (typeof ONBOARDING_STAGES)[number];

export const FINAL_STAGES: readonly OnboardingStage[] = [
  'enabled',
  'denied',
  'expired',
  'failed',
  'cancelled',
];

/** Timings of one onboarding; durations in milliseconds. Every field can be overridden per run. */
export interface OnboardingTiming {
  /** Wait this long for the app install before (re)sending the install link. */
  installReminderIntervalMs: number;
  /** Install-link resends before giving up. */
  maxInstallReminders: number;
  /** After the last reminder, wait this long more, then `expired`. */
  installGiveUpAfterMs: number;
  /** Safety net for lost webhooks: read the user status this often while awaiting the device. */
  deviceStatusPollIntervalMs: number;
  /** `seconds_to_expire` of each OneTouch approval request, in ms. */
  approvalExpiryMs: number;
  /** Approval requests to send (the first plus re-sends after expiry) before `expired`. */
  maxApprovalAttempts: number;
  /** Safety net for lost callbacks: read the approval request this often. */
  approvalStatusPollIntervalMs: number;
}

/**
 * FROZEN — never change these values. The workflow fills timing fields missing from its input with
 * them (a run started by a client that sent no or partial timing). They are the defaults of the first
 * release, so runs started before timing travelled in the input replay unchanged; a new default goes
 * into {@link DEFAULT_ONBOARDING_TIMING}, which starters copy into the input.
 */
export const FROZEN_TIMING_FALLBACK: Readonly<OnboardingTiming> = Object.freeze({
  installReminderIntervalMs: 24 * 60 * 60 * 1000,
  maxInstallReminders: 3,
  installGiveUpAfterMs: 24 * 60 * 60 * 1000,
  deviceStatusPollIntervalMs: 60 * 60 * 1000,
  approvalExpiryMs: 10 * 60 * 1000,
  maxApprovalAttempts: 3,
  approvalStatusPollIntervalMs: 60 * 1000,
});

/**
 * Production defaults: days for the install, minutes for the approval. Starters (`startOnboarding`,
 * the CLI, the simulation) copy them into the workflow input, so changing a value here affects only
 * onboardings started afterwards (docs/onboarding.md#timing). Today they are the first release's
 * values; unlike {@link FROZEN_TIMING_FALLBACK}, they may change.
 */
export const DEFAULT_ONBOARDING_TIMING: OnboardingTiming = { ...FROZEN_TIMING_FALLBACK };

/** The timing a run uses: its input's fields, the frozen fallback for any field missing. */
export function resolveTiming(overrides: Partial<OnboardingTiming> = {}): OnboardingTiming {
  const timing: OnboardingTiming = { ...FROZEN_TIMING_FALLBACK };
  for (const key of Object.keys(FROZEN_TIMING_FALLBACK) as (keyof OnboardingTiming)[]) {
    const value = overrides[key];
    if (value !== undefined) timing[key] = value;
  }
  return timing;
}

/**
 * The input with every timing field filled from {@link DEFAULT_ONBOARDING_TIMING} where the caller
 * left it out: what every starter sends, so a later change of a default never reaches a running
 * onboarding.
 */
export function withResolvedTiming(input: OnboardUserInput): OnboardUserInput & { timing: OnboardingTiming } {
  return { ...input, timing: { ...DEFAULT_ONBOARDING_TIMING, ...definedFields(input.timing) } };
}

function definedFields(timing: Partial<OnboardingTiming> = {}): Partial<OnboardingTiming> {
  return Object.fromEntries(Object.entries(timing).filter(([, value]) => value !== undefined));
}

/**
 * Most status polls (device plus approval) one onboarding's timings may allow. Each poll adds about
 * eight events to the run's history (timer, activity, workflow task), so 2,000 stay well below a
 * third of Temporal's 51,200-event history limit.
 */
export const MAX_STATUS_POLLS = 2_000;

const COUNT_FIELDS = ['maxInstallReminders', 'maxApprovalAttempts'] as const;

/**
 * Why these timing overrides are unusable, or undefined when they are fine: durations must be
 * positive, counts whole numbers (at least one approval attempt), and the status polls the
 * timings allow in the worst case (an app never installed, a push never answered) at most
 * {@link MAX_STATUS_POLLS}, so no onboarding can outgrow its workflow history.
 */
export function timingProblem(overrides: Partial<OnboardingTiming> = {}): string | undefined {
  for (const [field, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(field in FROZEN_TIMING_FALLBACK)) return `timing.${field} is not a timing setting`;
    const isCount = (COUNT_FIELDS as readonly string[]).includes(field);
    const valid = isCount
      ? Number.isInteger(value) && value >= (field === 'maxApprovalAttempts' ? 1 : 0)
      : Number.isFinite(value) && value > 0;
    if (!valid) {
      return isCount
        ? `timing.${field} must be a whole number${field === 'maxApprovalAttempts' ? ' of at least 1' : ''}`
        : `timing.${field} must be a positive number of milliseconds`;
    }
  }
  const t = resolveTiming(overrides);
  // The install wait: one reminder interval per reminder, then the give-up wait (no reminders: one interval).
  const installWindowMs =
    t.maxInstallReminders === 0
      ? t.installReminderIntervalMs
      : t.installReminderIntervalMs * t.maxInstallReminders + t.installGiveUpAfterMs;
  const polls =
    Math.ceil(installWindowMs / t.deviceStatusPollIntervalMs) +
    t.maxApprovalAttempts * Math.ceil(t.approvalExpiryMs / t.approvalStatusPollIntervalMs);
  if (polls > MAX_STATUS_POLLS) {
    return (
      `timing allows up to ${polls} status polls in one onboarding (at most ${MAX_STATUS_POLLS}, ` +
      'to keep its workflow history bounded): poll less often or shorten the waits'
    );
  }
  return undefined;
}

/** Input of the `onboardUser` workflow. Email and phone travel only here, never in ids or attributes. */
export interface OnboardUserInput {
  userId: string;
  email: string;
  /** Numeric calling code, e.g. "1" or "57". */
  countryCode: string;
  cellphone: string;
  timing?: Partial<OnboardingTiming>;
  /**
   * The 2FA provider of this run; absent means `authy` (every run started before Verify existed).
   * `startOnboarding` fills it from its options (`TWOFOLD_PROVIDER`) when the caller leaves it out.
   */
  provider?: ProviderName;
  /** Verify only: the factor to enrol; absent means the worker's `VERIFY_FACTOR_TYPE`. */
  factorType?: VerifyFactorType;
}

/** Result of the `status` query (docs/contract.md#4-temporal-surface). Timestamps are ISO 8601. */
export interface OnboardingStatus {
  userId: string;
  stage: OnboardingStage;
  authyId?: string;
  approvalUuid?: string;
  remindersSent: number;
  approvalAttempts: number;
  phoneChanges: number;
  stageEnteredAt: string;
  reason?: string;
  /** The run's provider (`authy` for runs whose input names none). */
  provider?: ProviderName;
  /** Verify: the factor being enrolled (TOTP: from registration; push: once the device created it). */
  factorSid?: string;
  /** Verify push: the latest challenge sent. */
  challengeSid?: string;
}

/** Signal: the user's authenticator app is installed (Authy `device_registration_completed`). */
export interface DeviceRegisteredInput {
  /** Unique id of the event that reported it; repeated ids are ignored. */
  eventId: string;
  authyId: string;
  occurredAt?: string;
}

/**
 * Signal (Verify): the person's factor is verified (`factor.verified`). Counts only for the run's own
 * entity identity; for TOTP also only for the run's own factor.
 */
export interface FactorVerifiedInput {
  eventId: string;
  identity: string;
  factorSid: string;
  /** `push` or `totp` as Verify reported it; a push run ignores a verified TOTP factor. */
  factorType?: string;
  occurredAt?: string;
}

/** Update (Verify TOTP): the first code the person's authenticator app shows. */
export interface SubmitTotpCodeInput {
  code: string;
}

/** Answer of `submitTotpCode`: whether the code verified the factor (a wrong one leaves the run waiting). */
export interface SubmitTotpCodeResult {
  accepted: boolean;
}

/**
 * Answer of the `getEnrollment` update (Verify runs): what the application shows the person. TOTP:
 * the `otpauth://` URI to scan (a secret: show it, never log or store it). Push: what the Verify Push
 * SDK needs to create the factor (a fresh, short-lived access token each call).
 */
export type EnrollmentInfo =
  | { factorType: 'totp'; uri: string }
  | { factorType: 'push'; accessToken: string; identity: string; serviceSid: string };

/** Signal: the person answered a OneTouch approval request. */
export interface ApprovalRespondedInput {
  eventId: string;
  approvalUuid: string;
  status: 'approved' | 'denied';
  occurredAt?: string;
}

/** Signal: Authy reports the user's phone changed (`user_phone_changed`). */
export interface PhoneChangedInput {
  eventId: string;
  authyId: string;
  occurredAt?: string;
}

/** Signal or update: stop this onboarding (`cancelled`). */
export interface CancelRequest {
  eventId?: string;
  reason?: string;
}

/** The workflow id of a user's onboarding: one open run per user. */
export function onboardingWorkflowId(userId: string): string {
  return `onboarding-${userId}`;
}

/**
 * User ids become workflow ids, which are visible to operators and kept in history: they must be
 * opaque. This rejects ids that look like an email address or a phone number.
 */
export function userIdProblem(userId: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(userId)) {
    return 'userId must be 1-128 characters of letters, digits, ".", "_", ":" or "-"';
  }
  if (/^\d{9,}$/.test(userId.replace(/[.\-_:]/g, ''))) {
    return 'userId looks like a phone number; use an opaque id (workflow ids must not carry personal data)';
  }
  return undefined;
}
