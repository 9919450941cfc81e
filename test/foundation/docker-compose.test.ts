import { execFileSync } from 'node:child_process';
import path from 'node:path';

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
});
