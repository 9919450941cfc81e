import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { ScheduleDescription } from '@temporalio/client';
import { main } from '../../src/cli/main';
import type { syncReportingEvents } from '../../src/workflows/reporting/sync-reporting-events';
import { createOnboardingHarness } from '../harness/onboarding';
import type { OnboardingHarness } from '../harness/onboarding';
import { emulatorAppId } from '../harness/emulator';
import { waitFor } from '../harness/wait-for';

/** Runs the twofold CLI in-process and returns its exit code and what it printed. */
async function twofold(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    lines.push(parts.map(String).join(' '));
  });
  try {
    return { code: await main(args), out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

// Real Temporal, PostgreSQL and emulator on a shared 2-core machine: allow for a busy neighbour.
jest.setTimeout(180_000);

describe('the authy-reporting-sync schedule', () => {
  let h: OnboardingHarness;
  const scheduleId = `authy-reporting-sync-test-${randomUUID()}`;
  const savedQueue = process.env.TEMPORAL_TASK_QUEUE;
  beforeAll(async () => {
    h = await createOnboardingHarness();
    // The CLI reads its task queue from the environment, as in production.
    process.env.TEMPORAL_TASK_QUEUE = h.taskQueue;
  });
  afterAll(async () => {
    process.env.TEMPORAL_TASK_QUEUE = savedQueue;
    await h.temporal.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await h.close();
  });

  it('when `twofold schedule ensure` runs twice, then there is one schedule with the latest settings, and a triggered run stores the events onboardings created', async () => {
    // Onboardings make Authy record events: user_added on registration, device_registration_completed on install.
    const started = await Promise.all([h.start(), h.start(), h.start()]);
    const authyIds: string[] = [];
    for (const onboarding of started) {
      const status = await h.waitForStage(onboarding, 'awaiting_device');
      await h.emulator.control('POST', `/users/${status.authyId}/install`);
      authyIds.push(status.authyId!);
    }

    const source = `schedule-test-${randomUUID()}`;
    const ensure = (interval: string) =>
      twofold([
        'schedule',
        'ensure',
        '--schedule-id',
        scheduleId,
        '--interval',
        interval,
        '--source',
        source,
        '--settle-lag',
        '0s',
        '--json',
      ]);
    const first = await ensure('2h');
    const second = await ensure('1h');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ scheduleId, outcome: 'created', taskQueue: h.taskQueue });
    expect(JSON.parse(second.out)).toMatchObject({ scheduleId, outcome: 'updated', intervalMs: 3_600_000 });

    // The update is applied asynchronously by the server.
    const description = await waitFor(
      () => h.temporal.client.schedule.getHandle(scheduleId).describe(),
      (d: ScheduleDescription) => d.spec.intervals?.[0]?.every === 3_600_000,
      { what: 'the updated interval' },
    );
    expect(description.spec.intervals).toMatchObject([{ every: 3_600_000 }]);
    expect(description.policies).toMatchObject({
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: 3_600_000,
    });
    expect(description.action).toMatchObject({
      workflowType: 'syncReportingEvents',
      taskQueue: h.taskQueue,
      args: [{ source, settleLagMs: 0 }],
    });
    const listed = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const schedule of h.temporal.client.schedule.list()) ids.push(schedule.scheduleId);
        return ids.filter((id) => id === scheduleId);
      },
      (ids) => ids.length > 0,
      { what: 'the schedule to be listed' },
    );
    expect(listed).toEqual([scheduleId]);

    expect((await twofold(['schedule', 'trigger', '--schedule-id', scheduleId])).code).toBe(0);
    const triggered = await waitFor(
      () => h.temporal.client.schedule.getHandle(scheduleId).describe(),
      (d: ScheduleDescription) => d.info.recentActions.length > 0,
      { what: 'the triggered sync to start' },
    );
    const workflowId = triggered.info.recentActions[0]!.action.workflow.workflowId;
    const result = await h.temporal.client.workflow
      .getHandle<typeof syncReportingEvents>(workflowId)
      .result();
    expect(result).toMatchObject({ mode: 'live', source });

    const query = new URLSearchParams({ from: result.window!.from, to: result.window!.to });
    const truth = await h.emulator.control<{ count: number }>('GET', `/reporting/count?${query.toString()}`);
    // This emulator's rows only: rows other runs left may carry the same authy ids (drawn from ~8M).
    const { rows } = await h.pool.query<{ event: string; authy_id: string }>(
      `select event, authy_id from reporting_events
        where app_id = $4 and authy_id = any($1) and occurred_at >= $2 and occurred_at < $3`,
      [authyIds, result.window!.from, result.window!.to, await emulatorAppId(h.emulator)],
    );
    expect(rows).toHaveLength(truth.count);
    for (const authyId of authyIds) {
      const events = rows.filter((r) => r.authy_id === authyId).map((r) => r.event);
      expect(events).toEqual(expect.arrayContaining(['user_added', 'device_registration_completed']));
    }
    await Promise.all(started.map((s) => s.handle.terminate('test done')));
  });

  it('when paused, then ensure keeps it paused, and unpause resumes it', async () => {
    const handle = h.temporal.client.schedule.getHandle(scheduleId);
    // Schedule changes are applied asynchronously by the server: poll describe() for each effect.
    const described = (what: string, accept: (d: ScheduleDescription) => boolean) =>
      waitFor(() => handle.describe(), accept, { what });
    expect(
      (await twofold(['schedule', 'ensure', '--schedule-id', scheduleId, '--interval', '20m', '--json']))
        .code,
    ).toBe(0);
    await described('the first update', (d) => d.spec.intervals?.[0]?.every === 20 * 60_000);
    expect(
      (await twofold(['schedule', 'pause', '--schedule-id', scheduleId, '--note', 'maintenance'])).code,
    ).toBe(0);
    const paused = await described('the pause', (d) => d.state.paused);
    expect(paused.state.note).toBe('maintenance');
    await twofold(['schedule', 'ensure', '--schedule-id', scheduleId, '--interval', '45m', '--json']);
    const updated = await described('the update', (d) => d.spec.intervals?.[0]?.every === 45 * 60_000);
    expect(updated.state.paused).toBe(true);
    expect((await twofold(['schedule', 'unpause', '--schedule-id', scheduleId])).code).toBe(0);
    await described('the unpause', (d) => !d.state.paused);
  });

  it('when a sync is still running, then a second trigger is skipped (overlap policy skip)', async () => {
    const skipId = `${scheduleId}-skip`;
    const handle = h.temporal.client.schedule.getHandle(skipId);
    // Slow answers keep the first sync running while the second trigger arrives.
    await h.emulator.control('POST', '/faults', {
      api: [{ endpoint: 'reporting.events', latencyMs: 3_000 }],
    });
    try {
      const source = `schedule-skip-${randomUUID()}`;
      await twofold(['schedule', 'ensure', '--schedule-id', skipId, '--interval', '1h', '--source', source]);
      expect((await twofold(['schedule', 'trigger', '--schedule-id', skipId])).code).toBe(0);
      const first = await waitFor(
        () => handle.describe(),
        (d) => d.info.recentActions.length === 1,
        { what: 'the first triggered sync to start' },
      );
      const firstRun = h.temporal.client.workflow.getHandle(
        first.info.recentActions[0]!.action.workflow.workflowId,
      );
      expect((await firstRun.describe()).status.name).toBe('RUNNING');
      expect((await twofold(['schedule', 'trigger', '--schedule-id', skipId])).code).toBe(0);
      // The schedule handles requests in order: once a pause sent after the trigger shows, the trigger
      // has been handled too.
      await twofold(['schedule', 'pause', '--schedule-id', skipId]);
      const after = await waitFor(
        () => handle.describe(),
        (d) => d.state.paused,
        { what: 'the pause' },
      );
      expect(after.info.numActionsTaken).toBe(1);
      expect(after.info.recentActions).toHaveLength(1);
      expect((await firstRun.describe()).status.name).toBe('RUNNING');
      await firstRun.terminate('test done');
    } finally {
      await h.emulator.control('POST', '/faults', { api: [] });
      await handle.delete().catch(() => undefined);
    }
  });

  it('when the schedule does not exist, then trigger fails with a readable message', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    try {
      const missing = `missing-${randomUUID()}`;
      expect((await twofold(['schedule', 'trigger', '--schedule-id', missing])).code).toBe(1);
      expect(errors.join('\n')).toContain(`schedule ${missing} does not exist`);
    } finally {
      spy.mockRestore();
    }
  });
});
