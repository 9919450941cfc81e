import { execFile } from 'node:child_process';
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
