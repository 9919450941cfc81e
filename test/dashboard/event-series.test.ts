import type { EventSeriesResponse } from '../../src/dashboard/event-panels';
import { DAY_MS, privateDays, storeEvents } from './support/data';
import type { EventSpec } from './support/data';
import { useDashboardServer } from './support/server';

type Series = Pick<EventSeriesResponse['series'][number], 'key' | 'total' | 'points'>;
const shape = (body: EventSeriesResponse): Series[] =>
  body.series.map(({ key, total, points }) => ({ key, total, points }));

describe('the time-series endpoints', () => {
  const dashboard = useDashboardServer();
  // Three private days: events on day 0..2, and some just outside.
  const period = privateDays(3);
  const at = (day: number, hour: number) => new Date(period.from.getTime() + day * DAY_MS + hour * 3_600_000);
  const query = `?from=${period.day(0)}&to=${period.day(3)}`;
  /** The series `key` expected with `count` events on each `[day, count]` of the period, and their sum. */
  const series = (key: string, ...days: [day: number, count: number][]): Series => ({
    key,
    total: days.reduce((sum, [, count]) => sum + count, 0),
    points: days.map(([day, count]) => ({ day: period.day(day), count })),
  });

  beforeAll(async () => {
    const times = (n: number, spec: EventSpec): EventSpec[] => Array.from({ length: n }, () => spec);
    await storeEvents(dashboard.pool, [
      ...times(3, { event: 'device_registration_completed', at: at(0, 1) }),
      { event: 'device_registration_completed', at: at(2, 23.99) },
      // Just before the period, and exactly at its (exclusive) end.
      { event: 'device_registration_completed', at: new Date(period.from.getTime() - 1) },
      { event: 'device_registration_completed', at: period.to },
      ...times(2, { event: 'one_touch_request_responded', at: at(0, 5), status: 'approved' }),
      { event: 'one_touch_request_responded', at: at(0, 6), status: 'denied' },
      { event: 'one_touch_request_responded', at: at(1, 0), status: 'approved' },
      // An expired request is neither an approval nor a denial.
      { event: 'one_touch_request_responded', at: at(1, 2), status: 'expired' },
      ...times(2, { event: 'user_phone_changed', at: at(1, 12) }),
      ...times(2, { event: 'account_recovery_started', at: at(0, 8) }),
      { event: 'account_recovery_approved', at: at(1, 9) },
      { event: 'account_recovery_canceled', at: at(2, 9) },
      // Other event types never show up in a panel.
      ...times(4, { event: 'token_verified', at: at(1, 3) }),
      { event: 'phone_change_requested', at: at(1, 3) },
    ]);
  });

  it('when devices were registered, then the registrations series counts them per UTC day within [from, to)', async () => {
    const { status, body } = await dashboard.get<EventSeriesResponse>(`/dashboard/api/registrations${query}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      panel: 'registrations',
      bucket: 'day',
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
    });
    expect(shape(body)).toEqual([series('registrations', [0, 3], [2, 1])]);
  });

  it('when OneTouch requests were answered, then approvals and denials are separate series and other statuses are left out', async () => {
    const { body } = await dashboard.get<EventSeriesResponse>(`/dashboard/api/onetouch${query}`);
    expect(shape(body)).toEqual([series('approved', [0, 2], [1, 1]), series('denied', [0, 1])]);
  });

  it('when phones changed, then the phone-changes series counts user_phone_changed per day', async () => {
    const { body } = await dashboard.get<EventSeriesResponse>(`/dashboard/api/phone-changes${query}`);
    expect(shape(body)).toEqual([series('phoneChanges', [1, 2])]);
  });

  it('when accounts were recovered, then started, approved and canceled recoveries are three series', async () => {
    const { body } = await dashboard.get<EventSeriesResponse>(`/dashboard/api/recoveries${query}`);
    expect(shape(body)).toEqual([
      series('started', [0, 2]),
      series('approved', [1, 1]),
      series('canceled', [2, 1]),
    ]);
  });

  it('when the period is given as date-times, then its exact bounds apply (from inclusive, to exclusive)', async () => {
    const from = at(0, 5).toISOString(); // the two approvals at 05:00 are in, the ones before are out
    const to = at(1, 0).toISOString(); // the approval at exactly this instant is out
    const { body } = await dashboard.get<EventSeriesResponse>(
      `/dashboard/api/onetouch?from=${from}&to=${to}`,
    );
    expect(shape(body)).toEqual([series('approved', [0, 2]), series('denied', [0, 1])]);
  });

  it('when a period holds no events, then every panel answers 200 with empty series', async () => {
    const empty = privateDays(5);
    for (const panel of ['registrations', 'onetouch', 'phone-changes', 'recoveries']) {
      const { status, body } = await dashboard.get<EventSeriesResponse>(
        `/dashboard/api/${panel}?from=${empty.day(0)}&to=${empty.day(5)}`,
      );
      expect(status).toBe(200);
      expect(body.series.length).toBeGreaterThan(0);
      for (const panelSeries of body.series) expect(panelSeries).toMatchObject({ total: 0, points: [] });
    }
  });
});
