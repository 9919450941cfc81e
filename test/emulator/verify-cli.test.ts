import { spawn } from 'node:child_process';
import path from 'node:path';
import { DEV_TWILIO_ACCOUNT_SID, DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import { unusedPort } from '../harness/ports';
import { waitForDefined } from '../harness/wait-for';
import { verifyClient } from './verify-support';

// `twofold emulator` serves Verify v2 with the Twilio credentials of its environment, or prints
// the dev ones.
const BIN = path.join(__dirname, '..', '..', 'bin', 'twofold.js');

function emulatorProcess(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AUTHY_') && !key.startsWith('TWILIO_')),
  );
  const child = spawn(process.execPath, [BIN, 'emulator'], { env: { ...clean, ...env }, stdio: 'pipe' });
  const output = { stdout: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = () =>
    waitForDefined(() => (output.stdout.includes('control API:') ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the emulator to start',
    });
  return { child, output, exited, started };
}

describe('`twofold emulator` with Verify v2', () => {
  it('when no Twilio credentials are set, then it prints the dev account and accepts them', async () => {
    const port = await unusedPort();
    const run = emulatorProcess({ AUTHY_EMULATOR_PORT: String(port) });
    try {
      await run.started();
      expect(run.output.stdout).toContain(`TWILIO_ACCOUNT_SID      ${DEV_TWILIO_ACCOUNT_SID}`);
      expect(run.output.stdout).toContain(`${DEV_TWILIO_AUTH_TOKEN}  (dev default)`);
      const service = await verifyClient(`http://127.0.0.1:${port}`).verify.v2.services.create({
        friendlyName: 'cli',
      });
      expect(service.accountSid).toBe(DEV_TWILIO_ACCOUNT_SID);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });

  it('when TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set, then only those work and the token is never printed', async () => {
    const port = await unusedPort();
    const accountSid = `AC${'1'.repeat(32)}`;
    const authToken = 'a-real-looking-auth-token-not-to-print';
    const run = emulatorProcess({
      AUTHY_EMULATOR_PORT: String(port),
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
    });
    try {
      await run.started();
      expect(run.output.stdout).not.toContain(authToken);
      expect(run.output.stdout).toContain('(from TWILIO_AUTH_TOKEN)');
      const url = `http://127.0.0.1:${port}`;
      const client = verifyClient(url, accountSid, authToken);
      expect((await client.verify.v2.services.create({ friendlyName: 'env' })).accountSid).toBe(accountSid);
      await expect(verifyClient(url).verify.v2.services.list()).rejects.toMatchObject({
        status: 401,
        code: 20003,
      });
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
  });
});
