import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const composeFile = path.join(__dirname, '..', '..', 'docker-compose.yml');
const ADMIN_TOKEN = 'a'.repeat(64);
/** Keys that look real: they must reach the app services and never the emulator. */
const REAL_KEYS = {
  AUTHY_API_KEY: 'real-api-key-0123456789abcdef01',
  AUTHY_ACCESS_KEY: 'real-access-key-0123456789abcdef',
  AUTHY_API_SIGNING_KEY: 'real-signing-key-0123456789abcde',
  AUTHY_WEBHOOK_SIGNING_KEY: 'WSK_real0123456789abcdef0123456789',
};

type Port = string | { published?: number | string; target?: number; host_ip?: string };
interface Service {
  ports?: Port[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
}

/** `docker-compose --profile dev config` (no engine needed) as JSON, with `env` overriding. */
function rendered(env: Record<string, string | undefined>): Record<string, Service> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(AUTHY_|TWOFOLD_|GATEWAY_)/.test(key)),
  );
  const yaml = execFileSync('docker-compose', ['-f', composeFile, '--profile', 'dev', 'config'], {
    encoding: 'utf8',
    env: { ...base, TWOFOLD_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
  });
  const json = execFileSync(
    'python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    {
      encoding: 'utf8',
      input: yaml,
    },
  );
  return (JSON.parse(json) as { services: Record<string, Service> }).services;
}

/** Each published port as `service host_ip:published->target` (no host_ip = every interface). */
function publishedPorts(services: Record<string, Service>) {
  return Object.entries(services).flatMap(([name, service]) =>
    (service.ports ?? []).map((port) => {
      if (typeof port === 'string') {
        const parts = port.replace(/\/tcp$/, '').split(':');
        const [hostIp, published, target] = parts.length === 3 ? parts : ['', parts[0], parts[1] ?? parts[0]];
        return { service: name, hostIp, published: Number(published), target: Number(target) };
      }
      return {
        service: name,
        hostIp: port.host_ip ?? '',
        published: Number(port.published ?? port.target),
        target: Number(port.target),
      };
    }),
  );
}

describe('docker-compose.yml exposure (docs/security.md)', () => {
  const services = rendered(REAL_KEYS);

  it('when rendered with every profile, then no port is bound beyond 127.0.0.1 except the public webhook port', () => {
    const ports = publishedPorts(services);
    const beyondLoopback = ports.filter((p) => p.hostIp !== '127.0.0.1');
    expect(beyondLoopback).toEqual([{ service: 'gateway', hostIp: '', published: 3000, target: 3000 }]);
    const loopback = ports.filter((p) => p.hostIp === '127.0.0.1').map((p) => `${p.service}:${p.published}`);
    expect(loopback.sort()).toEqual([
      'authy-emulator:4010',
      'gateway:3001',
      'temporal-ui:8233',
      'temporal:7233',
    ]);
    expect(services.postgresql?.ports).toBeUndefined();
  });

  it("when rendered, then the Web UI's write actions are off", () => {
    expect(services['temporal-ui']?.environment?.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
  });

  it('when AUTHY_API_URL is not set, then worker and gateway talk to the real Authy API, never the emulator', () => {
    for (const name of ['worker', 'gateway', 'migrate'])
      expect(services[name]?.environment?.AUTHY_API_URL).toBe('https://api.authy.com');
  });

  it('when real keys are in the environment, then the app gets them and the emulator gets none of them', () => {
    expect(services.worker?.environment?.AUTHY_API_KEY).toBe(REAL_KEYS.AUTHY_API_KEY);
    const emulator = JSON.stringify(services['authy-emulator']);
    for (const key of Object.values(REAL_KEYS)) expect(emulator).not.toContain(key);
    // Nothing credential-like at all (Authy keys, Twilio tokens): only its own settings.
    expect(Object.keys(services['authy-emulator']?.environment ?? {}).sort()).toEqual([
      'AUTHY_EMULATOR_PORT',
      'AUTHY_ONETOUCH_CALLBACK_URL',
      'NODE_ENV',
    ]);
  });

  it('when the emulator runs in its container, then it is forced past its loopback guard, outside production', () => {
    expect(services['authy-emulator']?.command).toEqual(['emulator', '--host', '0.0.0.0', '--force']);
    expect(services['authy-emulator']?.environment?.NODE_ENV).toBe('development');
  });

  it('when the admin listener leaves the container loopback, then it carries the bearer token', () => {
    expect(services.gateway?.environment).toMatchObject({
      ADMIN_HOST: '0.0.0.0',
      TWOFOLD_ADMIN_TOKEN: ADMIN_TOKEN,
    });
  });

  it('when TWOFOLD_ADMIN_TOKEN is not set, then docker-compose refuses the file naming it', () => {
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('TWOFOLD_')),
    );
    const result = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], {
      encoding: 'utf8',
      env: base,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('TWOFOLD_ADMIN_TOKEN');
  });

  it('when rendered, then migrations run as the owner role and worker and gateway as the DML-only role, after them', () => {
    expect(services.migrate?.command).toEqual(['db', 'migrate']);
    expect(services.migrate?.environment?.DATABASE_URL).toMatch(
      /^postgres:\/\/twofold:[^@]+@postgresql:5432\/twofold$/,
    );
    for (const name of ['worker', 'gateway']) {
      expect(services[name]?.environment?.DATABASE_URL).toMatch(
        /^postgres:\/\/twofold_app:[^@]+@postgresql:5432\/twofold$/,
      );
      expect(services[name]?.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(services.temporal?.environment?.POSTGRES_USER).toBe('temporal');
  });
});
