import { storableText, storableValue } from '../../src/activities/reporting-storable';
import { toReportingEventRows } from '../../src/activities/reporting-event-row';
import { uniquePhone } from '../harness/onboarding';
import { createReportingHarness } from './support';
import type { ReportingHarness } from './support';

// Real Temporal, PostgreSQL and emulator on a shared 2-core machine: allow for a busy neighbour.
jest.setTimeout(120_000);

describe('reporting sync: characters PostgreSQL refuses (NUL, unpaired surrogates)', () => {
  it('when a string holds NUL or an unpaired surrogate, then each becomes its \\uXXXX text and is counted; paired surrogates stay', () => {
    expect(storableText('a\u0000b\ud800c\udc00d😀')).toEqual({
      value: 'a\\u0000b\\ud800c\\udc00d😀',
      escaped: 3,
    });
    expect(storableText('plain')).toEqual({ value: 'plain', escaped: 0 });
    const event = { event: 'x', objects: { 'k\u0000': ['v\u0000', { deep: '\ud83d' }] } };
    expect(storableValue(event)).toEqual({
      value: { event: 'x', objects: { 'k\\u0000': ['v\\u0000', { deep: '\\ud83d' }] } },
      escaped: 3,
    });
  });

  it('when the same event is mapped twice, then it gets the same row (same key), so a re-fetched page stays idempotent', () => {
    const event = { event: 'user_added', time: '2026-01-01T00:00:00.000Z', objects: { note: 'x\u0000' } };
    const first = toReportingEventRows([event]);
    expect(first.escaped).toBe(1);
    expect(toReportingEventRows([{ ...event }]).rows).toEqual(first.rows);
    expect(first.rows[0]!.requestId).toMatch(/^sha256:/);
  });

  describe('end to end: the emulator reports a device whose name holds NUL', () => {
    let h: ReportingHarness;
    let requestId: string | undefined;
    beforeAll(async () => {
      h = await createReportingHarness();
    });
    afterAll(async () => {
      if (requestId) await h.pool.query('delete from reporting_events where request_id = $1', [requestId]);
      await h.close();
    });

    it('when a window holds that event, then the sync completes (no retry loop) and stores it with the characters escaped', async () => {
      const created = await fetch(`${h.emulator.url}/protected/json/users/new`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-authy-api-key': h.emulator.apiKey },
        body: JSON.stringify({
          user: { email: 'nul@example.com', cellphone: uniquePhone(), country_code: 1 },
        }),
      });
      const { user } = (await created.json()) as { user: { id: number } };
      const from = new Date(Date.now() - 60_000).toISOString();
      const installed = await h.emulator.control<{ request_id: string }>(
        'POST',
        `/users/${user.id}/install`,
        {
          name: "Ada\u0000's phone",
          user_agent: 'Authy/25.1 \ud83d (android)',
        },
      );
      requestId = installed.request_id;
      const window = { from, to: new Date(Date.now() + 1_000).toISOString() };

      const result = await h.sync({ window });
      expect(result.eventsStored).toBeGreaterThanOrEqual(1);

      const { rows } = await h.pool.query<{ name: string; user_agent: string }>(
        `select objects->'device'->>'name' as name, objects->'device'->>'user_agent' as user_agent
           from reporting_events where request_id = $1`,
        [requestId],
      );
      expect(rows).toEqual([{ name: "Ada\\u0000's phone", user_agent: 'Authy/25.1 \\ud83d (android)' }]);

      // A second run over the same window finds the event stored: nothing new, nothing failing.
      expect((await h.sync({ window })).eventsStored).toBe(0);
    });
  });
});
