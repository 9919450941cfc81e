import type { FunnelResponse } from '../../src/dashboard/funnel';
import { privateDays, recordRuns, uniqueUserId } from './support/data';
import { useDashboardServer } from './support/server';

describe('GET /dashboard/api/funnel', () => {
  const dashboard = useDashboardServer();

  it('when runs of a period went different ways, then each step counts the runs that reached it and each outcome the runs that ended there', async () => {
    const period = privateDays(2);
    const at = (hours: number) => new Date(period.from.getTime() + hours * 3_600_000);
    const retried = uniqueUserId('retried');
    const before = new Date(period.from.getTime() - 60_000);
    await recordRuns(dashboard.pool, [
      // A run started before the period: its later stages fall inside it, but it is not the period's.
      [uniqueUserId('earlier'), before, 'awaiting_device@120 awaiting_approval@180 enabled@240', '1'],
      // The retried user's first run failed before Authy knew them; the second one got enabled.
      [retried, at(1), 'failed@5'],
      [retried, at(2), 'awaiting_device@10 awaiting_approval@60 enabled@120', '101'],
      [uniqueUserId('enabled'), at(3), 'awaiting_device@10 awaiting_approval@200 enabled@300', '102'],
      [uniqueUserId('denied'), at(4), 'awaiting_device@10 awaiting_approval@20 denied@30', '103'],
      // The second awaiting_device row is a reminder re-recording the same stage.
      [uniqueUserId('expired'), at(5), 'awaiting_device@10 awaiting_device@3600 expired@7200', '104'],
      // Failed right after Authy registered the user: registered through the record's authy id.
      [uniqueUserId('failed-late'), at(6), 'failed@5', '105'],
      [uniqueUserId('failed-early'), at(7), 'failed@5'],
      // The app was already installed: straight to the approval, still open.
      [uniqueUserId('open'), at(8), 'awaiting_approval@10', '106'],
      [uniqueUserId('cancelled'), at(30), 'awaiting_device@10 cancelled@50', '107'],
      // Started exactly at the end of the period: excluded (to is exclusive).
      [uniqueUserId('next'), period.to, 'awaiting_device@1'],
    ]);

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
