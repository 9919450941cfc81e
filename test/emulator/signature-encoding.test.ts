import qs from 'qs';
import { computeAuthySignature, sortedParamString } from '../../src/authy/signature';
import { startEmulator } from './helpers';
import { oneTouchCallbackOf } from './authy-client-callback';
import { independentSignature } from './independent-signature';
import { startReceiver } from './receiver';

// Reference: docs/authy-api.md#17-onetouch-callback-signature step 3 ("URL-encoded pairs"). Every
// Twilio snippet encodes "(" and ")" (%28/%29): the JS one (qs.stringify, RFC3986, then %20 -> +),
// Python's urlencode, Ruby's to_query, and authy-client's verifyCallback. The client's
// src/authy/signature.ts once left them unescaped (qs's RFC1738 format), so a OneTouch callback
// whose message or details held parentheses was signed differently from what Twilio computes.
describe('Authy signature encoding of parentheses (docs/authy-api.md §1.7 step 3)', () => {
  it('when a value contains parentheses, then they are percent-encoded as Twilio snippets do', () => {
    const params = { message: 'Sign in (web)' };
    expect(sortedParamString(params)).toBe(qs.stringify(params).replace(/%20/g, '+'));
    expect(sortedParamString(params)).toBe('message=Sign+in+%28web%29');
    const input = { key: 'k', nonce: '1455825429', method: 'POST', url: 'https://foo.bar/', params };
    expect(computeAuthySignature(input)).toBe(independentSignature(input));
  });

  it("when a OneTouch message contains parentheses, then authy-client's verifyCallback accepts the emulator's callback", async () => {
    const receiver = await startReceiver();
    const emu = await startEmulator({ oneTouchCallbackUrl: `${receiver.url}/cb` });
    try {
      const { client, callback } = await oneTouchCallbackOf(emu, receiver, {
        user: { email: 'p@example.com', phone: '7754615611' },
        message: 'Sign in (web)',
        status: 'approved',
      });
      await expect(client.verifyCallback(callback)).resolves.toBeDefined();
    } finally {
      await emu.close();
      await receiver.close();
    }
  });
});
