import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * `docker-compose config` (no engine needed) as JSON. docker-compose 1.x prints only YAML; it is a
 * Python program that depends on PyYAML, so the same interpreter converts it.
 */
function rendered(): { services: Record<string, Record<string, unknown>> } {
  const yaml = execFileSync(
    'docker-compose',
    ['-f', path.join(repoRoot, 'docker-compose.yml'), '--profile', 'dev', 'config'],
    {
      encoding: 'utf8',
      env: { ...process.env, AUTHY_API_KEY: 'k', TWOFOLD_ADMIN_TOKEN: 't'.repeat(32) },
    },
  );
  const json = execFileSync(
    'python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    {
      encoding: 'utf8',
      input: yaml,
    },
  );
  return JSON.parse(json) as { services: Record<string, Record<string, unknown>> };
}

describe('docker-compose.yml brought to life (issue 6)', () => {
  const { services } = rendered();
  const commandOf = (name: string) => [services[name]?.entrypoint, services[name]?.command].flat().join(' ');

  it('when the worker starts, then it ensures the reporting schedule before it polls', () => {
    expect(commandOf('worker')).toMatch(/schedule ensure && exec node bin\/twofold\.js worker/);
  });

  it('when the worker runs in a container, then its cache, V8 heap and container memory are bounded as docs/operating.md#worker-memory sizes them', () => {
    expect(commandOf('worker')).toMatch(/worker --max-cached-workflows 1000\b/);
    const environment = services.worker?.environment as Record<string, string>;
    expect(environment.NODE_OPTIONS).toBe('--max-old-space-size=256');
    expect(environment.MALLOC_ARENA_MAX).toBe('2');
    expect(services.worker?.mem_limit).toBe('1g');
  });

  it('when the gateway and the emulator run in containers, then they listen on every interface', () => {
    expect(commandOf('gateway')).toMatch(/gateway --host 0\.0\.0\.0/);
    expect(commandOf('authy-emulator')).toMatch(/emulator --host 0\.0\.0\.0/);
  });

  it('when the dev profile runs, then OneTouch callbacks go to the gateway service and the emulator never gets the app keys', () => {
    const environment = services['authy-emulator']?.environment as Record<string, string>;
    expect(environment.AUTHY_ONETOUCH_CALLBACK_URL).toBe('http://gateway:3000/webhooks/authy/onetouch');
    expect(environment.AUTHY_API_KEY).toBeUndefined();
    const workerEnv = services.worker?.environment as Record<string, string>;
    expect(workerEnv.AUTHY_API_KEY).toBe('k');
  });
});
