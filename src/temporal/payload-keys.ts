import { createHash, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * One AES-256 key of the payload keyring. The material is a `KeyObject`, so a logged config never
 * prints it; `id` travels in every payload the key seals, so any holder of the keyring finds it.
 */
export interface PayloadKey {
  id: string;
  key: KeyObject;
}

/** Raised when `TWOFOLD_PAYLOAD_KEYS` cannot be used; the message never contains key material. */
export class PayloadKeysError extends Error {
  override name = 'PayloadKeysError';
}

/** Key ids are short and printable: they are stored in clear in every payload's metadata. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KEY_BYTES = 32;

/**
 * The id of the public development key. Used only when Temporal is on a loopback address
 * (see `loadConfig`): it is in the source, so it protects nothing beyond the local machine.
 */
export const DEV_PAYLOAD_KEY_ID = 'dev';
const DEV_PAYLOAD_KEY_BYTES = createHash('sha256').update('twofold local development payload key').digest();

/** The development keyring: one public key, for a local Temporal dev server only. */
export function devPayloadKeys(): PayloadKey[] {
  return [{ id: DEV_PAYLOAD_KEY_ID, key: createSecretKey(DEV_PAYLOAD_KEY_BYTES) }];
}

/** One key from its id and raw 32 bytes (tests and tools; operators use {@link parsePayloadKeys}). */
export function payloadKey(id: string, bytes: Buffer): PayloadKey {
  if (!KEY_ID.test(id)) throw new PayloadKeysError(`key id "${id}" must be 1-64 of A-Z a-z 0-9 . _ -`);
  if (bytes.length !== KEY_BYTES) {
    throw new PayloadKeysError(`key "${id}" must be ${KEY_BYTES} bytes (AES-256), got ${bytes.length}`);
  }
  return { id, key: createSecretKey(bytes) };
}

/**
 * Parses `keyId:base64(32 bytes)[,keyId:base64…]`. The first key encrypts new payloads; every key
 * decrypts, so a rotation puts the new key first and keeps the old one until no history needs it.
 */
export function parsePayloadKeys(text: string): PayloadKey[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new PayloadKeysError('expected at least one keyId:base64key');
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new PayloadKeysError(`entry ${index + 1} must be keyId:base64key (32 random bytes, base64)`);
    }
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!BASE64.test(encoded) || encoded.length % 4 !== 0) {
      throw new PayloadKeysError(`key "${id}" is not base64`);
    }
    return payloadKey(id, Buffer.from(encoded, 'base64'));
  });
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (seen.has(id)) throw new PayloadKeysError(`key id "${id}" appears twice`);
    seen.add(id);
  }
  return keys;
}
