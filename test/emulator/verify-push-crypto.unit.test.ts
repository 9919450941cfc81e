import { generateKeyPairSync } from 'node:crypto';
import {
  decodeJwt,
  parsePushPublicKey,
  verifiesEs256,
  verifiesFactorSignature,
} from '../../src/authy-emulator/verify/push-crypto';
import { EmulatedPushDevice } from '../../src/authy-emulator/verify/device';
import { TestPushDevice } from './verify-support';

// Push SDK crypto vectors (P-256 test key, produced with node:crypto and verified independently with
// Python's `cryptography`): the factor proof, the SDK auth JWT and a challenge answer JWT, as the
// Verify Push SDKs (github.com/twilio/twilio-verify-android, twilio-verify-ios) build them.

const JWK = {
  x: 'wS2O2qjq1nBvijYbBURUAAqJL41Gk7giyA4D9K5gQB0',
  y: 'Z_PaDYbiGW3AifP8hx_D70JhYHS6mdBzCWk5ouTRX0U',
};
const PUBLIC_KEY =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwS2O2qjq1nBvijYbBURUAAqJL41Gk7giyA4D9K5gQB1n89oNhuIZbcCJ8/yHH8PvQmFgdLqZ0HMJaTmi5NFfRQ==';
const FACTOR_SID = 'YF0123456789abcdef0123456789abcdef';
const FACTOR_PROOF =
  'MEQCIFp6MB6/8nVpx09FtDa7bPz/3t0ofwgQMP8EwR74fr8GAiBC1zFxi0PY7jlYMyuMMFGHlo8ZxU0RSvZWuOg/RfioGQ==';
const AUTH_JWT =
  'eyJjdHkiOiJ0d2lsaW8tcGJhO3Y9MSIsImtpZCI6IkNSeHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHgiLCJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJBQ2FhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIiwiZXhwIjoxNzAwMDAwNjAwLCJuYmYiOjE3MDAwMDAwMDB9.Ecr8Ik75yBLeASrw_FMUu17b7n-oXkt1wW1qSi-dnDuKMxzeJx8eRJX7580d91RVzl8pposvEzzWFdUS9vuUlQ';
const CHALLENGE_JWT =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJzaWQiOiJZQzExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTExIiwiZmFjdG9yX3NpZCI6IllGMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYiLCJkZXRhaWxzIjp7Im1lc3NhZ2UiOiJMb2dpbj8iLCJkYXRlIjoiMjAyMy0xMS0xNFQyMjoxMzoyMFoiLCJmaWVsZHMiOlt7ImxhYmVsIjoiSVAiLCJ2YWx1ZSI6IjEuMi4zLjQifV19LCJoaWRkZW5fZGV0YWlscyI6eyJpcCI6IjEuMi4zLjQifSwiZXhwaXJhdGlvbl9kYXRlIjoiMjAyMy0xMS0xNFQyMjoxODoyMFoiLCJkYXRlX2NyZWF0ZWQiOiIyMDIzLTExLTE0VDIyOjEzOjIwWiIsImRhdGVfdXBkYXRlZCI6IjIwMjMtMTEtMTRUMjI6MTM6MjBaIiwic3RhdHVzIjoiYXBwcm92ZWQifQ.aZUbjmmOjl5H3OWEnEKhPYRJTgWze5wSfH-5U2NSaz4EEGRMlBXEGUp4i5riPPHC8cUh93Sk0GuBAe6fLefWdg';
const OAI_EXAMPLE_KEY =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8GdwtibWe0kpgsFl6xPQBwhtwUEyeJkeozFmi2jiJDzxFSMwVy3kVR1h/dPVYOfgkC0EkfBRJ0J/6xW47FD5vA==';

describe('push factor crypto (what the emulator checks for the Verify Push SDK)', () => {
  const key = parsePushPublicKey(PUBLIC_KEY)!;

  it("when given the SDKs' key encodings, then both parse; other keys and text are refused", () => {
    expect(key).toBeDefined();
    expect(parsePushPublicKey(OAI_EXAMPLE_KEY)).toBeDefined();
    // iOS builds the SPKI as a fixed 26-byte header + the 65-byte X9.63 point: the same bytes.
    const header = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(JWK.x, 'base64url'),
      Buffer.from(JWK.y, 'base64url'),
    ]);
    expect(Buffer.concat([header, point]).toString('base64')).toBe(PUBLIC_KEY);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    expect(
      parsePushPublicKey(p384.export({ type: 'spki', format: 'der' }).toString('base64')),
    ).toBeUndefined();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(
      parsePushPublicKey(rsa.export({ type: 'spki', format: 'der' }).toString('base64')),
    ).toBeUndefined();
    expect(parsePushPublicKey('MFk=')).toBeUndefined();
    expect(parsePushPublicKey('not base64!')).toBeUndefined();
  });

  it('when the factor proof is the vector, then it verifies for that SID only', () => {
    expect(verifiesFactorSignature(key, FACTOR_SID, FACTOR_PROOF)).toBe(true);
    expect(verifiesFactorSignature(key, FACTOR_SID.replace(/f$/, 'e'), FACTOR_PROOF)).toBe(false);
    expect(verifiesFactorSignature(key, FACTOR_SID, FACTOR_PROOF.replace('MEQCIFp6', 'MEQCIFp7'))).toBe(
      false,
    );
    expect(verifiesFactorSignature(key, FACTOR_SID, 'garbage')).toBe(false);
  });

  it('when the auth and challenge JWT vectors are checked, then both verify and decode to their claims', () => {
    const auth = decodeJwt(AUTH_JWT)!;
    expect(verifiesEs256(auth, key)).toBe(true);
    expect(auth.header).toEqual({
      cty: 'twilio-pba;v=1',
      kid: 'CR' + 'x'.repeat(32),
      typ: 'JWT',
      alg: 'ES256',
    });
    expect(auth.payload).toEqual({ sub: 'AC' + 'a'.repeat(32), exp: 1700000600, nbf: 1700000000 });
    const challenge = decodeJwt(CHALLENGE_JWT)!;
    expect(verifiesEs256(challenge, key)).toBe(true);
    expect(challenge.payload).toMatchObject({ status: 'approved', hidden_details: { ip: '1.2.3.4' } });
    const [header, payload, signature] = CHALLENGE_JWT.split('.') as [string, string, string];
    const altered = Buffer.from(JSON.stringify({ ...challenge.payload, status: 'denied' })).toString(
      'base64url',
    );
    expect(verifiesEs256(decodeJwt(`${header}.${altered}.${signature}`)!, key)).toBe(false);
    expect(decodeJwt(`${header}.${payload}`)).toBeUndefined();
    expect(decodeJwt('a.b.c')).toBeUndefined();
  });

  it("when the emulator's device and the tests' device sign, then the other side's checks accept them", () => {
    const emulated = new EmulatedPushDevice();
    const emulatedKey = parsePushPublicKey(emulated.publicKey)!;
    expect(verifiesFactorSignature(emulatedKey, FACTOR_SID, emulated.factorProof(FACTOR_SID))).toBe(true);
    expect(verifiesEs256(decodeJwt(emulated.jwt({ typ: 'JWT' }, { status: 'approved' }))!, emulatedKey)).toBe(
      true,
    );
    const test = new TestPushDevice();
    const testKey = parsePushPublicKey(test.publicKey)!;
    expect(verifiesFactorSignature(testKey, FACTOR_SID, test.proof(FACTOR_SID))).toBe(true);
    expect(verifiesEs256(decodeJwt(test.authToken('CR1'))!, testKey)).toBe(true);
    expect(verifiesEs256(decodeJwt(test.authToken('CR1'))!, emulatedKey)).toBe(false);
  });
});
