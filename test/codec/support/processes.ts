import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(repoRoot, 'bin', 'twofold.js');

/** A `twofold …` child process whose whole output (stdout and stderr) is kept for inspection. */
export interface TwofoldProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with its exit code once it has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `twofold <args>` with `env` on top of the test's environment. */
export function startTwofold(name: string, args: string[], env: NodeJS.ProcessEnv): TwofoldProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    output: () => Buffer.concat(chunks).toString('utf8'),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Paths the bootstrap scripts use (scripts/lib.sh), so a test looks where the stack really writes. */
export function stackPaths(): { temporalBin: string; temporalDbFile: string } {
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source "${path.join(repoRoot, 'scripts', 'lib.sh')}" && printf '%s\\n%s' "$TEMPORAL_BIN" "$TEMPORAL_DB_FILE"`,
    ],
    { encoding: 'utf8' },
  );
  const [temporalBin, temporalDbFile] = out.split('\n');
  return { temporalBin: temporalBin!, temporalDbFile: temporalDbFile! };
}
