import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';
import { waitForDefined } from '../harness/wait-for';
import { unusedPort } from '../harness/ports';

// Reference: docs/contract.md sections 2 (AUTHY_EMULATOR_PORT), 6 (dev keys printed at start) and 7
// (`twofold emulator`).
const BIN = path.join(__dirname, '..', '..', 'bin', 'twofold.js');

function emulatorProcess(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AUTHY_')));
  const child = spawn(process.execPath, [BIN, 'emulator'], { env: { ...clean, ...env }, stdio: 'pipe' });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

describe('`twofold emulator` (docs/contract.md §7)', () => {
  it('when started, then it listens on AUTHY_EMULATOR_PORT, prints the URL and dev keys, and exits 0 on SIGTERM', async () => {
    const port = await unusedPort();
    const run = emulatorProcess({ AUTHY_EMULATOR_PORT: String(port), AUTHY_EMULATOR_SEED: '5' });
    try {
      await waitForDefined(() => (run.output.stdout.includes('control API:') ? true : undefined), {
        timeoutMs: 30_000,
        what: 'the emulator to start',
      });
      expect(run.output.stdout).toContain(`http://127.0.0.1:${port}`);
      expect(run.output.stdout).toContain(DEV_AUTHY_API_KEY);
      const health = (await (await fetch(`http://127.0.0.1:${port}/_emulator/health`)).json()) as {
        seed: number;
      };
      expect(health.seed).toBe(5);
      const api = await fetch(`http://127.0.0.1:${port}/protected/json/reporting/events`, {
        headers: { 'X-Authy-API-Key': DEV_AUTHY_API_KEY },
      });
      expect(api.status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
    expect(run.output.stdout).toContain('stopped (SIGTERM)');
  });

  it('when keys come from the environment, then they are used but never printed', async () => {
    const port = await unusedPort();
    const secret = 'a-real-looking-key-that-must-not-be-printed';
    const run = emulatorProcess({ AUTHY_EMULATOR_PORT: String(port), AUTHY_API_KEY: secret });
    try {
      await waitForDefined(() => (run.output.stdout.includes('control API:') ? true : undefined), {
        timeoutMs: 30_000,
        what: 'the emulator to start',
      });
      expect(run.output.stdout).not.toContain(secret);
      expect(run.output.stdout).toContain('(from AUTHY_API_KEY)');
      const api = await fetch(`http://127.0.0.1:${port}/protected/json/reporting/events`, {
        headers: { 'X-Authy-API-Key': secret },
      });
      expect(api.status).toBe(200);
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
  });

  it('when the port is taken, then it exits non-zero with a readable message', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const run = emulatorProcess({ AUTHY_EMULATOR_PORT: String(port) });
      expect(await run.exited).toBe(1);
      expect(run.output.stderr).toContain(`could not listen on 127.0.0.1:${port}`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
