import type { FunnelResponse } from '../../src/dashboard/funnel';
import { privateDays, recordRun, uniqueUserId } from './support/data';
import { useDashboardServer } from './support/server';

describe('GET /dashboard/api/funnel', () => {
  const dashboard = useDashboardServer();

  it('when runs of a period went different ways, then each step counts the runs that reached it and each outcome the runs that ended there', async () => {
    const period = privateDays(2);
    const at = (hours: number) => new Date(period.from.getTime() + hours * 3_600_000);
    const retried = uniqueUserId('retried');
    // A run started before the period: its later stages fall inside it, but it is not the period's.
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('earlier'),
      start: new Date(period.from.getTime() - 60_000),
      stages: 'awaiting_device@120 awaiting_approval@180 enabled@240',
      authyId: '1',
    });
    // The retried user's first run failed before Authy knew them; the second one got enabled.
    await recordRun(dashboard.pool, { userId: retried, start: at(1), stages: 'failed@5' });
    await recordRun(dashboard.pool, {
      userId: retried,
      start: at(2),
      stages: 'awaiting_device@10 awaiting_approval@60 enabled@120',
      authyId: '101',
    });
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('enabled'),
      start: at(3),
      stages: 'awaiting_device@10 awaiting_approval@200 enabled@300',
      authyId: '102',
    });
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('denied'),
      start: at(4),
      stages: 'awaiting_device@10 awaiting_approval@20 denied@30',
      authyId: '103',
    });
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('expired'),
      start: at(5),
      // The second awaiting_device row is a reminder re-recording the same stage.
      stages: 'awaiting_device@10 awaiting_device@3600 expired@7200',
      authyId: '104',
    });
    // Failed right after Authy registered the user: registered through the record's authy id.
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('failed-late'),
      start: at(6),
      stages: 'failed@5',
      authyId: '105',
    });
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('failed-early'),
      start: at(7),
      stages: 'failed@5',
    });
    // The app was already installed: straight to the approval, still open.
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('open'),
      start: at(8),
      stages: 'awaiting_approval@10',
      authyId: '106',
    });
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('cancelled'),
      start: at(30),
      stages: 'awaiting_device@10 cancelled@50',
      authyId: '107',
    });
    // Started exactly at the end of the period: excluded (to is exclusive).
    await recordRun(dashboard.pool, {
      userId: uniqueUserId('next'),
      start: period.to,
      stages: 'awaiting_device@1',
    });

    const { status, body } = await dashboard.get<FunnelResponse>(
      `/dashboard/api/funnel?from=${period.day(0)}&to=${period.day(2)}`,
    );

    expect(status).toBe(200);
    expect(body.period).toEqual({ from: period.from.toISOString(), to: period.to.toISOString() });
    expect(body.runs).toBe(9);
    expect(body.steps.map((s) => [s.key, s.count])).toEqual([
      ['started', 9],
      ['registered', 7],
      ['installed', 4],
      ['enabled', 2],
    ]);
    expect(body.steps[3]!.ofStarted).toBeCloseTo(2 / 9, 10);
    expect(body.outcomes).toEqual({
      enabled: 2,
      denied: 1,
      expired: 1,
      failed: 3,
      cancelled: 1,
      inProgress: { registering: 0, awaiting_device: 0, awaiting_approval: 1 },
    });
    // Enabled after 120 s and after 300 s.
    expect(body.medianSecondsToEnabled).toBe(210);
  });

  it('when a period holds no onboarding, then every count is zero and nothing fails', async () => {
    const period = privateDays(1);
    const { status, body } = await dashboard.get<FunnelResponse>(
      `/dashboard/api/funnel?from=${period.from.toISOString()}&to=${period.to.toISOString()}`,
    );
    expect(status).toBe(200);
    expect(body.runs).toBe(0);
    expect(body.steps.map((s) => [s.count, s.ofStarted])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(body.outcomes).toEqual({
      enabled: 0,
      denied: 0,
      expired: 0,
      failed: 0,
      cancelled: 0,
      inProgress: { registering: 0, awaiting_device: 0, awaiting_approval: 0 },
    });
    expect(body.medianSecondsToEnabled).toBeNull();
  });
});
