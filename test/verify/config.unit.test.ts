import { ConfigError, loadConfig, verifyCredentialsProblem } from '../../src/config';
import { DEV_TWILIO_ACCOUNT_SID, DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import { verifyCredentials } from '../../src/verify/from-config';

// The Verify settings of loadConfig (docs/verify.md, "Configuration").

const SID = (prefix: string) => `${prefix}${'a1'.repeat(16)}`;

describe('Verify configuration', () => {
  it('when nothing is set, then the provider is authy, the factor totp and the real Verify URL is used without dev keys', () => {
    const config = loadConfig({});
    expect(config.provider).toBe('authy');
    expect(config.verify).toMatchObject({
      apiUrl: 'https://verify.twilio.com',
      factorType: 'totp',
      accountSid: '',
      authToken: '',
      isRemote: true,
      usesDevKeys: false,
    });
    expect(verifyCredentialsProblem(config.verify)).toMatch(/TWILIO_ACCOUNT_SID/);
  });

  it('when VERIFY_API_URL is a loopback emulator, then the dev account stands in for unset credentials', () => {
    const config = loadConfig({ VERIFY_API_URL: 'http://127.0.0.1:4010/', TWOFOLD_PROVIDER: 'verify' });
    expect(config.provider).toBe('verify');
    expect(config.verify).toMatchObject({
      apiUrl: 'http://127.0.0.1:4010',
      accountSid: DEV_TWILIO_ACCOUNT_SID,
      authToken: DEV_TWILIO_AUTH_TOKEN,
      usesDevKeys: true,
    });
    expect(verifyCredentialsProblem(config.verify, { needsService: true })).toMatch(/VERIFY_SERVICE_SID/);
  });

  it('when the gateway URL is public, then the dev account is refused even for a loopback VERIFY_API_URL', () => {
    const publicGateway = loadConfig({
      VERIFY_API_URL: 'http://127.0.0.1:4010',
      GATEWAY_PUBLIC_URL: 'https://hooks.example.com',
    });
    expect(publicGateway.verify.usesDevKeys).toBe(false);
    expect(publicGateway.verify.authToken).toBe('');
  });

  it('when an API key and secret are set, then REST calls use them; the auth token stays for signatures', () => {
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: SID('AC'),
      TWILIO_AUTH_TOKEN: 'token-of-the-account',
      TWILIO_API_KEY: SID('SK'),
      TWILIO_API_SECRET: 'secret-of-the-key',
      VERIFY_SERVICE_SID: SID('VA'),
      VERIFY_FACTOR_TYPE: 'push',
    });
    expect(verifyCredentials(config.verify)).toEqual({ username: SID('SK'), password: 'secret-of-the-key' });
    expect(config.verify.authToken).toBe('token-of-the-account');
    expect(config.verify.factorType).toBe('push');
    expect(verifyCredentialsProblem(config.verify, { needsService: true })).toBeUndefined();
  });

  it.each([
    [{ TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_ACCOUNT_SID'],
    [{ VERIFY_SERVICE_SID: 'XX' + 'a'.repeat(32) }, 'VERIFY_SERVICE_SID'],
    [{ TWOFOLD_PROVIDER: 'sms' }, 'TWOFOLD_PROVIDER'],
    [{ VERIFY_FACTOR_TYPE: 'sms' }, 'VERIFY_FACTOR_TYPE'],
    [{ VERIFY_API_URL: 'http://verify.example.com' }, 'VERIFY_API_URL'],
    [{ TWILIO_API_KEY: SID('SK') }, 'TWILIO_API_SECRET'],
  ])('when %o, then loadConfig names %s', (env, variable) => {
    const error = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toContain(variable);
  });
});
