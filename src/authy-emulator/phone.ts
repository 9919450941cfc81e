import { createHash } from 'node:crypto';

/** SHA-256 hex digest: how Authy events carry phone numbers (docs/authy-api.md#34-event-records). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A phone as the emulator keys people: country calling code + national digits. */
export interface Phone {
  countryCode: number;
  /** Digits only. */
  cellphone: string;
}

/**
 * Parses `user[country_code]` and `user[cellphone]`: dashes, dots, spaces and parentheses are
 * allowed in the number (docs/authy-api.md#14-users); anything else makes the phone invalid (undefined).
 */
export function parsePhone(
  countryCode: unknown,
  cellphone: unknown,
): Phone | { invalid: 'country_code' | 'cellphone' } {
  const cc = typeof countryCode === 'number' ? String(countryCode) : countryCode;
  if (typeof cc !== 'string' || !/^\+?\d{1,4}$/.test(cc.trim()) || Number(cc.trim().replace('+', '')) === 0) {
    return { invalid: 'country_code' };
  }
  const raw = typeof cellphone === 'number' ? String(cellphone) : cellphone;
  if (typeof raw !== 'string') return { invalid: 'cellphone' };
  const digits = raw.replace(/[\s.\-()]/g, '');
  if (!/^\d{4,15}$/.test(digits)) return { invalid: 'cellphone' };
  return { countryCode: Number(cc.trim().replace('+', '')), cellphone: digits };
}

/** Identity key: same country code and digits, same person (docs/authy-api.md#14-users). */
export function phoneKey(phone: Phone): string {
  return `${phone.countryCode}:${phone.cellphone}`;
}

/** The digest the emulator puts in events: SHA-256 of `+<country code><digits>`. */
export function phoneHash(phone: Phone): string {
  return sha256(`+${phone.countryCode}${phone.cellphone}`);
}

/** `XXX-XXX-1234`, as users/status shows it (docs/authy-api.md#14-users). */
export function maskedPhone(phone: Phone): string {
  return `XXX-XXX-${phone.cellphone.slice(-4)}`;
}

/** `+1-XXX-XXX-1234`, as the sms and call answers show it (docs/authy-api.md#15-one-time-passwords). */
export function maskedCellphone(phone: Phone): string {
  return `+${phone.countryCode}-${maskedPhone(phone)}`;
}
