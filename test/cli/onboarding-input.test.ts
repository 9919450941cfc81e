import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveContact } from '../../src/cli/commands/onboarding-contact';
import type { CliError } from '../../src/cli/context';
import { runCli } from '../harness/cli';
import { createOnboardingHarness, uniquePhone } from '../harness/onboarding';
import { useForAll } from '../harness/lifecycle';

const BIN = path.join(__dirname, '..', '..', 'bin', 'twofold.js');

/** Runs `twofold …` with `input` on its stdin. */
function runWithStdin(args: string[], env: NodeJS.ProcessEnv, input: string) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

async function usageError(work: Promise<unknown>): Promise<CliError> {
  const error = (await work.then(
    () => undefined,
    (e: unknown) => e,
  )) as CliError | undefined;
  expect(error?.name).toBe('CliError');
  expect(error?.exitCode).toBe(2);
  return error!;
}

describe('onboarding start: contact details from --input-file or stdin (kept out of argv)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'twofold-input-'));
  const file = (name: string, text: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, text);
    return at;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when every field is in the file, then the contact comes from the file (a numeric countryCode too)', async () => {
    const at = file(
      'ok.json',
      JSON.stringify({ email: 'f@example.com', countryCode: 44, cellphone: '7700900123' }),
    );
    await expect(resolveContact({}, at)).resolves.toEqual({
      email: 'f@example.com',
      countryCode: '44',
      cellphone: '7700900123',
    });
  });

  it('when the file holds some fields and flags the others, then they combine', async () => {
    const at = file('part.json', JSON.stringify({ email: 'p@example.com', cellphone: '5550100' }));
    await expect(resolveContact({ countryCode: '1' }, at)).resolves.toEqual({
      email: 'p@example.com',
      countryCode: '1',
      cellphone: '5550100',
    });
  });

  it('when a field is both a flag and in the file, then it is a usage error naming the flag', async () => {
    const at = file(
      'both.json',
      JSON.stringify({ email: 'x@example.com', countryCode: '1', cellphone: '5550100' }),
    );
    const error = await usageError(resolveContact({ email: 'y@example.com' }, at));
    expect(error.message).toContain('--email is given twice');
  });

  it('when a field is in neither, then it is a usage error naming the flag and the file key', async () => {
    const error = await usageError(resolveContact({ email: 'e@example.com', countryCode: '1' }, undefined));
    expect(error.message).toMatch(/missing --cellphone.*"cellphone" in --input-file/);
  });

  it.each([
    ['not JSON', 'email=x@example.com', /is not JSON/],
    ['an array', '["x@example.com"]', /\(file\)/],
    ['an unknown key', JSON.stringify({ email: 'u@example.com', phone: '5550100' }), /phone/],
    ['a wrong type', JSON.stringify({ email: 42 }), /email/],
  ])(
    'when the file is %s, then it is a usage error that does not echo the content',
    async (_what, text, message) => {
      const at = file(`bad-${text.length}.json`, text);
      const error = await usageError(resolveContact({}, at));
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('example.com');
      expect(error.message).not.toContain('5550100');
    },
  );

  it('when the file is missing or oversized, then it is a usage error naming the path', async () => {
    expect((await usageError(resolveContact({}, path.join(dir, 'absent.json')))).message).toContain(
      'cannot read',
    );
    const big = file('big.json', JSON.stringify({ email: 'b@example.com', pad: 'x'.repeat(20_000) }));
    expect((await usageError(resolveContact({}, big))).message).toMatch(/over \d+ bytes/);
    expect((await usageError(resolveContact({}, '/dev/zero'))).message).toMatch(/over \d+ bytes/);
  });

  describe('through the real command', () => {
    const h = useForAll(createOnboardingHarness);

    it('when the contact comes on stdin (--input-file -), then the onboarding starts with it and registers the user with Authy', async () => {
      const userId = `stdin-${Date.now()}`;
      const env = { TEMPORAL_TASK_QUEUE: h.taskQueue, AUTHY_API_URL: h.emulator.url };
      const started = await runWithStdin(
        ['onboarding', 'start', '--user-id', userId, '--input-file', '-', '--json'],
        env,
        JSON.stringify({ email: `${userId}@example.com`, countryCode: '1', cellphone: uniquePhone() }),
      );
      expect(started.stderr).toBe('');
      expect(started.code).toBe(0);
      const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
      const handle = h.temporal.client.workflow.getHandle(workflowId);
      // awaiting_device means Authy accepted the email and phone number the workflow got from stdin.
      const status = await h.waitForStage({ handle, workflowId }, 'awaiting_device');
      expect(status.authyId).toBeDefined();
      await handle.terminate('test done');
    });

    it('when stdin is not a contact object, then it exits 2 before touching Temporal', async () => {
      const result = await runWithStdin(
        ['onboarding', 'start', '--user-id', 'u-bad-stdin', '--input-file', '-'],
        { TEMPORAL_ADDRESS: '127.0.0.1:9' },
        'secret@example.com',
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--input-file - is not JSON');
      expect(result.stderr).not.toContain('secret@example.com');
    });

    it('when neither flags nor a file give the contact, then it exits 2 naming what is missing', async () => {
      const result = await runCli(['onboarding', 'start', '--user-id', 'u-nothing'], {
        TEMPORAL_ADDRESS: '127.0.0.1:9',
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('missing --email');
    });
  });
});
