// The seam between onboarding and a concrete 2FA service. The workflow and its activities speak of
// registering a user, their device and an approval; a provider maps that onto one API. Authy
// (src/authy/provider.ts) implements SecondFactorProvider: a phone-keyed user, an app install, a
// OneTouch push. Twilio Verify v2 (src/verify/provider.ts) implements FactorProvider: an opaque
// identity, a factor (TOTP or push) the person verifies, and push challenges. One worker holds both;
// each onboarding's input names the one it uses (docs/verify.md).

/** The providers an onboarding can run on; absent in an input means `authy` (runs started before Verify). */
export const PROVIDER_NAMES = ['authy', 'verify'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Verify factor types twofold enrols. */
export const VERIFY_FACTOR_TYPES = ['totp', 'push'] as const;
export type VerifyFactorType = (typeof VERIFY_FACTOR_TYPES)[number];

/** Who to enrol. Personal data: never logged, never put in ids. */
export interface EnrolmentContact {
  email: string;
  countryCode: string;
  cellphone: string;
}

/** Outcome of an approval as the provider reports it. */
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

/** A second-factor service twofold can onboard users onto (Authy's shape). */
export interface SecondFactorProvider {
  /** Registers the user (idempotent per phone) and sends the app-install message. */
  registerUser(contact: EnrolmentContact): Promise<{ factorUserId: string }>;
  /** Whether the user has installed the authenticator app on a device. */
  hasRegisteredDevice(factorUserId: string): Promise<boolean>;
  /** Sends the app-install message again. */
  resendInstallLink(contact: EnrolmentContact): Promise<void>;
  /** Sends a push approval request to the user's device. */
  requestApproval(request: {
    factorUserId: string;
    message: string;
    details: Record<string, string>;
    expiresInSeconds: number;
  }): Promise<{ approvalId: string }>;
  /** The approval's current state. */
  readApproval(approvalId: string): Promise<ApprovalState>;
}

/**
 * What registration produced. TOTP: a new unverified factor and the `otpauth://` URI the person's app
 * scans (a secret: it travels only in encrypted workflow payloads, never in logs, search attributes or
 * the customer record). Push: the entity only; the person's device creates the factor with an
 * enrolment token ({@link FactorProvider.createEnrolmentToken}).
 */
export type FactorEnrolment =
  | { factorType: 'totp'; identity: string; serviceSid: string; factorSid: string; uri: string }
  | { factorType: 'push'; identity: string; serviceSid: string };

/** What the person's device needs to enrol a push factor (Verify Push SDK). */
export interface PushEnrolmentToken {
  accessToken: string;
  identity: string;
  serviceSid: string;
}

/** A second-factor service that binds factors to an opaque identity (Twilio Verify v2's shape). */
export interface FactorProvider {
  /** Creates (or finds) the user's entity and, for TOTP, a new unverified factor. */
  enrol(request: { userId: string; factorType: VerifyFactorType }): Promise<FactorEnrolment>;
  /**
   * Whether the enrolment is done: for TOTP, whether `factorSid` is verified; for push, the first
   * verified push factor of the identity (the device created it, so its SID is learnt here).
   */
  readFactor(request: {
    identity: string;
    factorType: VerifyFactorType;
    factorSid?: string;
  }): Promise<{ verified: boolean; factorSid?: string }>;
  /**
   * Verifies a TOTP factor with the person's first code. `locked` when the provider refuses further
   * tries (five wrong codes); a wrong code is `verified: false`.
   */
  verifyTotp(request: {
    identity: string;
    factorSid: string;
    code: string;
  }): Promise<{ verified: boolean; locked: boolean }>;
  /** A fresh enrolment token for the person's device (short-lived: minutes). */
  createEnrolmentToken(request: { identity: string }): Promise<PushEnrolmentToken>;
  /** Sends a push challenge to a verified push factor. */
  requestChallenge(request: {
    identity: string;
    factorSid: string;
    message: string;
    expiresInSeconds: number;
  }): Promise<{ challengeSid: string }>;
  /** The challenge's current state. */
  readChallenge(request: { identity: string; challengeSid: string }): Promise<ApprovalState>;
}
