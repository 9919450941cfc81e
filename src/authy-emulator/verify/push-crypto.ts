import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isRecord } from '../../shared/is-record';

/**
 * The P-256 public key of a push factor from `Binding.PublicKey` (base64 of the DER
 * SubjectPublicKeyInfo, as the Verify Push SDKs send it), or undefined when it is not one.
 */
export function parsePushPublicKey(base64: string): KeyObject | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      ? key
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `payloadBase64` is the device's proof of key possession when it verifies its factor:
 * base64 of a DER ECDSA-SHA256 signature over the UTF-8 bytes of the factor SID.
 */
export function verifiesFactorSignature(key: KeyObject, factorSid: string, payloadBase64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(payloadBase64)) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(factorSid, 'utf8'),
      { key, dsaEncoding: 'der' },
      Buffer.from(payloadBase64, 'base64'),
    );
  } catch {
    return false;
  }
}

/** A compact JWS split into its parts, header and payload decoded; undefined when malformed. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    const decodedPayload = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!isRecord(decodedHeader) || !isRecord(decodedPayload)) return undefined;
    return {
      header: decodedHeader,
      payload: decodedPayload,
      signingInput: `${header}.${payload}`,
      signature: Buffer.from(signature, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** Whether a decoded JWT is ES256 and signed by `key` (raw r||s signature, as JWS prescribes). */
export function verifiesEs256(jwt: DecodedJwt, key: KeyObject): boolean {
  if (jwt.header.alg !== 'ES256' || jwt.signature.length !== 64) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(jwt.signingInput, 'ascii'),
      { key, dsaEncoding: 'ieee-p1363' },
      jwt.signature,
    );
  } catch {
    return false;
  }
}
