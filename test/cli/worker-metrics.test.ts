import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { unusedPort } from '../harness/ports';
import { waitFor } from '../harness/wait-for';

// The SDK's Prometheus exporter lives in the native runtime, which exists once per process: the
// worker under test runs as its own process (`twofold worker --metrics-port`), as `make up` runs it.
const bin = path.resolve(__dirname, '..', '..', 'bin', 'twofold.js');

/** The metric names (without labels, buckets folded) a Prometheus text page exposes. */
function metricNames(page: string): Set<string> {
  return new Set(
    page
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, '')),
  );
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

/** Fewer than the SDK's default 10, so the poller gauge shows the flag took effect. */
const ACTIVITY_POLLERS = 3;

describe('twofold worker --metrics-port', () => {
  let temporal: TemporalHarness;
  let emulator: EmulatorHarness;
  let worker: ChildProcess;
  let exited: Promise<number | null>;
  let output = '';
  let metricsUrl: string;
  const taskQueue = `worker-metrics-${randomUUID()}`;

  beforeAll(async () => {
    temporal = await connectTemporal();
    emulator = await startEmulator();
    const port = await unusedPort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    const args = [
      'worker',
      '--metrics-port',
      String(port),
      '--activity-task-pollers',
      String(ACTIVITY_POLLERS),
    ];
    worker = spawn(process.execPath, [bin, ...args], {
      env: {
        ...process.env,
        TEMPORAL_TASK_QUEUE: taskQueue,
        AUTHY_API_URL: emulator.url,
        TWOFOLD_WORKFLOW_BUNDLE: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => worker.on('exit', (code) => resolve(code)));
    await waitFor(
      () => Promise.resolve(output),
      (text) => text.includes('worker started'),
      { timeoutMs: 90_000, what: `the worker to start (output so far: ${output.slice(-500)})` },
    );
  }, 120_000);

  afterAll(async () => {
    if (worker.exitCode === null) worker.kill('SIGTERM');
    await exited;
    await emulator.close();
    await temporal.close();
  });

  it('when it starts, then it logs the metrics URL and serves the SDK metrics there', async () => {
    expect(output).toContain(`"metrics":"${metricsUrl}"`);
    // The native runtime publishes the slot gauges once its pollers are up, a moment after the
    // worker logs that it started; wait for that export rather than reading the first page.
    const names = await waitFor(
      async () => metricNames(await scrape(metricsUrl)),
      (found) => found.has('temporal_worker_task_slots_available'),
      { timeoutMs: 30_000, what: 'the worker task slot gauge on /metrics' },
    );
    expect(names).toContain('temporal_worker_task_slots_available');
  });

  it('when started with --activity-task-pollers 3, then it keeps 3 activity polls open, not the default 10', async () => {
    const pollers = (page: string) =>
      Number(/temporal_num_pollers\{[^}]*poller_type="activity_task"[^}]*\} (\d+)/.exec(page)?.[1]);
    // The gauge rises as the pollers open: wait until it shows the flag's number (it never would
    // if the flag were ignored), then check it stays under it.
    await waitFor(
      () => scrape(metricsUrl),
      (text) => pollers(text) === ACTIVITY_POLLERS,
      { timeoutMs: 30_000, what: `${ACTIVITY_POLLERS} activity pollers on /metrics` },
    );
    expect(pollers(await scrape(metricsUrl))).toBeLessThanOrEqual(ACTIVITY_POLLERS);
  });

  it('when a workflow ran and another failed its workflow task, then /metrics has the workflow task, schedule-to-start, sticky cache and failure series for the task queue', async () => {
    const checked = await temporal.client.workflow.execute<() => Promise<{ databaseTime: string }>>(
      'checkStack',
      { taskQueue, workflowId: `metrics-check-${randomUUID()}` },
    );
    expect(typeof checked.databaseTime).toBe('string');
    // A workflow type this worker does not have fails every workflow task: what the
    // nondeterminism alert watches (failure_reason differs, the series is the same).
    const broken = await temporal.client.workflow.start('noSuchWorkflow', {
      taskQueue,
      workflowId: `metrics-broken-${randomUUID()}`,
    });
    try {
      const page = await waitFor(
        () => scrape(metricsUrl),
        (text) => /temporal_workflow_task_execution_failed\{[^}]*workflow_type="noSuchWorkflow"/.test(text),
        { timeoutMs: 30_000, what: 'the workflow task failure to be counted' },
      );
      const names = metricNames(page);
      for (const name of [
        'temporal_workflow_task_execution_latency',
        'temporal_workflow_task_schedule_to_start_latency',
        'temporal_workflow_task_replay_latency',
        'temporal_workflow_task_queue_poll_succeed',
        'temporal_workflow_task_execution_failed',
        'temporal_workflow_completed',
        'temporal_sticky_cache_size',
        'temporal_sticky_cache_hit',
        'temporal_activity_schedule_to_start_latency',
      ]) {
        expect({ name, exported: names.has(name) }).toEqual({ name, exported: true });
      }
      expect(page).toMatch(
        new RegExp(
          `temporal_workflow_task_execution_failed\\{failure_reason="[A-Za-z]+",[^}]*task_queue="${taskQueue}"[^}]*\\} [1-9]`,
        ),
      );
      expect(page).toMatch(
        new RegExp(`temporal_workflow_completed\\{[^}]*workflow_type="checkStack"[^}]*\\} 1`),
      );
    } finally {
      await broken.terminate('test done');
    }
  });

  it('when stopped with SIGTERM, then it exits 0 and the metrics listener closes', async () => {
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});
