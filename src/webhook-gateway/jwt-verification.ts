import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { VerificationError } from './verification-error';

/** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. */
export const JWT_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Oldest accepted token by its `iat`, in seconds (AUTHY_WEBHOOK_MAX_AGE_SECONDS, default one day).
 * Replays are refused by the inbox's dedupe key only while the row is kept; past this age a token
 * is refused by its own claim, so a token lifted from a log cannot be replayed after the retention.
 */
export const DEFAULT_JWT_MAX_AGE_SECONDS = 24 * 60 * 60;

/** Options of {@link createWebhookJwtVerifier}. */
export interface WebhookJwtOptions {
  /** Oldest `iat` accepted, in seconds; 0 turns the age check (and the `iat` requirement) off. */
  maxAgeSeconds?: number;
}

/** The webhook signing keys in force: the current one first, then the one being rotated out. */
export interface WebhookSigningKeys {
  current: string;
  previous?: string;
}

function reasonOf(error: unknown): VerificationError {
  const name = (error as { name?: unknown }).name;
  const raw = (error as { message?: unknown }).message;
  const message = typeof raw === 'string' ? raw : '';
  if (name === 'TokenExpiredError') return new VerificationError('expired', { cause: error });
  if (name === 'NotBeforeError') return new VerificationError('not_yet_valid', { cause: error });
  if (message === 'invalid algorithm' || message === 'jwt signature is required') {
    return new VerificationError('wrong_algorithm', { cause: error });
  }
  if (message === 'invalid signature') return new VerificationError('bad_signature', { cause: error });
  return new VerificationError('malformed_token', { cause: error });
}

function verifyWith(token: string, key: KeyObject, nowSeconds: number): Record<string, unknown> {
  const payload = jwt.verify(token, key, {
    algorithms: ['HS256'],
    clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS,
    clockTimestamp: nowSeconds,
  });
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new VerificationError('malformed_token');
  }
  return payload;
}

/** The token's age checks, after its signature verified (so they reveal nothing to a forger). */
function checkIssuedAt(iat: unknown, nowSeconds: number, maxAgeSeconds: number): void {
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    if (maxAgeSeconds > 0) throw new VerificationError('missing_iat');
    return;
  }
  if (iat > nowSeconds + JWT_CLOCK_TOLERANCE_SECONDS) throw new VerificationError('not_yet_valid');
  if (maxAgeSeconds > 0 && nowSeconds - iat > maxAgeSeconds + JWT_CLOCK_TOLERANCE_SECONDS) {
    throw new VerificationError('too_old');
  }
}

/** Verifies one delivery's token; see {@link createWebhookJwtVerifier}. */
export type WebhookJwtVerifier = (token: string, nowMs?: number) => Record<string, unknown>;

/**
 * Builds the verifier of Authy webhook JWTs (docs/gateway.md, "Authenticity"): HS256 only (`none`
 * and every other algorithm are refused before any key is tried), the current key then the previous
 * one during a rotation, `exp` and `nbf` when present, and a numeric `iat` neither in the future nor
 * older than `maxAgeSeconds`. It returns the claims or throws {@link VerificationError} with the
 * reason. The keys become secret KeyObjects once: handed a string, jsonwebtoken first tries to parse
 * it as a PEM public key on every call (~0.3 ms).
 */
export function createWebhookJwtVerifier(
  keys: WebhookSigningKeys,
  options: WebhookJwtOptions = {},
): WebhookJwtVerifier {
  const maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_JWT_MAX_AGE_SECONDS;
  const secret = (key: string) => createSecretKey(Buffer.from(key, 'utf8'));
  const candidates = keys.previous ? [secret(keys.current), secret(keys.previous)] : [secret(keys.current)];
  return (token, nowMs = Date.now()) => {
    const nowSeconds = Math.floor(nowMs / 1000);
    let failure: VerificationError | undefined;
    for (const key of candidates) {
      try {
        const claims = verifyWith(token, key, nowSeconds);
        checkIssuedAt(claims.iat, nowSeconds, maxAgeSeconds);
        return claims;
      } catch (error) {
        failure = error instanceof VerificationError ? error : reasonOf(error);
        // Only a signature mismatch can be cured by the other key; every other failure is final.
        if (failure.reason !== 'bad_signature') throw failure;
      }
    }
    throw failure ?? new VerificationError('bad_signature');
  };
}
