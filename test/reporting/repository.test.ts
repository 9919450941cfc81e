import { randomUUID } from 'node:crypto';
import { toReportingEventRow } from '../../src/activities/reporting-event-row';
import type { ReportingEvent } from '../../src/authy/reporting';
import type { DbPool } from '../../src/db/pool';
import { insertReportingEvents } from '../../src/db/reporting-events';
import { advanceReportingWatermark, readReportingWatermark } from '../../src/db/reporting-watermarks';
import { createTestPool } from '../harness/database';
import { randomPastWindow } from './support';

describe('reporting_events and the watermark in PostgreSQL', () => {
  let pool: DbPool;
  beforeAll(() => {
    pool = createTestPool();
  });
  afterAll(async () => {
    await pool.end();
  });

  const approval = (requestId: string, time: string): ReportingEvent => ({
    event: 'one_touch_request_responded',
    time,
    request_id: requestId,
    objects: {
      app: { account_sid: 'AC0', id: 15861, name: 'OwlBank', type: 'full' },
      onetouch_request: { status: 'approved', uuid: randomUUID() },
      user: { authy_id: 24148348, country_code: 1, phone_number: 'ab12' },
    },
  });

  it('when the same events are stored twice, then the second write adds nothing and the typed columns are filled', async () => {
    const { from } = randomPastWindow(1);
    const ids = [randomUUID(), randomUUID()];
    const rows = ids.map((id) => toReportingEventRow(approval(id, from)));
    expect(await insertReportingEvents(pool, rows)).toBe(2);
    expect(await insertReportingEvents(pool, rows)).toBe(0);
    const { rows: stored } = await pool.query(
      `select event, occurred_at, authy_id, app_id, country_code, status, objects->'user'->>'phone_number' as phone
         from reporting_events where request_id = any($1)`,
      [ids],
    );
    expect(stored).toHaveLength(2);
    expect(stored[0]).toEqual({
      event: 'one_touch_request_responded',
      occurred_at: new Date(from),
      authy_id: '24148348',
      app_id: '15861',
      country_code: '1',
      status: 'approved',
      phone: 'ab12',
    });
  });

  it('when a batch mixes stored and new events, then only the new ones are added and nothing is lost', async () => {
    const { from } = randomPastWindow(1);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const rows = ids.map((id) => toReportingEventRow(approval(id, from)));
    expect(await insertReportingEvents(pool, [rows[1]!])).toBe(1);
    expect(await insertReportingEvents(pool, rows)).toBe(2);
    const { rows: stored } = await pool.query<{ request_id: string }>(
      'select request_id from reporting_events where request_id = any($1)',
      [ids],
    );
    expect(stored.map((row) => row.request_id).sort()).toEqual([...ids].sort());
  });

  it('when one request produced two different events, then both are kept (the key is event, time and request id)', async () => {
    const { from } = randomPastWindow(1);
    const requestId = randomUUID();
    const added = toReportingEventRow({
      event: 'user_added',
      time: from,
      request_id: requestId,
      objects: {},
    });
    const sent = toReportingEventRow({
      event: 'totp_token_sent',
      time: from,
      request_id: requestId,
      objects: {},
    });
    expect(await insertReportingEvents(pool, [added, sent, added])).toBe(2);
  });

  it('when an event names its request as request.id or not at all, then it still gets a stable key', async () => {
    const { from } = randomPastWindow(1);
    const nested = toReportingEventRow({
      event: 'user_added',
      time: from,
      request: { id: 'req-1' },
      objects: {},
    });
    expect(nested.requestId).toBe('req-1');
    const bare = { event: 'user_removed', time: from, objects: { user: { authy_id: randomUUID() } } };
    expect(toReportingEventRow(bare).requestId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(toReportingEventRow(bare).requestId).toBe(toReportingEventRow({ ...bare }).requestId);
    expect(await insertReportingEvents(pool, [toReportingEventRow(bare), toReportingEventRow(bare)])).toBe(1);
  });

  it('when the watermark is advanced to an older instant, then it stays where it was', async () => {
    const source = `watermark-test-${randomUUID()}`;
    expect(await readReportingWatermark(pool, source)).toBeNull();
    const later = new Date('2026-05-01T10:00:00.000Z');
    expect(await advanceReportingWatermark(pool, source, later)).toEqual(later);
    expect(await advanceReportingWatermark(pool, source, '2026-05-01T09:00:00.000Z')).toEqual(later);
    expect(await readReportingWatermark(pool, source)).toEqual(later);
    const newer = new Date('2026-05-01T11:00:00.000Z');
    expect(await advanceReportingWatermark(pool, source, newer)).toEqual(newer);
  });
});
