import { readFileSync } from 'node:fs';
import { ConfigError, EnvSchema, loadConfig, LOCAL_DATABASE_URL, MIN_KEY_LENGTH } from '../../src/config';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';
import { isLoopbackHost, isLoopbackUrl } from '../../src/shared/loopback';

function problemsOf(env: NodeJS.ProcessEnv, needs: Parameters<typeof loadConfig>[1] = {}) {
  try {
    loadConfig(env, needs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to reject the environment');
}

describe('loadConfig', () => {
  it('when the environment is empty, then it applies the documented local defaults', () => {
    const config = loadConfig({});
    expect(config.temporal).toMatchObject({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'twofold',
    });
    expect(config.databaseUrl).toBe(LOCAL_DATABASE_URL);
    expect(config.authy.apiUrl).toBe('https://api.authy.com');
    expect(config.gateway).toEqual({
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      webhookMaxAgeSeconds: 86_400,
    });
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 3001 });
    expect(config.emulator.port).toBe(4010);
    expect(config.logLevel).toBe('info');
  });

  it.each([
    ['GATEWAY_PORT', 'abc'],
    ['GATEWAY_PORT', '70000'],
    ['AUTHY_EMULATOR_PORT', '0'],
    ['TEMPORAL_ADDRESS', 'not an address'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['AUTHY_API_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['GATEWAY_PUBLIC_URL', 'example.com/no-scheme'],
  ])('when %s=%j, then it fails naming that variable', (variable, value) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems.map((p) => p.variable)).toEqual([variable]);
    expect(problems[0]!.message.length).toBeGreaterThan(0);
  });

  it('when several values are bad, then the message lists every one of them', () => {
    const problems = problemsOf({ GATEWAY_PORT: 'x', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['GATEWAY_PORT', 'LOG_LEVEL']);
  });

  it('when only one of TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY is set, then it fails naming the missing one', () => {
    expect(problemsOf({ TEMPORAL_TLS_CERT: '/tmp/cert.pem' }).map((p) => p.variable)).toEqual([
      'TEMPORAL_TLS_KEY',
    ]);
  });

  it('when the Authy API is the real one and the API key is needed but unset, then it fails naming AUTHY_API_KEY', () => {
    const problems = problemsOf({}, { needs: ['AUTHY_API_KEY'] });
    expect(problems.map((p) => p.variable)).toEqual(['AUTHY_API_KEY']);
    expect(problems[0]!.message).toContain('not a local emulator');
  });

  it('when the Authy API is a local emulator, then the dev keys fill in for unset credentials', () => {
    const config = loadConfig({ AUTHY_API_URL: 'http://127.0.0.1:4010/' }, { needs: ['AUTHY_API_KEY'] });
    expect(config.authy).toMatchObject({
      apiUrl: 'http://127.0.0.1:4010',
      apiKey: DEV_AUTHY_API_KEY,
      isRemote: false,
    });
  });

  it('when the Authy API is remote, then no dev credential is ever used', () => {
    const config = loadConfig({ AUTHY_API_URL: 'https://api.authy.com' });
    expect(config.authy.apiKey).toBe('');
    expect(config.authy.accessKey).toBeUndefined();
    expect(config.authy.apiSigningKey).toBeUndefined();
  });

  it('when a value is invalid, then the error message does not echo secrets from other variables', () => {
    try {
      loadConfig({ AUTHY_API_KEY: 'super-secret-key', GATEWAY_PORT: 'x' });
      throw new Error('expected failure');
    } catch (error) {
      expect((error as Error).message).not.toContain('super-secret-key');
    }
  });
});

describe('isLoopbackUrl / isLoopbackHost', () => {
  const loopback = [
    'http://127.0.0.1:4010',
    'http://127.255.3.4/',
    'http://127.1:4010',
    'http://0x7f000001/',
    'http://[::1]:4010',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:4010',
    'http://LOCALHOST/',
  ];
  const elsewhere = [
    'http://127.evil.example:4010',
    'http://127.0.0.1.nip.io/',
    'http://localhost.evil.example/',
    'http://localhost./',
    'http://128.0.0.1/',
    'http://10.0.0.1/',
    'http://[::2]/',
    'http://0.0.0.0/',
    'https://api.authy.com',
    'not a url',
  ];
  it.each([...loopback.map((url) => [url, 'loopback']), ...elsewhere.map((url) => [url, 'not loopback'])])(
    'when the URL is %s, then it is %s',
    (url, verdict) => {
      expect(isLoopbackUrl(url)).toBe(verdict === 'loopback');
    },
  );

  it('when given listen addresses, then 127.x, ::1 (bracketed or not) and localhost are loopback, 0.0.0.0 and names are not', () => {
    for (const host of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', '127.evil.example', 'authy-emulator'])
      expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('loadConfig production guards', () => {
  const LOCAL = { AUTHY_API_URL: 'http://127.0.0.1:4010' };

  it('when AUTHY_API_URL is a DNS name starting with 127., then it is refused as cleartext to a remote host and never gets dev keys', () => {
    expect(problemsOf({ AUTHY_API_URL: 'http://127.evil.example:4010' }).map((p) => p.variable)).toEqual([
      'AUTHY_API_URL',
    ]);
    const config = loadConfig({ AUTHY_API_URL: 'http://127.evil.example:4010', AUTHY_API_ALLOW_HTTP: '1' });
    expect(config.authy).toMatchObject({ apiKey: '', isRemote: true, usesDevKeys: false });
    expect(config.authy.accessKey).toBeUndefined();
  });

  it('when AUTHY_API_URL is http:// to a remote host, then it fails naming AUTHY_API_URL and the https rule', () => {
    const problems = problemsOf({ AUTHY_API_URL: 'http://api.authy.com' });
    expect(problems.map((p) => p.variable)).toEqual(['AUTHY_API_URL']);
    expect(problems[0]!.message).toMatch(/https:\/\/ unless it is a loopback address/);
  });

  it('when AUTHY_API_URL is http:// to a loopback address in another spelling, then the dev keys apply', () => {
    expect(loadConfig({ AUTHY_API_URL: 'http://127.1:4010' }).authy).toMatchObject({
      apiKey: DEV_AUTHY_API_KEY,
      usesDevKeys: true,
    });
  });

  it('when the gateway public URL is not loopback, then no dev key fills in and a needed key is required naming GATEWAY_PUBLIC_URL', () => {
    const env = { ...LOCAL, GATEWAY_PUBLIC_URL: 'https://hooks.example.com' };
    expect(loadConfig(env).authy).toMatchObject({ apiKey: '', usesDevKeys: false });
    const problems = problemsOf(env, { needs: ['AUTHY_API_KEY'] });
    expect(problems.map((p) => p.variable)).toEqual(['AUTHY_API_KEY']);
    expect(problems[0]!.message).toContain('GATEWAY_PUBLIC_URL');
  });

  it('when NODE_ENV=production, then no dev key fills in even on loopback', () => {
    // Production needs real payload keys too (test/codec covers that refusal).
    const env = { ...LOCAL, NODE_ENV: 'production', TWOFOLD_PAYLOAD_KEYS: `k1:${'A'.repeat(43)}=` };
    expect(loadConfig(env).authy).toMatchObject({ apiKey: '', usesDevKeys: false });
    expect(problemsOf(env, { needs: ['AUTHY_API_KEY'] })[0]!.message).toContain('NODE_ENV=production');
  });

  it.each([
    ['AUTHY_API_URL', 'javascript:alert(1)'],
    ['AUTHY_API_URL', 'ftp://api.authy.com'],
    ['GATEWAY_PUBLIC_URL', 'javascript:alert(1)'],
    ['TEMPORAL_UI_URL', 'javascript:alert(document.cookie)'],
    ['TEMPORAL_UI_URL', 'data:text/html,<script>alert(1)</script>'],
    ['AUTHY_ONETOUCH_CALLBACK_URL', 'file:///etc/passwd'],
  ])('when %s=%j (not http/https), then it fails naming that variable', (variable, value) => {
    const problems = problemsOf({ ...LOCAL, [variable]: value });
    expect(problems.map((p) => p.variable)).toEqual([variable]);
  });

  it.each([
    ['AUTHY_WEBHOOK_SIGNING_KEY', 'secret-without-the-prefix-0123456789'],
    ['AUTHY_WEBHOOK_SIGNING_KEY', 'WSK_zq9short'],
    ['AUTHY_WEBHOOK_SIGNING_KEY_PREVIOUS', 'WSK_zq'],
    ['AUTHY_API_KEY', 'zq'],
    ['AUTHY_ACCESS_KEY', 'short-key-zq'],
    ['AUTHY_API_SIGNING_KEY', '123'],
  ])(
    'when %s=%j (weak or not a WSK_ key), then it fails naming it without echoing the value',
    (variable, value) => {
      const problems = problemsOf({ ...LOCAL, [variable]: value });
      expect(problems.map((p) => p.variable)).toEqual([variable]);
      expect(problems[0]!.message).not.toContain(value);
    },
  );

  it('when the keys are long enough and the webhook key has its WSK_ prefix, then they are accepted as given', () => {
    const config = loadConfig({
      ...LOCAL,
      AUTHY_API_KEY: 'a'.repeat(MIN_KEY_LENGTH),
      AUTHY_WEBHOOK_SIGNING_KEY: 'WSK_' + 'b'.repeat(MIN_KEY_LENGTH),
    });
    expect(config.authy.apiKey).toBe('a'.repeat(MIN_KEY_LENGTH));
    expect(config.authy.webhookSigningKey).toBe('WSK_' + 'b'.repeat(MIN_KEY_LENGTH));
  });
});

describe('.env.example', () => {
  const lines = readFileSync(`${__dirname}/../../.env.example`, 'utf8').split('\n');
  const documented = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);

  it('when compared with the config schema, then it lists every variable and nothing else', () => {
    expect([...documented].sort()).toEqual(Object.keys(EnvSchema.shape).sort());
  });

  it('when loaded as written, then it is a valid configuration', () => {
    const env: Record<string, string> = {};
    for (const line of lines.filter((l) => /^[A-Z_]+=/.test(l))) {
      const at = line.indexOf('=');
      env[line.slice(0, at)] = line.slice(at + 1);
    }
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('when each variable is documented, then a comment line precedes it', () => {
    for (const name of documented) {
      const index = lines.findIndex((l) => l.startsWith(`${name}=`));
      const above = lines
        .slice(0, index)
        .reverse()
        .find((l) => !/^[A-Z_]+=/.test(l));
      expect(above?.startsWith('#')).toBe(true);
    }
  });
});
