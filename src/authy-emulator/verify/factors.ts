import { verifyErrors } from './errors';
import { entityFor } from './entities';
import type { VerifyParams } from './form';
import { parsePushPublicKey, verifiesFactorSignature } from './push-crypto';
import type { Factor, PushBinding, TotpBinding, VerifyEntity, VerifyService } from './resources';
import { base32Decode, base32Encode, TOTP_ALGORITHMS, totpAccepts } from './totp';
import type { VerifyState } from './verify-state';

/** Twilio's limits: factors per entity by type, wrong codes before a factor locks. */
const MAX_FACTORS = { push: 20, totp: 100 } as const;
export const MAX_FAILED_CODES = 5;

/**
 * Creates a factor under `identity` (the entity is created when missing) and announces it as
 * `factor.created`; it starts `unverified`. `binding` and the push `credential_sid` come back only
 * in the create answer (render.ts).
 */
export function createFactor(
  verify: VerifyState,
  service: VerifyService,
  identity: string,
  params: VerifyParams,
): Factor {
  const friendlyName = params.required('FriendlyName', 64);
  const type = params.get('FactorType');
  if (type !== 'totp' && type !== 'push')
    throw verifyErrors.invalidParameter('FactorType must be totp or push (passkeys are not emulated)');
  const metadata = params.stringMap('Metadata', 1024) ?? null;
  const totp = type === 'totp' ? totpBinding(verify, service, params) : undefined;
  const push = type === 'push' ? pushBinding(verify, params) : undefined;
  const entity = entityFor(verify, service, identity);
  checkLimits(verify, entity, type, push);
  const now = verify.now();
  const factor: Factor = {
    sid: verify.store.newSid('YF'),
    serviceSid: service.sid,
    entitySid: entity.sid,
    identity: entity.identity,
    friendlyName,
    type,
    status: 'unverified',
    metadata,
    ...(totp === undefined ? {} : { totp }),
    ...(push === undefined ? {} : { push }),
    createdAt: now,
    updatedAt: now,
  };
  verify.store.factors.set(factor.sid, factor);
  verify.emit('factor.created', factor);
  return factor;
}

/**
 * Verifies a new factor with its `AuthPayload`: a current TOTP code, or the push device's signature of
 * the factor SID. A wrong TOTP code answers normally and leaves the factor `unverified` (Twilio's
 * behaviour since 2021-10-27); after five, tries answer 429 / 60310. A bad push signature answers
 * 403 / 60311. An already verified factor stays as it is.
 */
export function verifyFactor(verify: VerifyState, factor: Factor, authPayload: string): void {
  if (factor.status === 'verified') return;
  if (factor.totp !== undefined) {
    if (factor.totp.failedVerifications >= MAX_FAILED_CODES) throw verifyErrors.factorAttempts();
    if (!totpAccepts(factor.totp, authPayload.trim(), verify.now())) {
      factor.totp.failedVerifications += 1;
      return;
    }
  } else {
    const key = parsePushPublicKey(factor.push!.publicKey);
    if (key === undefined || !verifiesFactorSignature(key, factor.sid, authPayload))
      throw verifyErrors.factorVerificationFailed();
  }
  factor.status = 'verified';
  factor.updatedAt = verify.now();
  verify.emit('factor.verified', factor);
}

/** Applies the optional non-verifying fields of a factor update (name, push token, TOTP config). */
export function updateFactor(verify: VerifyState, factor: Factor, params: VerifyParams): void {
  const friendlyName = params.optional('FriendlyName', 64);
  if (friendlyName !== undefined && friendlyName.trim() !== '') factor.friendlyName = friendlyName;
  if (factor.push !== undefined) {
    const platform = params.oneOf('Config.NotificationPlatform', ['apn', 'fcm', 'none'] as const);
    if (platform !== undefined) factor.push.notificationPlatform = platform;
    const token = params.optional('Config.NotificationToken', 255);
    if (token !== undefined) factor.push.notificationToken = token;
    const sdkVersion = params.optional('Config.SdkVersion', 100);
    if (sdkVersion !== undefined) factor.push.sdkVersion = sdkVersion;
  }
  if (factor.totp !== undefined) {
    factor.totp.timeStep = params.integer('Config.TimeStep', 20, 60) ?? factor.totp.timeStep;
    factor.totp.skew = params.integer('Config.Skew', 0, 2) ?? factor.totp.skew;
    factor.totp.codeLength = params.integer('Config.CodeLength', 3, 8) ?? factor.totp.codeLength;
    factor.totp.alg = params.oneOf('Config.Alg', TOTP_ALGORITHMS) ?? factor.totp.alg;
  }
  factor.updatedAt = verify.now();
}

/** Deletes a factor and announces it as `factor.deleted`; its challenges stay readable. */
export function deleteFactor(verify: VerifyState, factor: Factor): void {
  verify.store.factors.delete(factor.sid);
  verify.store.devices.delete(factor.sid);
  verify.emit('factor.deleted', factor);
}

/** The issuer of a Service's otpauth URIs: `Totp.Issuer`, else the Service's friendly name. */
export function totpIssuer(service: VerifyService): string {
  return service.totp.issuer ?? service.friendlyName;
}

function totpBinding(verify: VerifyState, service: VerifyService, params: VerifyParams): TotpBinding {
  const given = params.optional('Binding.Secret', 128);
  if (given !== undefined) {
    const key = base32Decode(given);
    if (key === undefined || key.length < 10)
      throw verifyErrors.bindingInvalid('Binding.Secret must be base32 of at least 10 bytes');
  }
  return {
    secret:
      given === undefined ? base32Encode(verify.store.bytes(20)) : given.replace(/[\s=]/g, '').toUpperCase(),
    alg: params.oneOf('Config.Alg', TOTP_ALGORITHMS) ?? 'sha1',
    timeStep: params.integer('Config.TimeStep', 20, 60) ?? service.totp.timeStep ?? 30,
    skew: params.integer('Config.Skew', 0, 2) ?? service.totp.skew ?? 1,
    codeLength: params.integer('Config.CodeLength', 3, 8) ?? service.totp.codeLength ?? 6,
    failedVerifications: 0,
  };
}

function pushBinding(verify: VerifyState, params: VerifyParams): PushBinding {
  const publicKey = params.required('Binding.PublicKey', 1024);
  const alg = params.get('Binding.Alg') ?? 'ES256';
  if (alg !== 'ES256') throw verifyErrors.bindingInvalid('Binding.Alg must be ES256');
  if (parsePushPublicKey(publicKey) === undefined)
    throw verifyErrors.bindingInvalid('Binding.PublicKey must be a base64 DER P-256 public key');
  const notificationPlatform = params.oneOf('Config.NotificationPlatform', ['apn', 'fcm', 'none'] as const);
  if (notificationPlatform === undefined)
    throw verifyErrors.invalidParameter('Config.NotificationPlatform is required (apn, fcm or none)');
  const notificationToken = params.optional('Config.NotificationToken', 255) ?? null;
  if (notificationPlatform !== 'none' && (notificationToken === null || notificationToken.length < 32))
    throw verifyErrors.invalidParameter(
      'Config.NotificationToken of 32 to 255 characters is required unless the platform is none',
    );
  return {
    publicKey,
    appId: params.required('Config.AppId', 100),
    notificationPlatform,
    notificationToken: notificationPlatform === 'none' ? null : notificationToken,
    sdkVersion: params.required('Config.SdkVersion', 100),
    credentialSid: verify.store.newSid('CR'),
  };
}

function checkLimits(
  verify: VerifyState,
  entity: VerifyEntity,
  type: 'totp' | 'push',
  push?: PushBinding,
): void {
  const factors = verify.store.factorsOf(entity);
  if (factors.filter((factor) => factor.type === type).length >= MAX_FACTORS[type])
    throw verifyErrors.tooManyFactors(type, MAX_FACTORS[type]);
  if (push !== undefined && factors.some((factor) => factor.push?.publicKey === push.publicKey))
    throw verifyErrors.factorExists();
}
