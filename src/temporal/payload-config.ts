import { isLoopbackHost } from '../shared/loopback';
import { devPayloadKeys, parsePayloadKeys, PayloadKeysError } from './payload-keys';
import type { PayloadKey } from './payload-keys';

/** Raised for an unusable `TWOFOLD_CODEC_CORS_ORIGINS` entry. */
export class CodecOriginError extends Error {
  override name = 'CodecOriginError';
}

/** The host part of a Temporal `host:port` address (`[::1]:7233` → `::1`). */
export function temporalHost(address: string): string {
  const host = address.slice(0, address.lastIndexOf(':'));
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * The payload keyring from `TWOFOLD_PAYLOAD_KEYS`, or the public dev key when the variable is unset
 * and Temporal is on a loopback address (a local dev server) outside production. Anywhere else an
 * unset variable is an error: personal data would otherwise reach a shared store under a public key.
 */
export function resolvePayloadKeys(
  value: string | undefined,
  temporalAddress: string,
  nodeEnv: string | undefined,
): PayloadKey[] {
  if (value !== undefined) return parsePayloadKeys(value);
  if (!isLoopbackHost(temporalHost(temporalAddress))) {
    throw new PayloadKeysError(
      `required when TEMPORAL_ADDRESS (${temporalAddress}) is not local: keyId:base64key of 32 random bytes (docs/security.md, "Payload encryption")`,
    );
  }
  if (nodeEnv === 'production') {
    throw new PayloadKeysError('required when NODE_ENV=production: the dev payload key is public');
  }
  return devPayloadKeys();
}

/**
 * Origins whose pages may call the codec server (CORS): `TWOFOLD_CODEC_CORS_ORIGINS` when set, else
 * the configured Web UI's origin plus its 127.0.0.1/localhost twins.
 */
export function codecCorsOrigins(value: string | undefined, uiUrl: string, uiPort: number): string[] {
  if (value !== undefined) {
    return value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '')
      .map((origin) => {
        let parsed: URL;
        try {
          parsed = new URL(origin);
        } catch {
          throw new CodecOriginError(`"${origin}" is not an origin such as https://cloud.temporal.io`);
        }
        if (!/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
          throw new CodecOriginError(`"${origin}" is not an origin such as https://cloud.temporal.io`);
        }
        return parsed.origin;
      });
  }
  const origins = new Set([
    new URL(uiUrl).origin,
    `http://127.0.0.1:${uiPort}`,
    `http://localhost:${uiPort}`,
  ]);
  return [...origins];
}
