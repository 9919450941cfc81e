import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StartedOnboarding } from '../../src/client/onboarding';
import type { ReplayCheckResult } from '../../src/client/replay-check';
import { runCli, runCliLine } from '../harness/cli';
import { useForAll } from '../harness/lifecycle';
import { createOnboardingHarness } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';
import { cancelSignal } from '../../src/workflows/onboarding/messages';

// The history of a chaos run whose workflow clock was stale in one activation (see docs/onboarding.md,
// "Durability"): it does not replay against any code, which makes it the known-bad input.
const fixture = path.join(__dirname, '..', 'fixtures', 'onboarding-nondeterminism-history.json');
const FIXTURE_WORKFLOW_ID = 'onboarding-chaos2651-mx02821w-031';
const FIXTURE_RUN_ID = '01a220f3-91ae-7619-b72a-a5a5aabb5f39';
const historiesDir = path.join(__dirname, '..', 'onboarding', 'histories');
const committed = readdirSync(historiesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => path.join(historiesDir, f));

/** The CLI replays against the bundle the global setup built, instead of bundling again. */
const env = () => ({ TWOFOLD_WORKFLOW_BUNDLE: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE! });
const fileArgs = (files: string[]) => files.flatMap((f) => ['--history-file', f]);

describe('twofold onboarding replay-check', () => {
  it('when given the chaos history that does not replay, then it exits 1 naming its workflow id, run id and the nondeterminism error', async () => {
    const result = await runCli(['onboarding', 'replay-check', ...fileArgs([fixture])], env());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `${FIXTURE_WORKFLOW_ID} run ${FIXTURE_RUN_ID} does not replay: [TMPRL1100] Nondeterminism error: Activity machine does not handle this event: HistoryEvent(id: 86, TimerStarted)`,
    );
    expect(result.stdout).toMatch(/checked 1 history file\(s\): 0 replay, 1 do not/);
    expect(result.stderr).toMatch(/replayed 1 of 1 \(1 do not replay\)/);
    expect(result.stderr).toMatch(/1 run\(s\) do not replay/);
  });

  it('when the bad history is checked among the committed ones with --json, then only it is reported, as nondeterministic', async () => {
    const result = await runCli(
      ['onboarding', 'replay-check', '--json', ...fileArgs([...committed, fixture])],
      env(),
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as ReplayCheckResult;
    expect(report).toMatchObject({ checked: committed.length + 1, replayed: committed.length });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({
      workflowId: FIXTURE_WORKFLOW_ID,
      runId: FIXTURE_RUN_ID,
      source: fixture,
      result: 'nondeterministic',
    });
    expect(report.failures[0]!.error).toMatch(/^\[TMPRL1100\] Nondeterminism error/);
  });

  it('when given every committed history, then all replay and it exits 0', async () => {
    expect(committed.length).toBeGreaterThanOrEqual(5);
    const result = await runCli(['onboarding', 'replay-check', '--json', ...fileArgs(committed)], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      checked: committed.length,
      replayed: committed.length,
      failures: [],
    });
  });

  describe('when a history file is unusable, then it exits 2 naming each bad file and replays nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'replay-check-'));
    const notJson = path.join(dir, 'truncated.json');
    writeFileSync(notJson, '{"events": [{"eventId": "1"');
    const notHistory = path.join(dir, 'not-history.json');
    writeFileSync(notHistory, JSON.stringify({ workflowId: 'x', status: 'enabled' }));
    const noStart = path.join(dir, 'no-start.json');
    writeFileSync(
      noStart,
      JSON.stringify({ events: [{ eventId: '1', eventType: 'EVENT_TYPE_TIMER_FIRED' }] }),
    );
    const missing = path.join(dir, 'missing.json');

    it.each([
      [notJson, /truncated\.json: not JSON/],
      [notHistory, /not-history\.json: not a workflow history: expected \{ "events"/],
      [noStart, /no-start\.json: not a workflow history: its first event is not a WorkflowExecutionStarted/],
      [missing, /missing\.json: cannot read it \(ENOENT\)/],
    ])('%s', async (file, message) => {
      const result = await runCli(['onboarding', 'replay-check', ...fileArgs([fixture, file])], env());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/nothing was replayed/);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    });
  });

  it.each([
    [['--since', '1d', '--history-file', fixture], /use one or the other/],
    [['--task-queue', 'q', '--history-file', fixture], /use one or the other/],
    [['--since', 'yesterday'], /--since must be a duration/],
    [['--since', '0s'], /--since must be a duration of at least 1s/],
  ])('when run with conflicting or bad flags %j, then it exits 2', async (args, message) => {
    const result = await runCli(['onboarding', 'replay-check', ...args], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  describe('against runs on the Temporal server', () => {
    const runIds: string[] = [];
    let open: StartedOnboarding | undefined;
    // Declared before the harness, so it runs before the harness closes its Temporal client.
    afterAll(async () => {
      await open?.handle.terminate('test done').catch(() => undefined);
    });
    const harness = useForAll(createOnboardingHarness);

    it('when onboardings ran on a task queue (one closed, one open), then --since finds both, replays them and exits 0', async () => {
      const closed = await harness.start();
      await harness.waitForStage(closed, 'awaiting_device');
      await closed.handle.signal(cancelSignal, { reason: 'replay-check test' });
      await closed.handle.result();
      open = await harness.start();
      await harness.waitForStage(open, 'awaiting_device');
      runIds.push(closed.runId, open.runId);
      // Visibility is eventually consistent: wait until the list query sees both runs.
      await waitFor(
        () => harness.temporal.client.workflow.count(`TaskQueue = '${harness.taskQueue}'`),
        (c) => c.count === 2,
        { timeoutMs: 10_000, what: 'both runs to be listed' },
      );

      const json = await runCli(
        ['onboarding', 'replay-check', '--since', '10m', '--task-queue', harness.taskQueue, '--json'],
        env(),
      );
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual({ checked: 2, replayed: 2, failures: [] });

      const text = await runCli(
        ['onboarding', 'replay-check', '--since', '10m', '--task-queue', harness.taskQueue],
        env(),
      );
      expect(text.code).toBe(0);
      expect(text.stderr).toMatch(
        /replaying 2 onboardUser run\(s\) \(WorkflowType = 'onboardUser' AND StartTime >= '/,
      );
      expect(text.stderr).toMatch(/replayed 2 of 2\n/);
      expect(text.stdout).toMatch(/checked 2 run\(s\): 2 replay, 0 do not/);
    });

    it('when the replay cannot decrypt the runs (a keyring without their key), then it exits 1 naming each run with the codec error', async () => {
      expect(runIds).toHaveLength(2);
      const result = await runCli(
        ['onboarding', 'replay-check', '--since', '10m', '--task-queue', harness.taskQueue, '--json'],
        { ...env(), TWOFOLD_PAYLOAD_KEYS: `other:${randomBytes(32).toString('base64')}` },
      );
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as ReplayCheckResult;
      expect(report).toMatchObject({ checked: 2, replayed: 0 });
      expect(report.failures.map((f) => f.runId).sort()).toEqual([...runIds].sort());
      for (const failure of report.failures) {
        expect(failure).toMatchObject({ source: 'temporal', result: 'failed' });
        expect(failure.error).toMatch(/encrypted with key "dev", which is not in TWOFOLD_PAYLOAD_KEYS/);
      }
    });

    it('when no run started within --since on the task queue, then it says it checked none and exits 0', async () => {
      const empty = harness.temporal.uniqueTaskQueue('empty');
      const result = await runCliLine(`onboarding replay-check --since 10m --task-queue ${empty}`, env());
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/checked 0 run\(s\): 0 replay, 0 do not/);
    });
  });
});
