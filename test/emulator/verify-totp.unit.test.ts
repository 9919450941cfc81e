import {
  base32Decode,
  base32Encode,
  hotp,
  otpauthUri,
  totpAccepts,
  totpCode,
} from '../../src/authy-emulator/verify/totp';
import type { TotpSettings } from '../../src/authy-emulator/verify/totp';

// RFC 6238 Appendix B (https://www.rfc-editor.org/rfc/rfc6238#appendix-B): the SHA-1 key is ASCII
// "12345678901234567890", which is the base32 seed of Twilio's OpenAPI TOTP factor example.
const RFC_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const settings = (overrides: Partial<TotpSettings> = {}): TotpSettings => ({
  secret: RFC_SEED,
  alg: 'sha1',
  timeStep: 30,
  codeLength: 6,
  skew: 1,
  ...overrides,
});

describe('TOTP (RFC 6238) as the emulator computes it', () => {
  it.each([
    [59, '94287082', '287082'],
    [1111111109, '07081804', '081804'],
    [1234567890, '89005924', '005924'],
    [2000000000, '69279037', '279037'],
  ])('when the time is %i, then the 8- and 6-digit codes are the RFC ones', (seconds, eight, six) => {
    expect(totpCode(settings({ codeLength: 8 }), seconds * 1000)).toBe(eight);
    expect(totpCode(settings(), seconds * 1000)).toBe(six);
  });

  it('when SHA-256 and SHA-512 keys of RFC 6238 are used, then the codes are the RFC ones', () => {
    const key256 = Buffer.from('12345678901234567890123456789012', 'ascii');
    const key512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii');
    expect(hotp(key256, Math.floor(59 / 30), 'sha256', 8)).toBe('46119246');
    expect(hotp(key512, Math.floor(59 / 30), 'sha512', 8)).toBe('90693936');
    expect(hotp(key256, Math.floor(1111111109 / 30), 'sha256', 8)).toBe('68084774');
    expect(hotp(key512, Math.floor(20000000000 / 30), 'sha512', 8)).toBe('47863826');
  });

  it('when a code is one step old or early, then skew 1 accepts it and skew 0 does not; two steps is refused', () => {
    const now = 1234567890 * 1000;
    const previous = totpCode(settings(), now - 30_000);
    const next = totpCode(settings(), now + 30_000);
    const older = totpCode(settings(), now - 60_000);
    expect(totpAccepts(settings(), previous, now)).toBe(true);
    expect(totpAccepts(settings(), next, now)).toBe(true);
    expect(totpAccepts(settings({ skew: 0 }), previous, now)).toBe(false);
    expect(totpAccepts(settings(), older, now)).toBe(false);
    expect(totpAccepts(settings({ skew: 2 }), older, now)).toBe(true);
  });

  it('when the time step is 60 s, then one code lasts a minute', () => {
    const s = settings({ timeStep: 60 });
    expect(totpCode(s, 60_000)).toBe(totpCode(s, 119_999));
    expect(totpCode(s, 60_000)).not.toBe(totpCode(s, 120_000));
  });

  it('when a code has the wrong length or non-digits, then it is refused', () => {
    const now = 59_000;
    expect(totpAccepts(settings(), '287082', now)).toBe(true);
    expect(totpAccepts(settings(), '0287082', now)).toBe(false);
    expect(totpAccepts(settings(), '28708', now)).toBe(false);
    expect(totpAccepts(settings(), '28708a', now)).toBe(false);
    expect(totpAccepts(settings(), '', now)).toBe(false);
  });

  it('when bytes round-trip through base32, then they come back, and a non-base32 seed is refused', () => {
    expect(base32Decode(RFC_SEED)?.toString('ascii')).toBe('12345678901234567890');
    expect(base32Encode(Buffer.from('12345678901234567890', 'ascii'))).toBe(RFC_SEED);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw6ytboi======')?.toString()).toBe('foobar');
    for (let length = 0; length < 40; length += 1) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + length) % 256));
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
    expect(base32Decode('ABC1')).toBeUndefined();
  });

  it("when a URI is built, then it has Twilio's example form: issuer:label, secret, issuer, ALG, digits, period", () => {
    expect(
      otpauthUri({ issuer: 'test-issuer', accountName: 'John’s Account Name', settings: settings() }),
    ).toBe(
      'otpauth://totp/test-issuer:John%E2%80%99s%20Account%20Name?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=test-issuer&algorithm=SHA1&digits=6&period=30',
    );
  });
});
