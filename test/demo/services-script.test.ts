import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createWebhooksApi } from '../../src/authy/webhooks-api';
import { DEV_AUTHY_KEYS } from '../../src/shared/dev-keys';
import { createIsolatedDatabase } from '../harness/isolated-database';
import type { IsolatedDatabase } from '../harness/isolated-database';
import { runServicesScript } from '../harness/cli';
import { unusedPort } from '../harness/ports';

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

// scripts/services.sh is what `make up`, `make down` and `make demo` use for the app processes. This
// runs it for real on free ports, with its own TWOFOLD_HOME and database, and never touches the
// shared stack (no worker: the worker's start-up is covered by the onboarding tests).
describe('scripts/services.sh (the app processes of make up / make demo)', () => {
  let home: string;
  let db: IsolatedDatabase;
  let env: NodeJS.ProcessEnv;
  let emulatorUrl: string;
  let gatewayUrl: string;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'twofold-home-'));
    db = await createIsolatedDatabase('demo');
    const [emulatorPort, gatewayPort] = [await unusedPort(), await unusedPort()];
    emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    env = {
      TWOFOLD_HOME: home,
      DATABASE_URL: db.url,
      AUTHY_EMULATOR_PORT: String(emulatorPort),
      GATEWAY_PORT: String(gatewayPort),
      // The gateway's admin listener (dashboard, /metrics) on a free port too, never the stack's 3001.
      ADMIN_PORT: String(await unusedPort()),
      AUTHY_API_URL: '',
      GATEWAY_PUBLIC_URL: '',
      AUTHY_WEBHOOK_SIGNING_KEY: '',
      AUTHY_ONETOUCH_CALLBACK_URL: '',
      LOG_LEVEL: 'info',
    };
  });

  afterAll(async () => {
    await runServicesScript(['down'], env);
    await db.drop();
    rmSync(home, { recursive: true, force: true });
  });

  const webhooks = () => createWebhooksApi({ baseUrl: emulatorUrl, ...DEV_AUTHY_KEYS }).list();

  it('when started, then the emulator and the gateway run in the background with pid files and logs, and the gateway webhook is registered through the Webhooks API', async () => {
    const up = await runServicesScript(['up', 'emulator', 'gateway'], env);
    expect(up.stderr).not.toMatch(/error/);
    expect(up.code).toBe(0);
    expect(up.stdout.trim().split('\n')).toEqual(['started emulator', 'started gateway']);
    expect(await answers(`${emulatorUrl}/_emulator/health`)).toBe(true);
    expect(await answers(`${gatewayUrl}/healthz`)).toBe(true);
    for (const name of ['emulator', 'gateway']) {
      expect(existsSync(path.join(home, 'run', `${name}.pid`))).toBe(true);
      expect(existsSync(path.join(home, 'log', `${name}.log`))).toBe(true);
    }
    const registered = await webhooks();
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({ url: `${gatewayUrl}/webhooks/authy` });
    expect(readFileSync(path.join(home, 'run', 'gateway.key'), 'utf8').trim()).toBe(
      registered[0]!.signing_key,
    );
  }, 150_000);

  it('when started again, then both are reused and no second webhook is registered', async () => {
    const again = await runServicesScript(['up', 'emulator', 'gateway'], env);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n')).toEqual(['reused emulator', 'reused gateway']);
    expect(await webhooks()).toHaveLength(1);
    const status = await runServicesScript(['status'], env);
    expect(status.stdout).toMatch(/emulator: up \(pid \d+/);
    expect(status.stdout).toMatch(/gateway: up \(pid \d+/);
    expect(status.stdout).toMatch(/worker: not started by these scripts/);
  }, 60_000);

  it('when stopped, then both processes are gone, their pid files removed, and a second stop does nothing', async () => {
    const pids = ['emulator', 'gateway'].map((name) =>
      Number(readFileSync(path.join(home, 'run', `${name}.pid`), 'utf8')),
    );
    const down = await runServicesScript(['down'], env);
    expect(down.code).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(await answers(`${gatewayUrl}/healthz`)).toBe(false);
    expect(await answers(`${emulatorUrl}/_emulator/health`)).toBe(false);
    expect(existsSync(path.join(home, 'run', 'gateway.pid'))).toBe(false);
    const twice = await runServicesScript(['down'], env);
    expect(twice).toMatchObject({ code: 0, stdout: '' });
  }, 60_000);

  it('when the gateway port is taken by something else, then up fails naming the port and the fix', async () => {
    const squatter = createHttpServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    const port = await new Promise<number>((resolve) =>
      squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as AddressInfo).port)),
    );
    try {
      const up = await runServicesScript(['up', 'gateway'], {
        ...env,
        GATEWAY_PORT: String(port),
        AUTHY_WEBHOOK_SIGNING_KEY: 'WSK_test',
      });
      expect(up.code).not.toBe(0);
      expect(up.stderr).toMatch(new RegExp(`port ${port} is taken by something that is not the gateway`));
      expect(up.stderr).toMatch(/GATEWAY_PORT/);
    } finally {
      squatter.closeAllConnections();
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
