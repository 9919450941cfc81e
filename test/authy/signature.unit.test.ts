import {
  computeAuthySignature,
  signatureBaseString,
  sortedParamString,
  verifyAuthySignature,
} from '../../src/authy/signature';

// Reference: docs/authy-api.md#17-onetouch-callback-signature and #22-request-signing.
describe('Authy HMAC signatures (docs/authy-api.md §1.7)', () => {
  const vector = {
    key: 'foo',
    nonce: '1455825429',
    method: 'POST',
    url: 'https://foo.bar/',
    params: { foo: { bar: { biz: 'foo' } }, qux: 'net' },
  };

  it('when given the published nested-object vector, then the params flatten with encoded brackets', () => {
    expect(sortedParamString(vector.params)).toBe('foo%5Bbar%5D%5Bbiz%5D=foo&qux=net');
  });

  it('when given the published nested-object vector, then the signature matches the published value', () => {
    expect(computeAuthySignature(vector)).toBe('uq/wB8AR1Acvn0wFcjm7mmBJyR11nuuMhMy6semsAO8=');
  });

  it("when given the Webhooks API doc example (2.2), then the base string is the doc's", () => {
    const base = signatureBaseString({
      nonce: '1427849783.886085',
      method: 'post',
      url: 'https://api.authy.com/dashboard/json/application/webhooks?ignored=1',
      params: { b: 'val|ue&2', a: 'value1' },
    });
    expect(base).toBe(
      '1427849783.886085|POST|https://api.authy.com/dashboard/json/application/webhooks|a=value1&b=val%7Cue%262',
    );
  });

  it('when values contain parentheses, then they are escaped as Twilio escapes them', () => {
    expect(sortedParamString({ m: 'Login (web)' })).toBe('m=Login+%28web%29');
  });

  it('when values are null, booleans, spaced or arrays, then they encode per step 3', () => {
    expect(sortedParamString({ z: null, y: true, x: 'a b', w: ['2', '1'], v: {} })).toBe(
      'w%5B%5D=2&w%5B%5D=1&x=a+b&y=true&z=',
    );
  });

  it('when pairs share a key, then by-key keeps array order and by-pair sorts values', () => {
    expect(sortedParamString({ w: ['2', '1'] }, 'by-pair')).toBe('w%5B%5D=1&w%5B%5D=2');
  });

  it('when a signature was made with either ordering, then it verifies', () => {
    const input = { ...vector, params: { list: ['b', 'a'] } };
    expect(verifyAuthySignature(input, computeAuthySignature(input, 'by-key'))).toBe(true);
    expect(verifyAuthySignature(input, computeAuthySignature(input, 'by-pair'))).toBe(true);
  });

  it('when any signed part changes, then verification fails', () => {
    const signature = computeAuthySignature(vector);
    expect(verifyAuthySignature({ ...vector, nonce: '1455825430' }, signature)).toBe(false);
    expect(verifyAuthySignature({ ...vector, method: 'GET' }, signature)).toBe(false);
    expect(verifyAuthySignature({ ...vector, url: 'https://foo.bar/x' }, signature)).toBe(false);
    expect(verifyAuthySignature({ ...vector, key: 'bar' }, signature)).toBe(false);
    expect(verifyAuthySignature({ ...vector, params: { ...vector.params, qux: 'nat' } }, signature)).toBe(
      false,
    );
    expect(verifyAuthySignature(vector, '')).toBe(false);
    expect(verifyAuthySignature(vector, signature.slice(0, -2))).toBe(false);
  });

  it('when the URL carries a query string, then it is not signed (step 1)', () => {
    const signature = computeAuthySignature(vector);
    expect(verifyAuthySignature({ ...vector, url: 'https://foo.bar/?a=1' }, signature)).toBe(true);
  });
});
