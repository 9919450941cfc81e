import { readFileSync } from 'node:fs';
import { ConfigError, EnvSchema, loadConfig, LOCAL_DATABASE_URL } from '../../src/config';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';

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
    expect(config.gateway).toEqual({ port: 3000, publicUrl: 'http://127.0.0.1:3000' });
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
