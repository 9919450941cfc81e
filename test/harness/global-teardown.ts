import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

/** Stops only the services this run's global setup started; a reused stack keeps running. */
export default function globalTeardown(): void {
  const state = JSON.parse(process.env.TWOFOLD_HARNESS_STATE ?? '{"started":[]}') as {
    started: string[];
    workflowBundlePath?: string;
  };
  if (state.workflowBundlePath)
    rmSync(path.dirname(state.workflowBundlePath), { recursive: true, force: true });
  if (state.started.length > 0) {
    execFileSync('bash', [path.resolve(__dirname, '../../scripts/stack.sh'), 'down', ...state.started], {
      stdio: 'inherit',
    });
  }
}
