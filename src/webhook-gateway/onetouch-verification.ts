import { verifyAuthySignature } from '../authy/signature';
import { VerificationError } from './verification-error';

/** Default nonce freshness window: a callback signed more than this many seconds away from now is stale. */
export const DEFAULT_NONCE_WINDOW_SECONDS = 300;

/** A OneTouch callback as received, with the URL it was signed for. */
export interface OneTouchSignedRequest {
  /** The application's Authy API key (the HMAC key). */
  apiKey: string;
  /** The URL Authy called, rebuilt from GATEWAY_PUBLIC_URL + route path (never from Host). */
  url: string;
  method: string;
  params: Record<string, unknown>;
  signature: string | undefined;
  nonce: string | undefined;
}

/** A verified callback's replay key and whether its nonce is inside the freshness window. */
export interface VerifiedOneTouchRequest {
  nonce: string;
  signature: string;
  fresh: boolean;
}

const NONCE = /^\d{1,12}(\.\d{1,9})?$/;

/**
 * Verifies `X-Authy-Signature` over `nonce|METHOD|url|sorted params` (docs/authy-api.md#17-onetouch-callback-signature) in constant
 * time, then reports whether the nonce (a Unix timestamp) is within `windowSeconds` of now. A stale
 * nonce is not rejected here: the caller first checks whether this exact request was already
 * accepted (a sender retry), and rejects it only if not.
 */
export function verifyOneTouchRequest(
  request: OneTouchSignedRequest,
  windowSeconds: number,
  nowMs: number = Date.now(),
): VerifiedOneTouchRequest {
  const { signature, nonce } = request;
  if (!signature || !nonce) throw new VerificationError('missing_signature');
  if (signature.length > 200) throw new VerificationError('bad_signature');
  if (!NONCE.test(nonce)) throw new VerificationError('bad_nonce');
  const valid = verifyAuthySignature(
    { key: request.apiKey, nonce, method: request.method, url: request.url, params: request.params },
    signature,
  );
  if (!valid) throw new VerificationError('bad_signature');
  const fresh = Math.abs(nowMs / 1000 - Number(nonce)) <= windowSeconds;
  return { nonce, signature, fresh };
}
