import { isRecord } from '../../shared/is-record';
import { verifyErrors } from './errors';
import { MAX_FAILED_CODES } from './factors';
import { parseJson } from './form';
import type { VerifyParams } from './form';
import { decodeJwt, parsePushPublicKey, verifiesEs256 } from './push-crypto';
import { challengeStatus, renderChallenge } from './render';
import type { Challenge, Factor, VerifyEntity } from './resources';
import { totpAccepts } from './totp';
import type { VerifyState } from './verify-state';

/** Twilio's default and longest challenge lifetimes. */
export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60_000;
const MAX_CHALLENGE_TTL_MS = 60 * 60_000;

/**
 * The challenge fields a device signs when it answers (sent in `Twilio-Verify-Signature-Fields` on a
 * fetch of a pending challenge). Twilio's real list is not published; this one covers what the
 * person is shown and what identifies the challenge (docs/emulator.md).
 */
export const SIGNATURE_FIELDS = [
  'sid',
  'factor_sid',
  'details',
  'hidden_details',
  'expiration_date',
  'date_created',
] as const;

/** The {@link SIGNATURE_FIELDS} of the challenge as a fetch shows them: what a device's answer signs. */
export function signedFields(verify: VerifyState, challenge: Challenge): Record<string, unknown> {
  const shown: Record<string, unknown> = renderChallenge(challenge, {
    origin: '', // no signed field holds a URL
    accountSid: verify.credentials.accountSid,
    now: verify.now(),
  });
  return Object.fromEntries(SIGNATURE_FIELDS.map((field) => [field, shown[field]]));
}

/**
 * Creates a challenge to a verified factor of the entity. Push: `Details.Message` is required,
 * `Details.Fields` are JSON `{ label, value }` items. TOTP: an `AuthPayload` code approves it at once
 * when right and leaves it pending when wrong.
 */
export function createChallenge(verify: VerifyState, entity: VerifyEntity, params: VerifyParams): Challenge {
  const factorSid = params.required('FactorSid', 34);
  const factor = verify.store.factors.get(factorSid);
  if (factor === undefined || factor.entitySid !== entity.sid)
    throw verifyErrors.invalidRequest(`FactorSid ${factorSid} is not a factor of this entity`);
  if (factor.status !== 'verified') throw verifyErrors.factorUnverified();
  const now = verify.now();
  const message = params.optional('Details.Message', 256);
  if (factor.type === 'push' && (message === undefined || message.trim() === ''))
    throw verifyErrors.invalidParameter('Details.Message is required for push challenges');
  const challenge: Challenge = {
    sid: verify.store.newSid('YC'),
    serviceSid: factor.serviceSid,
    entitySid: entity.sid,
    identity: entity.identity,
    factorSid: factor.sid,
    factorType: factor.type,
    status: 'pending',
    details: { message: message ?? null, fields: detailFields(params) },
    hiddenDetails: params.stringMap('HiddenDetails', 1024) ?? null,
    metadata: null,
    failedAttempts: 0,
    createdAt: now,
    updatedAt: now,
    respondedAt: null,
    expiresAt: expirationOf(params, now),
  };
  const code = params.get('AuthPayload');
  verify.store.challenges.set(challenge.sid, challenge);
  if (factor.type === 'totp' && code !== undefined && code !== '')
    checkTotpCode(verify, challenge, factor, code);
  return challenge;
}

/**
 * Answers a challenge (`POST …/Challenges/{sid}` with `AuthPayload`). TOTP: the code (wrong → stays
 * pending; after five wrong, 429 / 60308). Push: the device's ES256 JWT over the signature fields plus
 * `status` (`approved` | `denied`); a bad one answers 403 / 60324. An expired challenge answers
 * 403 / 60323, an answered one 403 / 60322.
 */
export function answerChallenge(
  verify: VerifyState,
  challenge: Challenge,
  factor: Factor | undefined,
  input: { authPayload: string; metadata?: Record<string, string> },
): void {
  const now = verify.now();
  const status = challengeStatus(challenge, now);
  if (status === 'expired') throw verifyErrors.challengeExpired();
  if (status !== 'pending') throw verifyErrors.challengeResponded();
  if (factor === undefined) throw verifyErrors.challengeVerificationFailed();
  if (factor.type === 'totp') {
    checkTotpCode(verify, challenge, factor, input.authPayload);
    return;
  }
  const answer = pushAnswer(verify, challenge, factor, input.authPayload);
  if (answer === undefined) throw verifyErrors.challengeVerificationFailed();
  respond(verify, challenge, factor, answer, input.metadata);
}

function checkTotpCode(verify: VerifyState, challenge: Challenge, factor: Factor, code: string): void {
  if (challenge.failedAttempts >= MAX_FAILED_CODES) throw verifyErrors.challengeAttempts();
  if (!totpAccepts(factor.totp!, code.trim(), verify.now())) {
    challenge.failedAttempts += 1;
    challenge.updatedAt = verify.now();
    return;
  }
  respond(verify, challenge, factor, 'approved');
}

function respond(
  verify: VerifyState,
  challenge: Challenge,
  factor: Factor,
  status: 'approved' | 'denied',
  metadata?: Record<string, string>,
): void {
  const now = verify.now();
  challenge.status = status;
  challenge.respondedAt = now;
  challenge.updatedAt = now;
  if (metadata !== undefined) challenge.metadata = metadata;
  verify.emit(status === 'approved' ? 'challenge.approved' : 'challenge.denied', factor, challenge);
}

/** The status a valid device answer carries, or undefined when the JWT does not check out. */
function pushAnswer(
  verify: VerifyState,
  challenge: Challenge,
  factor: Factor,
  token: string,
): 'approved' | 'denied' | undefined {
  const jwt = decodeJwt(token);
  const key = parsePushPublicKey(factor.push!.publicKey);
  if (jwt === undefined || key === undefined || !verifiesEs256(jwt, key)) return undefined;
  const status = jwt.payload.status;
  if (status !== 'approved' && status !== 'denied') return undefined;
  const signed = signedFields(verify, challenge);
  const intact = SIGNATURE_FIELDS.every((field) => sameJson(jwt.payload[field], signed[field]));
  return intact ? status : undefined;
}

function detailFields(params: VerifyParams): { label: string; value: string }[] {
  const items = params.all('Details.Fields');
  if (items.length > 20) throw verifyErrors.invalidParameter('Details.Fields takes at most 20 items');
  return items.map((text) => {
    const item = parseJson('Details.Fields', text);
    if (
      !isRecord(item) ||
      typeof item.label !== 'string' ||
      typeof item.value !== 'string' ||
      item.label.length > 36 ||
      item.value.length > 128
    )
      throw verifyErrors.invalidParameter(
        'each Details.Fields item must be JSON {"label": ≤36 characters, "value": ≤128 characters}',
      );
    return { label: item.label, value: item.value };
  });
}

function expirationOf(params: VerifyParams, now: number): number {
  const given = params.get('ExpirationDate');
  if (given === undefined || given === '') return now + DEFAULT_CHALLENGE_TTL_MS;
  const at = Date.parse(given);
  if (!/^\d{4}-\d\d-\d\dT/.test(given) || Number.isNaN(at))
    throw verifyErrors.invalidParameter('ExpirationDate must be an ISO 8601 date-time');
  if (at <= now || at > now + MAX_CHALLENGE_TTL_MS)
    throw verifyErrors.invalidParameter('ExpirationDate must be in the next 60 minutes');
  return at;
}

/** Deep equality of JSON values, object key order ignored. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameJson(a[key], b[key]));
  }
  return false;
}
