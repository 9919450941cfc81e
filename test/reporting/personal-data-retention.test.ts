import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createReportingActivities } from '../../src/activities/reporting';
import { toReportingEventRow } from '../../src/activities/reporting-event-row';
import type { AuthyReportingClient } from '../../src/authy/reporting';
import { insertReportingEvents, stripReportingPersonalData } from '../../src/db/reporting-events';
import { loadConfig } from '../../src/config';
import { useIsolatedDatabase } from '../harness/isolated-database';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('reporting_events: retention of personal data in objects (device IP, user agent, name)', () => {
  // The strip works on the whole table: a database of this file's own, so the reporting syncs other
  // files run meanwhile (with events of the same age) cannot change what it finds.
  const db = useIsolatedDatabase('retention');

  /** Stores a device_registration_completed event `daysAgo` days old and returns its request id. */
  async function storeInstall(daysAgo: number): Promise<string> {
    const requestId = `retention-${randomUUID()}`;
    await insertReportingEvents(db.pool, [
      toReportingEventRow({
        event: 'device_registration_completed',
        time: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
        request_id: requestId,
        objects: {
          user: { authy_id: 4242, country_code: 44 },
          device: {
            id: 7,
            device_type: 'android',
            ip: '203.0.113.10',
            user_agent: 'Authy/25.1 (android)',
            name: "Ada's phone",
          },
        },
      }),
    ]);
    return requestId;
  }

  async function stored(requestId: string) {
    const { rows } = await db.pool.query<{
      device: Record<string, unknown>;
      authy_id: string;
      device_type: string;
    }>(
      `select objects->'device' as device, authy_id, device_type from reporting_events where request_id = $1`,
      [requestId],
    );
    return rows[0];
  }

  it('when the live sync moves its watermark, then events past the retention lose ip, user_agent and name, and newer ones keep them', async () => {
    const old = await storeInstall(45);
    const recent = await storeInstall(5);
    const activities = createReportingActivities({
      pool: db.pool,
      reporting: {} as AuthyReportingClient,
      personalDataRetentionDays: 30,
    });
    const source = `retention-test-${randomUUID()}`;
    const watermark = new Date(Date.now() - 60_000).toISOString();
    await new MockActivityEnvironment().run(activities.advanceReportingWatermark, { source, watermark });

    expect(await stored(old)).toEqual({
      device: { id: 7, device_type: 'android' },
      authy_id: '4242',
      device_type: 'android',
    });
    expect((await stored(recent))?.device).toMatchObject({
      ip: '203.0.113.10',
      user_agent: 'Authy/25.1 (android)',
    });
  });

  it('when the strip runs again, or in small batches, then it strips each row once and leaves the rest as it was', async () => {
    const ids = [await storeInstall(50), await storeInstall(51), await storeInstall(52)];
    const cutoff = new Date(Date.now() - 40 * DAY_MS);
    // The first test's 45-day-old event was stripped by its sync; its 5-day-old one is too recent.
    expect(await stripReportingPersonalData(db.pool, { olderThan: cutoff, limit: 1 })).toBe(3);
    for (const id of ids) expect((await stored(id))?.device).toEqual({ id: 7, device_type: 'android' });
    expect(await stripReportingPersonalData(db.pool, { olderThan: cutoff, limit: 1 })).toBe(0);
  });

  it('when REPORTING_PERSONAL_DATA_DAYS is set, then the config carries it; when invalid, it fails naming it', () => {
    expect(loadConfig({}).reporting.personalDataRetentionDays).toBe(30);
    expect(loadConfig({ REPORTING_PERSONAL_DATA_DAYS: '7' }).reporting.personalDataRetentionDays).toBe(7);
    expect(() => loadConfig({ REPORTING_PERSONAL_DATA_DAYS: '0' })).toThrow(/REPORTING_PERSONAL_DATA_DAYS/);
  });
});
