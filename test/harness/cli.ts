import { execFile, spawn } from 'node:child_process';
import { waitFor } from './wait-for';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'twofold.js');
const servicesScript = path.join(root, 'scripts', 'services.sh');

/** What one `twofold …` (or script) run printed and how it exited. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` as a child process with `env` over the test's own; resolves however it exits. */
function runChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the real `twofold` command (bin/twofold.js) as a child process with extra env. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runChild(process.execPath, [bin, ...args], { LOG_LEVEL: 'warn', ...env }, 60_000);
}

/** Runs scripts/services.sh, what `make up`, `make down` and `make demo` use for the app processes. */
export function runServicesScript(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runChild('bash', [servicesScript, ...args], env, 120_000);
}

/** `twofold <line>`, the line split at spaces: for arguments that hold none ({@link runCli}). */
export function runCliLine(line: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(line.split(' '), env);
}

/** The `twofold onboarding start` arguments for one person in country 1, then `more`. */
export function onboardingStartArgs(
  person: { userId: string; email: string; cellphone: string },
  ...more: string[]
): string[] {
  const { userId, email, cellphone } = person;
  return [
    ...['onboarding', 'start', '--user-id', userId, '--email', email],
    ...['--country-code', '1', '--cellphone', cellphone],
    ...more,
  ];
}

/** How a long-running `twofold …` process went: whether it got ready, what it printed, its exit code. */
export interface StoppedCli {
  ready: boolean;
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Starts `twofold <args>` with exactly `env`, waits until its output (stdout or stderr) holds
 * `ready` or it exits, runs `whileReady` if it got ready, then stops it with SIGTERM (unless it
 * exited) and resolves once it has exited.
 */
export async function runCliUntilReady(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string,
  options: { timeoutMs: number; whileReady?: () => Promise<void> },
): Promise<StoppedCli> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const printed = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (printed.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (printed.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const isReady = () => printed.stdout.includes(ready) || printed.stderr.includes(ready);
  try {
    await waitFor(
      () => printed.stdout + printed.stderr,
      () => isReady() || child.exitCode !== null,
      { timeoutMs: options.timeoutMs, what: `twofold ${args.join(' ')} to print "${ready}"` },
    );
    if (isReady()) await options.whileReady?.();
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  const code = await exited;
  return { ready: isReady(), ...printed, code };
}
