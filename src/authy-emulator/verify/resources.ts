import type { TotpAlgorithm } from './totp';

/** Times are epoch milliseconds; answers render them as ISO 8601 without fractions (render.ts). */

/** A Verify Service (`VA…`): owns entities, webhooks and the TOTP defaults of its factors. */
export interface VerifyService {
  sid: string;
  friendlyName: string;
  /** Unset fields answer `null`; factors then fall back to Twilio's defaults (30 s, 6 digits, skew 1). */
  totp: { issuer: string | null; timeStep: number | null; codeLength: number | null; skew: number | null };
  push: { includeDate: boolean; apnCredentialSid: string | null; fcmCredentialSid: string | null };
  codeLength: number;
  createdAt: number;
  updatedAt: number;
}

/** A user of the Service (`YE…`), addressed by its `identity` in paths. */
export interface VerifyEntity {
  sid: string;
  serviceSid: string;
  identity: string;
  createdAt: number;
  updatedAt: number;
}

export type FactorType = 'totp' | 'push';
export type FactorStatus = 'unverified' | 'verified';

export interface TotpBinding {
  secret: string;
  alg: TotpAlgorithm;
  timeStep: number;
  skew: number;
  codeLength: number;
  /** Wrong codes sent to verify the factor (after 5, further tries answer 429 / 60310). */
  failedVerifications: number;
}

export interface PushBinding {
  /** Base64 DER SubjectPublicKeyInfo of the device's P-256 key. */
  publicKey: string;
  appId: string;
  notificationPlatform: 'apn' | 'fcm' | 'none';
  notificationToken: string | null;
  sdkVersion: string;
  /** `CR…`: the `kid` of the device's auth JWTs. */
  credentialSid: string;
}

/** A factor (`YF…`): a TOTP seed or a push device key bound to an entity. */
export interface Factor {
  sid: string;
  serviceSid: string;
  entitySid: string;
  identity: string;
  friendlyName: string;
  type: FactorType;
  status: FactorStatus;
  metadata: Record<string, string> | null;
  totp?: TotpBinding;
  push?: PushBinding;
  createdAt: number;
  updatedAt: number;
}

export type ChallengeStatus = 'pending' | 'expired' | 'approved' | 'denied';

/** A challenge (`YC…`) to a verified factor: a push to approve or deny, or a TOTP code to check. */
export interface Challenge {
  sid: string;
  serviceSid: string;
  entitySid: string;
  identity: string;
  factorSid: string;
  factorType: FactorType;
  /** Stored answer; `expired` is derived from `expiresAt` when read (render.ts, challengeStatus). */
  status: 'pending' | 'approved' | 'denied';
  details: { message: string | null; fields: { label: string; value: string }[] };
  hiddenDetails: Record<string, string> | null;
  metadata: Record<string, string> | null;
  /** Wrong TOTP codes (after 5, further tries answer 429 / 60308). */
  failedAttempts: number;
  createdAt: number;
  updatedAt: number;
  respondedAt: number | null;
  expiresAt: number;
}

/** A push notification sent for a challenge (`NT…`). */
export interface ChallengeNotification {
  sid: string;
  challengeSid: string;
  ttl: number;
  createdAt: number;
}

/** An enrollment access token (`YK…`): lets the device create its push factor. */
export interface AccessToken {
  sid: string;
  serviceSid: string;
  identity: string;
  factorType: 'push';
  factorFriendlyName: string | null;
  ttl: number;
  token: string;
  createdAt: number;
}

/** A Verify webhook subscription (`YW…`) of a Service. */
export interface VerifyWebhook {
  sid: string;
  serviceSid: string;
  friendlyName: string;
  /** Event types, or `*` for all of them. */
  eventTypes: string[];
  url: string;
  status: 'enabled' | 'disabled';
  version: 'v1' | 'v2';
  createdAt: number;
  updatedAt: number;
}
