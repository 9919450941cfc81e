import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { createAuthyHttp } from '../../src/authy/http';
import type { DbPool } from '../../src/db/pool';
import { startOnboarding } from '../../src/client/onboarding';
import type { StartedOnboarding } from '../../src/client/onboarding';
import type { OnboardUserInput } from '../../src/shared/onboarding';
import { cancelUpdate, statusQuery } from '../../src/workflows/onboarding/messages';
import { runCli } from '../harness/cli';
import { createTestPool } from '../harness/database';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { FAST_TIMING, uniquePhone } from '../harness/onboarding';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';
import { waitFor } from '../harness/wait-for';

interface StatusJson {
  stage: string;
  userId: string;
  source: string;
  runStatus: string;
  runId: string;
  queryError?: string;
  approvalAttempts?: number;
}

describe('twofold onboarding status: where the answer comes from', () => {
  let temporal: TemporalHarness;
  let emulator: EmulatorHarness;
  let pool: DbPool;
  let worker: Worker;
  let running: Promise<void> | undefined;
  let taskQueue: string;
  const started: StartedOnboarding[] = [];

  async function start(queue: string): Promise<StartedOnboarding & { userId: string }> {
    const input: OnboardUserInput = {
      userId: `status-${randomUUID()}`,
      email: `person-${randomUUID().slice(0, 8)}@example.com`,
      countryCode: '1',
      cellphone: uniquePhone(),
      timing: FAST_TIMING,
    };
    const run = await startOnboarding(temporal.client, input, { taskQueue: queue });
    started.push(run);
    return { ...run, userId: input.userId };
  }
  const awaitingDevice = (run: StartedOnboarding) =>
    waitFor(
      () => run.handle.query(statusQuery),
      (s) => s.stage === 'awaiting_device',
      { timeoutMs: 60_000, what: `${run.workflowId} to await the device` },
    );
  const status = (userId: string, ...flags: string[]) =>
    runCli(['onboarding', 'status', userId, ...flags], { TEMPORAL_TASK_QUEUE: taskQueue });

  beforeAll(async () => {
    temporal = await connectTemporal();
    emulator = await startEmulator();
    pool = createTestPool();
    taskQueue = temporal.uniqueTaskQueue('cli-status');
    const authyHttp = createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey, timeoutMs: 5_000 });
    worker = await temporal.createWorker(taskQueue, { pool, authyHttp });
    running = worker.run();
  });
  afterAll(async () => {
    await Promise.all(started.map((run) => run.handle.terminate('test done').catch(() => undefined)));
    if (running) {
      worker.shutdown();
      await running;
    }
    await emulator.close();
    await pool.end();
    await temporal.close();
  });

  it('when a worker runs the onboarding, then status answers from the status query and exits 0', async () => {
    const run = await start(taskQueue);
    await awaitingDevice(run);
    const result = await status(run.userId, '--json');
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as StatusJson;
    expect(answer).toMatchObject({
      userId: run.userId,
      stage: 'awaiting_device',
      source: 'query',
      runStatus: 'RUNNING',
    });
    expect(answer.approvalAttempts).toBe(0);
    expect(answer.queryError).toBeUndefined();
  });

  describe('when no worker polls the task queue any more', () => {
    let completed: StartedOnboarding & { userId: string };
    let waiting: StartedOnboarding & { userId: string };

    beforeAll(async () => {
      completed = await start(taskQueue);
      waiting = await start(taskQueue);
      await Promise.all([awaitingDevice(completed), awaitingDevice(waiting)]);
      await completed.handle.executeUpdate(cancelUpdate, { args: [{ reason: 'status test' }] });
      await completed.handle.result();
      // The customer record of the waiting run is written by an activity: it exists before we stop.
      await waitFor(
        () =>
          pool.query<{ stage: string }>('select stage from onboardings where user_id = $1', [waiting.userId]),
        (r) => r.rows[0]?.stage === 'awaiting_device',
        { timeoutMs: 10_000, what: 'the customer record of the waiting run' },
      );
      worker.shutdown();
      await running;
      running = undefined;
    }, 120_000);

    it('when the run completed, then status answers from its result (no worker needed), says so, and exits 0', async () => {
      const json = await status(completed.userId, '--json', '--query-timeout', '2s');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        userId: completed.userId,
        stage: 'cancelled',
        reason: 'status test',
        source: 'result',
        runStatus: 'COMPLETED',
        runId: completed.runId,
      });
      const text = await status(completed.userId, '--query-timeout', '2s');
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^stage\s+cancelled$/m);
      expect(text.stdout).toMatch(/^source\s+workflow result \(the run completed\)$/m);
    });

    it('when the run is open and its query times out, then status prints the query error, falls back to the customer record, says so, and exits 1', async () => {
      const json = await status(waiting.userId, '--json', '--query-timeout', '2s');
      expect(json.code).toBe(1);
      const answer = JSON.parse(json.stdout) as StatusJson;
      expect(answer).toMatchObject({
        userId: waiting.userId,
        stage: 'awaiting_device',
        source: 'customer-record',
        runStatus: 'RUNNING',
        runId: waiting.runId,
      });
      // The server either says its pollers are gone, or nobody answers before the timeout.
      expect(answer.queryError).toMatch(
        new RegExp(
          `FAILED_PRECONDITION: no poller seen for task queue recently|no answer within 2s: a query needs a worker polling task queue ${taskQueue}`,
        ),
      );
      expect(json.stderr).toContain(
        `cannot query ${waiting.workflowId} (run ${waiting.runId}, RUNNING): ${answer.queryError}`,
      );
      expect(json.stderr).toMatch(/the status above is the customer record, not the run/);

      const text = await status(waiting.userId, '--query-timeout', '2s');
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^stage\s+awaiting_device$/m);
      expect(text.stdout).toMatch(
        /^source\s+customer record in PostgreSQL \(the query failed; it may lag the run\)$/m,
      );
    });
  });

  it('when the run was never picked up by any worker, then status says it cannot be queried and has no customer record, and exits 1', async () => {
    const run = await start(temporal.uniqueTaskQueue('nobody-polls'));
    const result = await status(run.userId, '--json', '--query-timeout', '1s');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ source: 'none', runStatus: 'RUNNING' });
    expect(result.stderr).toMatch(
      /cannot query .*: no answer within 1s: a query needs a worker polling task queue nobody-polls-/,
    );
    expect(result.stderr).toMatch(/it has no customer record yet/);
  });

  it('when the user has no onboarding, then it exits 1 saying so', async () => {
    const result = await status(`nobody-${randomUUID()}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no onboarding for user nobody-/);
  });

  it('when --query-timeout is not a duration, then it exits 2', async () => {
    const result = await status('someone', '--query-timeout', 'soon');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--query-timeout must be a duration/);
  });
});
