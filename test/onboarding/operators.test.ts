import { findStuckOnboardings } from '../../src/client/onboarding';
import { ONBOARDING_STAGE } from '../../src/shared/search-attributes';
import { onboardingStartArgs, runCli, runCliUntilReady } from '../harness/cli';
import { createOnboardingHarness } from '../harness/onboarding';
import type { OnboardingHarness } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';

describe('operating onboardings: visibility, stuck list and the CLI', () => {
  let h: OnboardingHarness;
  let cliEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    h = await createOnboardingHarness();
    cliEnv = { TEMPORAL_TASK_QUEUE: h.taskQueue, AUTHY_API_URL: h.emulator.url };
  });
  afterAll(async () => {
    await h.close();
  });

  async function visible(query: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const run of h.temporal.client.workflow.list({ query })) ids.push(run.workflowId);
    return ids.sort();
  }

  it('when filtering on OnboardingStage="awaiting_device" (the Web UI filter), then exactly the waiting onboardings are listed', async () => {
    const cohort = await Promise.all([h.start(), h.start(), h.start()]);
    const statuses = await Promise.all(cohort.map((o) => h.waitForStage(o, 'awaiting_device')));
    await h.emulator.control('POST', `/users/${statuses[0]!.authyId}/install`);
    await cohort[0].handle.signal('deviceRegistered', {
      eventId: 'install-0',
      authyId: statuses[0]!.authyId!,
    });
    await h.waitForApprovalRequest(cohort[0]);

    const query = `TaskQueue = '${h.taskQueue}' AND OnboardingStage = 'awaiting_device'`;
    const expected = [cohort[1].workflowId, cohort[2].workflowId].sort();
    // Visibility is eventually consistent: poll until it has caught up, then it must match exactly.
    const listed = await waitFor(
      () => visible(query),
      (ids) => ids.join() === expected.join(),
      {
        what: 'the visibility list to show the two waiting onboardings',
      },
    );
    expect(listed).toEqual(expected);
    const description = await cohort[0].handle.describe();
    expect(description.typedSearchAttributes.get(ONBOARDING_STAGE)).toBe('awaiting_approval');
    await Promise.all(cohort.map((o) => o.handle.terminate('test done')));
  });

  it('when looking for onboardings stuck longer than an age, then only those past it are found', async () => {
    const old = await h.start();
    await h.waitForStage(old, 'awaiting_device');
    const cutoff = new Date();
    const recent = await h.start();
    await h.waitForStage(recent, 'awaiting_device');
    const stuck = await waitFor(
      () => findStuckOnboardings(h.temporal.client, { stage: 'awaiting_device', enteredBefore: cutoff }),
      (found) => found.some((s) => s.workflowId === old.workflowId),
      { what: 'the old onboarding to be listed' },
    );
    const ids = stuck.map((s) => s.workflowId);
    expect(ids).toContain(old.workflowId);
    expect(ids).not.toContain(recent.workflowId);
    expect(stuck.find((s) => s.workflowId === old.workflowId)?.stageEnteredAt.getTime()).toBeLessThan(
      cutoff.getTime(),
    );
    await old.handle.terminate('test done');
    await recent.handle.terminate('test done');
  });

  it('when an operator starts, inspects and cancels an onboarding with the CLI, then each command does it and prints JSON', async () => {
    const userId = `cli-${Date.now()}`;
    const start = await runCli(
      onboardingStartArgs({ userId, email: 'cli@example.com', cellphone: '555-010-7788' }, '--json'),
      cliEnv,
    );
    expect(start.code).toBe(0);
    expect(JSON.parse(start.stdout)).toMatchObject({ workflowId: `onboarding-${userId}` });

    const status = await waitFor(
      async () =>
        JSON.parse((await runCli(['onboarding', 'status', userId, '--json'], cliEnv)).stdout) as {
          stage: string;
        },
      (s) => s.stage === 'awaiting_device',
      { what: 'the CLI to report awaiting_device' },
    );
    expect(status).toMatchObject({ userId, stage: 'awaiting_device', remindersSent: 0 });
    expect(status).toHaveProperty('stageEnteredAt');

    const stuck = await runCli(['onboarding', 'stuck', '--stage', 'awaiting_device', '--json'], cliEnv);
    expect(stuck.code).toBe(0);

    const cancel = await runCli(['onboarding', 'cancel', userId, '--reason', 'operator', '--json'], cliEnv);
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.stdout)).toMatchObject({ stage: 'cancelled', reason: 'operator' });
  });

  it.each([
    [['onboarding', 'start', '--user-id', 'u', '--email', 'a@b.co', '--country-code', '1'], 2, /cellphone/],
    [
      onboardingStartArgs({ userId: 'someone@example.com', email: 'a@b.co', cellphone: '5550101' }),
      2,
      /userId/,
    ],
    [
      onboardingStartArgs({ userId: '15551234567', email: 'a@b.co', cellphone: '5550101' }),
      2,
      /phone number/,
    ],
    [['onboarding', 'stuck', '--older-than', 'soon'], 2, /--older-than/],
    [['onboarding', 'stuck', '--stage', 'enabled'], 2, /stage/],
    [['onboarding', 'status', 'nobody-at-all'], 1, /no onboarding for user nobody-at-all/],
    [['onboarding', 'frobnicate'], 2, /unknown command|frobnicate/],
  ])(
    'when run with bad arguments %j, then it exits %i with a message saying what is wrong',
    async (args, code, message) => {
      const result = await runCli(args, cliEnv);
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(message);
    },
  );

  it('when the worker process gets SIGTERM, then it drains and exits 0', async () => {
    const worker = await runCliUntilReady(
      ['worker'],
      { ...process.env, ...cliEnv, TEMPORAL_TASK_QUEUE: `${h.taskQueue}-sigterm`, LOG_LEVEL: 'info' },
      'worker started',
      { timeoutMs: 20_000 },
    );
    expect(worker).toMatchObject({ ready: true, code: 0 });
    expect(worker.stdout).toContain('worker stopped');
  });
});
