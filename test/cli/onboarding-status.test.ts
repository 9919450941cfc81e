import { randomUUID } from 'node:crypto';
import { startOnboarding } from '../../src/client/onboarding';
import type { StartedOnboarding } from '../../src/client/onboarding';
import { cancelUpdate } from '../../src/workflows/onboarding/messages';
import { runCli } from '../harness/cli';
import { useForAll } from '../harness/lifecycle';
import { createOnboardingHarness, freshOnboardingInput } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';

interface StatusJson {
  stage: string;
  userId: string;
  source: string;
  runStatus: string;
  runId: string;
  reason?: string;
  queryError?: string;
  approvalAttempts?: number;
}

describe('twofold onboarding status: where the answer comes from', () => {
  const started: StartedOnboarding[] = [];
  // Declared before the harness, so it runs before the harness closes its Temporal client.
  afterAll(async () => {
    await Promise.all(started.map((run) => run.handle.terminate('test done').catch(() => undefined)));
  });
  const h = useForAll(() => createOnboardingHarness({ taskQueuePrefix: 'cli-status' }));

  /** Starts a fresh user's onboarding on `taskQueue` (default the worker's). */
  async function start(taskQueue = h.taskQueue): Promise<StartedOnboarding & { userId: string }> {
    const input = freshOnboardingInput('status');
    const run = await startOnboarding(h.temporal.client, input, { taskQueue });
    started.push(run);
    return { ...run, userId: input.userId };
  }
  const awaitingDevice = (run: StartedOnboarding) => h.waitForStage(run, 'awaiting_device', 60_000);
  const status = (userId: string, ...flags: string[]) =>
    runCli(['onboarding', 'status', userId, ...flags], { TEMPORAL_TASK_QUEUE: h.taskQueue });
  /** `status --json` for `userId`: expects exit `code` and an answer with at least `expected`. */
  async function expectStatusJson(
    userId: string,
    flags: string[],
    code: number,
    expected: Partial<StatusJson>,
  ): Promise<StatusJson & { stderr: string }> {
    const result = await status(userId, '--json', ...flags);
    expect(result.code).toBe(code);
    const answer = JSON.parse(result.stdout) as StatusJson;
    expect(answer).toMatchObject({ userId, ...expected });
    return { ...answer, stderr: result.stderr };
  }

  it('when a worker runs the onboarding, then status answers from the status query and exits 0', async () => {
    const run = await start();
    await awaitingDevice(run);
    const answer = await expectStatusJson(run.userId, [], 0, {
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
      completed = await start();
      waiting = await start();
      await Promise.all([awaitingDevice(completed), awaitingDevice(waiting)]);
      await completed.handle.executeUpdate(cancelUpdate, { args: [{ reason: 'status test' }] });
      await completed.handle.result();
      // The customer record of the waiting run is written by an activity: it exists before we stop.
      await waitFor(
        () =>
          h.pool.query<{ stage: string }>('select stage from onboardings where user_id = $1', [
            waiting.userId,
          ]),
        (r) => r.rows[0]?.stage === 'awaiting_device',
        { timeoutMs: 10_000, what: 'the customer record of the waiting run' },
      );
      await h.stopWorker();
    }, 120_000);

    it('when the run completed, then status answers from its result (no worker needed), says so, and exits 0', async () => {
      await expectStatusJson(completed.userId, ['--query-timeout', '2s'], 0, {
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
      const answer = await expectStatusJson(waiting.userId, ['--query-timeout', '2s'], 1, {
        stage: 'awaiting_device',
        source: 'customer-record',
        runStatus: 'RUNNING',
        runId: waiting.runId,
      });
      // The server either says its pollers are gone, or nobody answers before the timeout.
      expect(answer.queryError).toMatch(
        new RegExp(
          `FAILED_PRECONDITION: no poller seen for task queue recently|no answer within 2s: a query needs a worker polling task queue ${h.taskQueue}`,
        ),
      );
      expect(answer.stderr).toContain(
        `cannot query ${waiting.workflowId} (run ${waiting.runId}, RUNNING): ${answer.queryError}`,
      );
      expect(answer.stderr).toMatch(/the status above is the customer record, not the run/);

      const text = await status(waiting.userId, '--query-timeout', '2s');
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^stage\s+awaiting_device$/m);
      expect(text.stdout).toMatch(
        /^source\s+customer record in PostgreSQL \(the query failed; it may lag the run\)$/m,
      );
    });
  });

  it('when the run was never picked up by any worker, then status says it cannot be queried and has no customer record, and exits 1', async () => {
    const run = await start(h.temporal.uniqueTaskQueue('nobody-polls'));
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
