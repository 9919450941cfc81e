import fc from 'fast-check';
import { computeAuthySignature, signatureBaseString, verifyAuthySignature } from '../../src/authy/signature';
import type { ParamOrdering } from '../../src/authy/signature';
import {
  authySignedData,
  isAuthyRequestSigned,
  signAuthyRequest,
} from '../../src/authy-emulator/request-signature';
import type { PairOrder } from '../../src/authy-emulator/request-signature';
import { AUTHY_SIGNATURE_VECTORS } from './authy-signature-vectors';
import { independentSignature } from './independent-signature';

// docs/authy-api.md#17-onetouch-callback-signature and #22-request-signing, read three times: the
// client's src/authy/signature.ts (the gateway verifies callbacks, the CLI signs Webhooks API calls),
// the emulator's src/authy-emulator/request-signature.ts (signs callbacks, verifies Webhooks API
// calls) and the test's independent-signature.ts. Each must agree with the published values and
// accept what the other side signs.

/** The client's and the emulator's names for the same two pair orders. */
const ORDERS: readonly [ParamOrdering, PairOrder][] = [
  ['by-key', 'name'],
  ['by-pair', 'pair'],
];

describe('the published vectors of docs/authy-api.md §1.7 and §2.2', () => {
  it('when the emulator signs them, then it reproduces the published signatures, as the client and the independent reading do', () => {
    for (const { input, signature } of AUTHY_SIGNATURE_VECTORS) {
      expect(signAuthyRequest(input)).toBe(signature);
      expect(computeAuthySignature(input)).toBe(signature);
      expect(independentSignature(input)).toBe(signature);
    }
  });

  it("when the emulator builds the Webhooks API doc example's signed data, then it is the doc's", () => {
    expect(
      authySignedData({
        nonce: '1427849783.886085',
        method: 'post',
        url: 'https://api.authy.com/dashboard/json/application/webhooks?ignored=1',
        params: { b: 'val|ue&2', a: 'value1' },
      }),
    ).toBe(
      '1427849783.886085|POST|https://api.authy.com/dashboard/json/application/webhooks|a=value1&b=val%7Cue%262',
    );
  });

  it("when either side signs a vector, then the other side's verifier accepts it and refuses it altered", () => {
    for (const { input, signature } of AUTHY_SIGNATURE_VECTORS) {
      expect(verifyAuthySignature(input, signAuthyRequest(input))).toBe(true);
      expect(isAuthyRequestSigned(input, computeAuthySignature(input))).toBe(true);
      expect(isAuthyRequestSigned(input, signature)).toBe(true);
      for (const altered of [
        { ...input, nonce: `${input.nonce}0` },
        { ...input, method: 'GET' },
        { ...input, url: `${input.url}x` },
        { ...input, key: `${input.key}x` },
        { ...input, params: { ...input.params, extra: '' } },
      ]) {
        expect(isAuthyRequestSigned(altered, signature)).toBe(false);
      }
      expect(isAuthyRequestSigned(input, signature.slice(0, -2))).toBe(false);
      expect(isAuthyRequestSigned(input, '')).toBe(false);
    }
  });
});

/** Text with what step 3 must encode: spaces, reserved and unreserved punctuation, non-ASCII. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.stringMatching(/^[ a-zA-Z0-9()&=|[\]+%~*'!._\-/?#]{0,8}$/),
);
const key = text.filter((k) => k !== '__proto__');
/** JSON-shaped parameters: what a JSON body, a form or a query parses to. */
const params = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
  root: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
})).root;

const request = fc.record({
  key: fc.string({ minLength: 1, maxLength: 40 }),
  nonce: fc.stringMatching(/^\d{10}(\.\d{1,6})?$/),
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'post'),
  url: fc.constantFrom(
    'https://api.authy.com/dashboard/json/application/webhooks',
    'http://127.0.0.1:3000/webhooks/authy/onetouch?from=query',
    'https://example.com/a%20path/',
  ),
  params,
});

describe('the client and the emulator on any JSON-shaped request', () => {
  it('when both sign the same request, then they sign the same data under each pair order, and each verifies the other', () => {
    fc.assert(
      fc.property(request, (input) => {
        for (const [clientOrder, emulatorOrder] of ORDERS) {
          expect(authySignedData(input, emulatorOrder)).toBe(signatureBaseString(input, clientOrder));
          const byEmulator = signAuthyRequest(input, emulatorOrder);
          expect(byEmulator).toBe(computeAuthySignature(input, clientOrder));
          expect(verifyAuthySignature(input, byEmulator)).toBe(true);
          expect(isAuthyRequestSigned(input, computeAuthySignature(input, clientOrder))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
