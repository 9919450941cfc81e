import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runServicesScript } from '../harness/cli';
import { unusedPort } from '../harness/ports';

const healthy = (url: string) =>
  fetch(`${url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );

// `make up` starts the codec server through scripts/services.sh: run it for real on a free port with
// its own TWOFOLD_HOME, so the shared stack is never touched.
describe('scripts/services.sh codec (make up starts the codec server)', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let url: string;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'twofold-home-'));
    const port = await unusedPort();
    url = `http://127.0.0.1:${port}`;
    env = { TWOFOLD_HOME: home, CODEC_PORT: String(port), LOG_LEVEL: 'info' };
  });

  afterAll(async () => {
    await runServicesScript(['down', 'codec'], env);
    rmSync(home, { recursive: true, force: true });
  });

  it('when `up codec` runs twice and then `down codec`, then it starts, is reused, answers /decode, and stops', async () => {
    const up = await runServicesScript(['up', 'codec'], env);
    expect(up.code).toBe(0);
    expect(up.stdout.trim()).toBe('started codec');
    expect(await healthy(url)).toBe(true);
    const decoded = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(await decoded.json()).toEqual({ payloads: [] });

    const again = await runServicesScript(['up', 'codec'], env);
    expect(again.stdout.trim()).toBe('reused codec');
    expect((await runServicesScript(['status'], env)).stdout).toMatch(/codec: up \(pid \d+/);

    const down = await runServicesScript(['down', 'codec'], env);
    expect(down.code).toBe(0);
    expect(await healthy(url)).toBe(false);
  });
});
