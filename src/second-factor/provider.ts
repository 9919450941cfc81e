// The seam between onboarding and a concrete 2FA service. The workflow and its activities speak of
// registering a user, their device and an approval; a provider maps that onto one API. Authy is the
// first provider (src/authy/provider.ts); a Twilio Verify v2 provider (entities, push factors and
// challenges) can implement the same interface without touching the workflow.

/** Who to enrol. Personal data: never logged, never put in ids. */
export interface EnrolmentContact {
  email: string;
  countryCode: string;
  cellphone: string;
}

/** Outcome of an approval as the provider reports it. */
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

/** A second-factor service twofold can onboard users onto. */
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
