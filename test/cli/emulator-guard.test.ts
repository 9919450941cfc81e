import { runCli, runCliUntilReady } from '../harness/cli';
import { unusedPort } from '../harness/ports';

/** A payload key for the production runs (production refuses the public dev key). */
const PAYLOAD_KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`;

/** Env of a child without the Authy keys of the test process. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([key]) => !key.startsWith('AUTHY_'));
  return { ...Object.fromEntries(kept), LOG_LEVEL: 'warn', TWOFOLD_PAYLOAD_KEYS: PAYLOAD_KEYS, ...extra };
}

/** Starts `twofold emulator …`, waits for its banner, checks it serves, then stops it with SIGTERM. */
async function startsAndServes(args: string[], env: Record<string, string>): Promise<void> {
  const port = await unusedPort();
  let health: number | undefined;
  const stopped = await runCliUntilReady(
    ['emulator', ...args],
    cleanEnv({ AUTHY_EMULATOR_PORT: String(port), ...env }),
    'control API:',
    {
      timeoutMs: 30_000,
      whileReady: async () => {
        health = (await fetch(`http://127.0.0.1:${port}/_emulator/health`)).status;
      },
    },
  );
  expect({ ready: stopped.ready, stderr: stopped.stderr, health, code: stopped.code }).toEqual({
    ready: true,
    stderr: '',
    health: 200,
    code: 0,
  });
}

describe('`twofold emulator` production guard', () => {
  it('when NODE_ENV=production, then it refuses to start (exit 78) naming the reason and the way out', async () => {
    const port = await unusedPort();
    const result = await runCli(
      ['emulator'],
      cleanEnv({ NODE_ENV: 'production', AUTHY_EMULATOR_PORT: String(port) }),
    );
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('refusing to start the Authy emulator: NODE_ENV=production');
    expect(result.stderr).toContain('--force');
    expect(result.stdout).not.toContain('listening');
  });

  it.each(['0.0.0.0', '::', '127.evil.example', '10.1.2.3'])(
    'when --host %s (not loopback), then it refuses to start naming the address',
    async (host) => {
      const result = await runCli(['emulator', '--host', host], cleanEnv({ NODE_ENV: 'test' }));
      expect(result.code).toBe(78);
      expect(result.stderr).toContain(`--host ${host} is not a loopback address`);
      expect(result.stdout).not.toContain('listening');
    },
  );

  it('when NODE_ENV=production and --force is given, then it starts and serves', async () => {
    await startsAndServes(['--force'], { NODE_ENV: 'production' });
  });

  it('when NODE_ENV=production and AUTHY_EMULATOR_FORCE=1, then it starts and serves', async () => {
    await startsAndServes([], { NODE_ENV: 'production', AUTHY_EMULATOR_FORCE: '1' });
  });

  it('when outside production on 127.0.0.1, then it starts without being forced', async () => {
    await startsAndServes(['--host', '127.0.0.1'], { NODE_ENV: 'development' });
  });
});
