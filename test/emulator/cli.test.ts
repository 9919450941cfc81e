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

/**
 * Runs `twofold emulator` on `port` with `env`, waits for it to print its control API, runs `whileUp`,
 * then stops it with `signal` and expects it to exit 0; answers the run for what it printed.
 */
async function runUntilStopped(
  port: number,
  env: Record<string, string>,
  signal: NodeJS.Signals,
  whileUp: (output: { stdout: string }) => Promise<void>,
) {
  const run = emulatorProcess({ AUTHY_EMULATOR_PORT: String(port), ...env });
  try {
    await waitForDefined(() => (run.output.stdout.includes('control API:') ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the emulator to start',
    });
    await whileUp(run.output);
  } finally {
    run.child.kill(signal);
  }
  expect(await run.exited).toBe(0);
  return run.output;
}

/** The HTTP status of a Reporting API call to the emulator on `port` with `apiKey`. */
async function reportingStatus(port: number, apiKey: string): Promise<number> {
  const answer = await fetch(`http://127.0.0.1:${port}/protected/json/reporting/events`, {
    headers: { 'X-Authy-API-Key': apiKey },
  });
  return answer.status;
}

describe('`twofold emulator` (docs/contract.md §7)', () => {
  it('when started, then it listens on AUTHY_EMULATOR_PORT, prints the URL and dev keys, and exits 0 on SIGTERM', async () => {
    const port = await unusedPort();
    const output = await runUntilStopped(
      port,
      { AUTHY_EMULATOR_SEED: '5' },
      'SIGTERM',
      async ({ stdout }) => {
        expect(stdout).toContain(`http://127.0.0.1:${port}`);
        expect(stdout).toContain(DEV_AUTHY_API_KEY);
        const health = (await (await fetch(`http://127.0.0.1:${port}/_emulator/health`)).json()) as {
          seed: number;
        };
        expect(health.seed).toBe(5);
        expect(await reportingStatus(port, DEV_AUTHY_API_KEY)).toBe(200);
      },
    );
    expect(output.stdout).toContain('stopped (SIGTERM)');
  });

  it('when keys come from the environment, then they are used but never printed', async () => {
    const port = await unusedPort();
    const secret = 'a-real-looking-key-that-must-not-be-printed';
    await runUntilStopped(port, { AUTHY_API_KEY: secret }, 'SIGINT', async ({ stdout }) => {
      expect(stdout).not.toContain(secret);
      expect(stdout).toContain('(from AUTHY_API_KEY)');
      expect(await reportingStatus(port, secret)).toBe(200);
    });
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
