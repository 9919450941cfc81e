import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SyncReportingEventsResult } from '../../src/shared/reporting';
import type { syncReportingEvents } from '../../src/workflows/reporting/sync-reporting-events';
import { createAuthyHttp } from '../../src/authy/http';
import { waitFor } from '../harness/wait-for';
import { randomPastWindow, sorted, useReportingHarness } from './support';
import type { ReportingHarness } from './support';

const repoRoot = path.resolve(__dirname, '..', '..');

/** `twofold worker` as a separate process on the harness's task queue, talking to its emulator. */
function spawnWorker(h: ReportingHarness): ChildProcess {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/twofold.js'), 'worker'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      AUTHY_API_URL: h.emulator.url,
      AUTHY_API_KEY: h.emulator.apiKey,
      TWOFOLD_WORKFLOW_BUNDLE: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  return child;
}

describe('syncReportingEvents when its worker dies', () => {
  let child: ChildProcess | undefined;
  // Declared before the harness, so the worker process is gone before the harness closes.
  afterAll(() => child?.kill('SIGKILL'));
  const h = useReportingHarness({ worker: false });

  it('when the worker process is killed mid-backfill and another worker takes over, then the result is still exact', async () => {
    const window = randomPastWindow(180);
    const seeded = await h.seedHistory(window, 40_000);
    await h.emulator.control('POST', '/faults', { api: [{ endpoint: 'reporting.events', latencyMs: 4 }] });
    child = spawnWorker(h);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const handle = await h.temporal.client.workflow.start<typeof syncReportingEvents>('syncReportingEvents', {
      taskQueue: h.taskQueue,
      workflowId: `reporting-crash-${h.seed}`,
      args: [{ window, concurrency: 4 }],
    });
    const before = await waitFor(
      () => h.storedIds(window),
      (ids) => ids.length >= 4_000,
      { what: 'the backfill to be under way in the child worker', timeoutMs: 45_000 },
    );
    expect(before.length).toBeLessThan(40_000);
    child.kill('SIGKILL');
    await exited;

    await h.emulator.control('POST', '/faults', { api: [] });
    const worker = await h.temporal.createWorker(h.taskQueue, {
      pool: h.pool,
      authyHttp: createAuthyHttp({ baseUrl: h.emulator.url, apiKey: h.emulator.apiKey }),
    });
    const result: SyncReportingEventsResult = await worker.runUntil(handle.result());
    expect(result.mode).toBe('backfill');
    const stored = await h.storedIds(window);
    expect(stored).toHaveLength(await h.groundTruthCount(window));
    expect(sorted(stored)).toEqual(sorted(seeded));
  });
});
