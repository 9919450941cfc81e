import { createHmac } from 'node:crypto';

/** The HMAC a TOTP factor uses (`Config.Alg`). */
export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';
export const TOTP_ALGORITHMS: readonly TotpAlgorithm[] = ['sha1', 'sha256', 'sha512'];

/** What defines a TOTP factor's codes (RFC 6238 with Twilio's factor config names). */
export interface TotpSettings {
  /** Base32 seed, as Twilio hands it out in `binding.secret`. */
  secret: string;
  alg: TotpAlgorithm;
  /** Seconds per code (`time_step`). */
  timeStep: number;
  /** Digits per code (`code_length`). */
  codeLength: number;
  /** Codes of this many steps before and after now are accepted too (`skew`). */
  skew: number;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without padding (the form authenticator apps and Twilio use). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (any case, padding and spaces ignored); undefined when a character is not base32. */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32.indexOf(char);
    if (value === -1) return undefined;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The code for time step `counter` (RFC 4226 HOTP with dynamic truncation, RFC 6238 section 4). */
export function hotp(key: Buffer, counter: number, alg: TotpAlgorithm, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(alg, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code an authenticator app shows at `nowMs` for these settings. */
export function totpCode(settings: TotpSettings, nowMs: number): string {
  const key = base32Decode(settings.secret) ?? Buffer.alloc(0);
  return hotp(key, Math.floor(nowMs / 1000 / settings.timeStep), settings.alg, settings.codeLength);
}

/** Whether `code` is the code of now or of up to `skew` steps before or after it. */
export function totpAccepts(settings: TotpSettings, code: string, nowMs: number): boolean {
  if (!/^\d+$/.test(code) || code.length !== settings.codeLength) return false;
  const key = base32Decode(settings.secret) ?? Buffer.alloc(0);
  const counter = Math.floor(nowMs / 1000 / settings.timeStep);
  for (let delta = -settings.skew; delta <= settings.skew; delta += 1) {
    if (counter + delta >= 0 && hotp(key, counter + delta, settings.alg, settings.codeLength) === code)
      return true;
  }
  return false;
}

/**
 * The `binding.uri` Twilio returns for a TOTP factor (Google's key URI format): label
 * `<issuer>:<friendly name>`, then secret, issuer, algorithm (upper case), digits, period.
 */
export function otpauthUri(input: { issuer: string; accountName: string; settings: TotpSettings }): string {
  const { issuer, accountName, settings } = input;
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  return (
    `otpauth://totp/${label}?secret=${settings.secret}&issuer=${encodeURIComponent(issuer)}` +
    `&algorithm=${settings.alg.toUpperCase()}&digits=${settings.codeLength}&period=${settings.timeStep}`
  );
}
