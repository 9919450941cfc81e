import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateUp } from '../../src/db/migrate';
import { buildWorkflowBundle } from '../../src/worker';
import { LOCAL_DATABASE_URL } from '../../src/config';

const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * Runs once per Jest run: brings up (or reuses) the real Temporal dev server and PostgreSQL,
 * applies migrations, bundles the workflow code once, and exports what test files need via env.
 */
export default async function globalSetup(): Promise<void> {
  const output = execFileSync('bash', [path.join(repoRoot, 'scripts/stack.sh'), 'up'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = output
    .split('\n')
    .filter((line) => line.startsWith('started '))
    .map((line) => line.slice('started '.length).trim());

  // The scripts' cluster listens on TWOFOLD_PG_PORT (default 55432), so a second stack can run beside.
  process.env.DATABASE_URL ??= process.env.TWOFOLD_PG_PORT
    ? LOCAL_DATABASE_URL.replace(':55432/', `:${process.env.TWOFOLD_PG_PORT}/`)
    : LOCAL_DATABASE_URL;
  process.env.TEMPORAL_ADDRESS ??= '127.0.0.1:7233';
  process.env.LOG_LEVEL ??= 'warn';
  await migrateUp({ databaseUrl: process.env.DATABASE_URL });

  const bundle = await buildWorkflowBundle(quietLogger);
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'twofold-bundle-'));
  const workflowBundlePath = path.join(bundleDir, 'workflows.js');
  writeFileSync(workflowBundlePath, bundle);
  process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE = workflowBundlePath;

  const state = { started, workflowBundlePath };
  process.env.TWOFOLD_HARNESS_STATE = JSON.stringify(state);
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
