import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_HISTORY_SHARDS, DYNAMIC_CONFIG_PATH } from '../../scripts/temporal-postgres/settings';

const repoRoot = path.resolve(__dirname, '..', '..');

function compose(...args: string[]): string {
  return execFileSync('docker-compose', ['-f', path.join(repoRoot, 'docker-compose.yml'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, AUTHY_API_KEY: 'k', TWOFOLD_ADMIN_TOKEN: 't'.repeat(32) },
  });
}

describe('docker-compose.yml', () => {
  it('when parsed by docker-compose, then it is valid', () => {
    expect(() => compose('config', '-q')).not.toThrow();
  });

  function serviceBlocks(): Map<string, string> {
    const rendered = compose('config');
    const services = rendered.slice(
      rendered.indexOf('services:\n'),
      rendered.search(/\n(?:version|volumes):/),
    );
    const blocks = services.split(/\n {2}(?=[a-z])/).slice(1);
    return new Map(blocks.map((b) => [b.slice(0, b.indexOf(':')), b]));
  }

  it('when started without profiles, then it runs the production topology and the emulator stays out', () => {
    const blocks = serviceBlocks();
    expect([...blocks.keys()].sort()).toEqual(
      [
        'authy-emulator',
        'gateway',
        'migrate',
        'postgresql',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    for (const [name, block] of blocks) {
      if (name === 'authy-emulator') expect(block).toMatch(/profiles:\n\s+- dev/);
      else expect(block).not.toContain('profiles:');
    }
  });

  it('when the gateway is rendered, then its health check probes /readyz', () => {
    expect(serviceBlocks().get('gateway')).toContain('/readyz');
  });

  it('when rendered, then worker and gateway are built from the Dockerfile and wait for search attributes', () => {
    const blocks = serviceBlocks();
    for (const service of ['worker', 'gateway']) {
      const block = blocks.get(service) ?? '';
      expect(block).toContain('context:');
      expect(block).toContain('temporal-setup');
      expect(block).toContain('service_completed_successfully');
    }
  });

  /** `docker-compose config` as JSON (docker-compose 1.x prints YAML; PyYAML converts it). */
  function renderedServices(): Record<
    string,
    { image?: string; environment?: Record<string, unknown>; volumes?: string[] }
  > {
    const json = execFileSync(
      'python3',
      ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
      {
        encoding: 'utf8',
        input: compose('config'),
      },
    );
    return (JSON.parse(json) as { services: ReturnType<typeof renderedServices> }).services;
  }

  /** A version pinned in scripts/lib.sh, which the local postgres backend builds. */
  function pinned(name: string): string {
    const match = new RegExp(`^${name}="([^"]+)"$`, 'm').exec(
      readFileSync(path.join(repoRoot, 'scripts/lib.sh'), 'utf8'),
    );
    if (!match) throw new Error(`scripts/lib.sh pins no ${name}`);
    return match[1]!;
  }

  describe('and the local postgres backend (TEMPORAL_BACKEND=postgres, docs/temporal-backends.md)', () => {
    const services = renderedServices();

    it('when rendered, then the Temporal server and its admin tools run the version the local backend builds', () => {
      const version = pinned('TEMPORAL_SERVER_VERSION');
      expect(services.temporal?.image).toBe(`temporalio/auto-setup:${version}`);
      expect(services['temporal-setup']?.image).toBe(`temporalio/admin-tools:${version}`);
    });

    it('when rendered, then the Web UI runs the UI server version the local backend builds', () => {
      expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${pinned('TEMPORAL_UI_SERVER_VERSION')}`);
    });

    it('when rendered, then the server reads the committed dynamic config file the local backend reads', () => {
      const environment = services.temporal?.environment ?? {};
      const target = environment.DYNAMIC_CONFIG_FILE_PATH;
      expect(target).toMatch(/^\/etc\/temporal\/.+\.yaml$/);
      expect(services.temporal?.volumes).toContain(
        `${path.join(repoRoot, DYNAMIC_CONFIG_PATH)}:${String(target)}:ro`,
      );
      expect(readFileSync(path.join(repoRoot, 'deploy/temporal/server.yaml'), 'utf8')).toMatch(
        /dynamicConfigClient:\n\s+filepath: \$\{DYNAMIC_CONFIG_FILE\}\n/,
      );
    });

    it('when rendered, then a new cluster gets the history shard count of the local backend', () => {
      expect(Number(services.temporal?.environment?.NUM_HISTORY_SHARDS)).toBe(DEFAULT_HISTORY_SHARDS);
    });
  });
});
