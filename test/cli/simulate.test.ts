import type { SimulationResult } from '../../src/simulation/types';
import { EXPECTED_STAGE } from '../../src/simulation/personas';
import { runCli, runCliLine } from '../harness/cli';
import { useForAll } from '../harness/lifecycle';
import { createOnboardingHarness } from '../harness/onboarding';

interface SimulationTimeoutReport {
  settled: boolean;
  error: string;
  pending: { workflowId: string; persona: string; stage?: string; queryError?: string }[];
}

describe('twofold simulate', () => {
  const leftOpen: string[] = [];
  // Declared before the harness, so it runs before the harness closes its Temporal client.
  afterAll(async () => {
    const { client } = h.temporal;
    await Promise.all(
      leftOpen.map((id) =>
        client.workflow
          .getHandle(id)
          .terminate('test done')
          .catch(() => undefined),
      ),
    );
  });
  const h = useForAll(() => createOnboardingHarness({ taskQueuePrefix: 'cli-simulate' }));
  /** The harness's emulator and worker. */
  const env = () => ({ AUTHY_API_URL: h.emulator.url, TEMPORAL_TASK_QUEUE: h.taskQueue });
  /** `twofold simulate <flags>` with `env()` and `overrides`. */
  const simulate = (flags: string, overrides: NodeJS.ProcessEnv = {}) =>
    runCliLine(`simulate ${flags}`, { ...env(), ...overrides });

  it('when a cohort of 8 is simulated without a gateway (status polls deliver), then every person ends where their persona leads and --json reports the counts', async () => {
    const result = await simulate(
      '--users 8 --seed 3 --id-prefix cli-sim --reminder-every 3s --approval-expiry 10s --poll-every 500ms --give-up-after 5m --json',
    );
    expect(result.code).toBe(0);
    const simulation = JSON.parse(result.stdout) as SimulationResult;
    leftOpen.push(...simulation.stuck);
    expect(simulation.users).toBe(8);
    for (const person of simulation.people) expect(person.stage).toBe(EXPECTED_STAGE[person.persona]);
    const total = Object.values(simulation.stages).reduce((a, b) => a + b, 0);
    expect(total).toBe(8);
    expect(simulation.stages.awaiting_device).toBe(simulation.stuck.length);
    expect(simulation.stuck.length).toBeGreaterThan(0);
    expect(simulation.timing).toMatchObject({ installReminderIntervalMs: 3000, approvalExpiryMs: 10000 });
    // Every person of the cohort is a real onboarding whose status query agrees.
    const stuckStatus = await h.temporal.client.workflow.getHandle(simulation.stuck[0]!).query('status');
    expect(stuckStatus).toMatchObject({ stage: 'awaiting_device', remindersSent: 2 });
  });

  it('when the timings would poll a stuck person thousands of times, then it refuses with exit 2 and the fix, starting nothing', async () => {
    // The default 1 h give-up wait polled every 500 ms: over 7,000 polls.
    const result = await simulate('--users 2 --id-prefix cli-sim-refused --poll-every 500ms --json');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/status polls .*Fix: a longer --poll-every/s);
    expect(result.stdout).toBe('');
  });

  it('when run on a terminal-less stderr without --json, then it prints progress lines and the per-stage table', async () => {
    const result = await simulate(
      '--users 2 --seed 5 --id-prefix cli-sim-table --poll-every 500ms --give-up-after 5m',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\[\s*\d+\.\ds\] .*\d+\/2 settled/);
    expect(result.stdout).toMatch(/simulated 2 people in/);
    for (const stage of [
      'registering',
      'awaiting_device',
      'enabled',
      'denied',
      'expired',
      'cancelled',
      'total',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${stage}\\s+\\d+`, 'm'));
    }
    const stuck = /stuck in awaiting_device: (.+)$/m.exec(result.stdout);
    if (stuck) leftOpen.push(...stuck[1]!.split(', '));
  });

  it.each([
    [['simulate', '--users', '0'], /--users must be an integer from 1/],
    [['simulate', '--users', 'many'], /--users must be an integer/],
    [['simulate', '--seed', '-1'], /--seed must be an integer/],
    [['simulate', '--reminder-every', 'soon'], /--reminder-every must be a duration/],
    [['simulate', '--approval-expiry', '10ms'], /--approval-expiry must be a duration of at least 1s/],
    [['simulate', '--id-prefix', 'has space'], /--id-prefix must be/],
    [['simulate', '--users'], /argument missing/],
  ])('when run with bad arguments %j, then it exits 2 and starts nothing', async (args, message) => {
    const result = await runCli(args, env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('when AUTHY_API_URL is the real API, then it exits 78: only the emulator has people to play', async () => {
    const result = await simulate('--users 1', { AUTHY_API_URL: 'https://api.authy.com' });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/not a local emulator/);
  });

  it('when no emulator answers at AUTHY_API_URL, then it exits 1 before starting anything and says how to start one', async () => {
    const result = await simulate('--users 1', { AUTHY_API_URL: 'http://127.0.0.1:9' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the Authy emulator/);
    expect(result.stderr).toMatch(/twofold emulator/);
  });

  it('when no worker polls the task queue, then it gives up at --timeout with exit 1 naming the onboardings, why they cannot be queried, and the fix', async () => {
    const queue = h.temporal.uniqueTaskQueue('nobody-polls');
    const result = await simulate('--users 2 --id-prefix cli-sim-noworker --timeout 3s', {
      TEMPORAL_TASK_QUEUE: queue,
    });
    const ids = [...result.stderr.matchAll(/(onboarding-cli-sim-noworker-\S+)/g)].map((m) => m[1]!);
    leftOpen.push(...ids);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /did not settle within 3s: 0 onboarding\(s\) still moving, 2 cannot be queried/,
    );
    expect(ids).toHaveLength(2);
    // Not "still moving": each person is reported with the query's own error.
    const why = `no answer within 5s: a query needs a worker polling task queue ${queue} that can replay the run`;
    for (const id of ids) {
      expect(result.stderr).toContain(`${id} (`);
      expect(result.stderr).toMatch(
        new RegExp(`${id} \\([a-z-]+\\) cannot be queried \\(last seen in no stage yet\\): ${why}`),
      );
    }
    expect(result.stderr).toMatch(
      /\| 2 cannot be queried \(last stage seen counted above\): no answer within 5s/,
    );
    expect(result.stderr).toMatch(/start a worker/);
  });

  it('when no worker polls the task queue and --json is given, then the JSON on stdout lists each pending onboarding with its query error', async () => {
    const queue = h.temporal.uniqueTaskQueue('nobody-polls');
    const result = await simulate('--users 1 --id-prefix cli-sim-noworker-json --timeout 2s --json', {
      TEMPORAL_TASK_QUEUE: queue,
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as SimulationTimeoutReport;
    leftOpen.push(...report.pending.map((p) => p.workflowId));
    expect(report.settled).toBe(false);
    expect(report.pending).toHaveLength(1);
    expect(report.pending[0]!.workflowId).toMatch(/^onboarding-cli-sim-noworker-json-/);
    expect(report.pending[0]!.queryError).toBe(
      `no answer within 5s: a query needs a worker polling task queue ${queue} that can replay the run`,
    );
  });
});
