import fc from 'fast-check';
import twilio from 'twilio';
import { signVerifyWebhook } from '../../src/authy-emulator/verify/webhook-signature';
import {
  formParamsOf,
  isValidTwilioJsonSignature,
  isValidTwilioSignature,
  twilioSignature,
  urlVariants,
} from '../../src/twilio/signature';

// X-Twilio-Signature vectors from twilio-node's own test suite
// (https://github.com/twilio/twilio-node/blob/main/spec/validation.spec.js) and Twilio's docs page
// https://www.twilio.com/docs/usage/webhooks/webhooks-security, recomputed independently.

const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const P1 = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const BODY = '{"property": "value", "boolean": true}';
const BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
const EMPTY_BODY_HASH = '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

describe('X-Twilio-Signature (src/twilio/signature.ts) against the published vectors', () => {
  it.each([
    ['V1 plain URL', URL_, P1, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    [
      'V2 https with :443',
      'https://mycompany.com:443/myapp.php?foo=1&bar=2',
      P1,
      'kvajT1Ptam85bY51eRf/AJRuM3w=',
    ],
    ['V3 http with :80', 'http://mycompany.com:80/myapp.php?foo=1&bar=2', P1, '0ZXoZLH/DfblKGATFgpif+LLRf4='],
    [
      'V4 http with :1234',
      'http://mycompany.com:1234/myapp.php?foo=1&bar=2',
      P1,
      'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=',
    ],
    ['V5 special characters', `${URL_}&Body=It's+amazing`, P1, 'dsq4Ehbj6cs+KdTkpF5sSSplOWw='],
    [
      'V6 repeated parameter',
      URL_,
      { 'MessagingBinding.Address': ['+1325xxxxxxx', '+1415xxxxxxx'] },
      '83O6e2vORAoJHUNzJjDWN1jz+BA=',
    ],
    [
      'V6 repeated parameter, other order',
      URL_,
      { 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'] },
      '83O6e2vORAoJHUNzJjDWN1jz+BA=',
    ],
    [
      'V7 repeated values deduplicated and sorted',
      URL_,
      { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] },
      'IK+Dwps556ElfBT0I3Rgjkr1wJU=',
    ],
    ['V8 JSON body hash in the URL', `${URL_}&bodySHA256=${BODY_HASH}`, {}, 'a9nBmqA0ju/hNViExpshrM61xv4='],
    [
      'V9 only the body hash in the query',
      `https://mycompany.com/myapp.php?bodySHA256=${BODY_HASH}`,
      {},
      'y77kIzt2vzLz71DgmJGsen2scGs=',
    ],
    [
      'V10 empty JSON body, signed with :443',
      `https://mycompany.com:443/myapp.php?foo=1&bar=2&bodySHA256=${EMPTY_BODY_HASH}`,
      {},
      'Ldidvp12m26NI7eqEvxnEpkd9Hc=',
    ],
    [
      'V11 the docs example',
      URL_,
      {
        CallSid: 'CA1234567890ABCDE',
        Caller: '+12349013030',
        Digits: '1234',
        From: '+12349013030',
        To: '+18005551212',
      },
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    ],
  ])('when signing %s, then the signature is the published one', (_name, url, params, expected) => {
    expect(twilioSignature(TOKEN, url, params)).toBe(expected);
  });

  it('when the signed URL had the default port and the receiver sees none (and back), then the signature is still valid', () => {
    expect(
      isValidTwilioSignature({
        authToken: TOKEN,
        url: URL_,
        params: P1,
        signature: 'kvajT1Ptam85bY51eRf/AJRuM3w=',
      }),
    ).toBe(true);
    const withPort = 'https://mycompany.com:1234/myapp.php?foo=1&bar=2';
    expect(
      isValidTwilioSignature({
        authToken: TOKEN,
        url: withPort,
        params: P1,
        signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
      }),
    ).toBe(true);
    const http = 'http://mycompany.com/myapp.php?foo=1&bar=2';
    expect(
      isValidTwilioSignature({
        authToken: TOKEN,
        url: http,
        params: P1,
        signature: '0ZXoZLH/DfblKGATFgpif+LLRf4=',
      }),
    ).toBe(true);
  });

  it('when the URL carries credentials, then the port variants keep them', () => {
    expect(urlVariants('https://user:pass@mycompany.com/x?y=1')).toEqual([
      'https://user:pass@mycompany.com/x?y=1',
      'https://user:pass@mycompany.com:443/x?y=1',
    ]);
    expect(urlVariants('http://[::1]:3000/hook')).toEqual(['http://[::1]:3000/hook', 'http://[::1]/hook']);
  });

  it('when a JSON body arrives, then it is valid only if its SHA-256 matches the signed bodySHA256', () => {
    const url = `${URL_}&bodySHA256=${BODY_HASH}`;
    expect(
      isValidTwilioJsonSignature({
        authToken: TOKEN,
        url,
        body: BODY,
        signature: 'a9nBmqA0ju/hNViExpshrM61xv4=',
      }),
    ).toBe(true);
    const emptyUrl = `${URL_}&bodySHA256=${EMPTY_BODY_HASH}`;
    expect(
      isValidTwilioJsonSignature({
        authToken: TOKEN,
        url: emptyUrl,
        body: '{}',
        signature: 'Ldidvp12m26NI7eqEvxnEpkd9Hc=',
      }),
    ).toBe(true);
    expect(
      isValidTwilioJsonSignature({
        authToken: TOKEN,
        url,
        body: `${BODY} `,
        signature: 'a9nBmqA0ju/hNViExpshrM61xv4=',
      }),
    ).toBe(false);
    expect(
      isValidTwilioJsonSignature({
        authToken: TOKEN,
        url: URL_,
        body: BODY,
        signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
      }),
    ).toBe(false);
  });

  it('when a received form body repeats a name, then its parameters keep every value and the V6 signature validates', () => {
    const body = 'MessagingBinding.Address=%2B1415xxxxxxx&MessagingBinding.Address=%2B1325xxxxxxx&x=a+b';
    const params = formParamsOf(body);
    expect({ ...params }).toEqual({ 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'], x: 'a b' });
    const v6 = formParamsOf(
      'MessagingBinding.Address=%2B1415xxxxxxx&MessagingBinding.Address=%2B1325xxxxxxx',
    );
    expect(
      isValidTwilioSignature({
        authToken: TOKEN,
        url: URL_,
        params: v6,
        signature: '83O6e2vORAoJHUNzJjDWN1jz+BA=',
      }),
    ).toBe(true);
    expect(Object.keys(formParamsOf('__proto__=1&constructor=2'))).toEqual(['__proto__', 'constructor']);
  });

  it('when the signature, token, URL or a parameter differs, then it is refused', () => {
    const good = { authToken: TOKEN, url: URL_, params: P1, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' };
    expect(isValidTwilioSignature(good)).toBe(true);
    expect(isValidTwilioSignature({ ...good, signature: '' })).toBe(false);
    expect(isValidTwilioSignature({ ...good, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8' })).toBe(false);
    expect(isValidTwilioSignature({ ...good, authToken: '12346' })).toBe(false);
    expect(isValidTwilioSignature({ ...good, url: `${URL_}&somethingUnexpected=true` })).toBe(false);
    expect(isValidTwilioSignature({ ...good, params: { ...P1, Digits: '1235' } })).toBe(false);
    expect(isValidTwilioSignature({ ...good, params: { ...P1, Extra: '' } })).toBe(false);
  });
});

describe('three implementations agree: the emulator signer, src/twilio/signature.ts and twilio.validateRequest', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const fields = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 20 }).filter((name) => name !== '__proto__'),
    text,
    {
      maxKeys: 12,
    },
  );

  it('when the emulator signs any form fields for any URL, then both validators accept and a changed value is refused', () => {
    fc.assert(
      fc.property(fields, text, fc.webUrl({ withQueryParameters: true }), (params, token, url) => {
        const signature = signVerifyWebhook(token, url, new Map(Object.entries(params)));
        expect(twilioSignature(token, url, params)).toBe(signature);
        expect(isValidTwilioSignature({ authToken: token, url, params, signature })).toBe(true);
        expect(twilio.validateRequest(token, signature, url, params)).toBe(true);
        const tampered = { ...params, tampered: 'yes' };
        expect(isValidTwilioSignature({ authToken: token, url, params: tampered, signature })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
