import type { ReportingEvent } from '../../src/authy-emulator/event-objects';
import type { LoggedRequest } from '../../src/authy-emulator/request-log';
import { DAY_MS, authyError, iso, seedEvents, useEmulator } from './helpers';
import type { AuthyErrorBody } from './helpers';

// Reference: docs/authy-api.md sections 3.5 (date_histogram), 3.2 (conditions, 90 days),
// 3.3 (error codes 60089/60094/60095), 1.2–1.3 (error shape, 60001). The answer's shape is UNCONFIRMED
// in Twilio's docs; docs/emulator.md documents the emulator's choice, which these tests pin.
const HISTOGRAM = '/protected/json/reporting/date_histogram';
const EVENTS = '/protected/json/reporting/events';
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
/** The emulator's clock, fixed so buckets and the 90-day edge are the same on every run. */
const NOW = Date.parse('2026-03-10T12:34:56.789Z');

interface Bucket {
  time: string;
  count: number;
}
interface Histogram {
  success: true;
  interval: string;
  reports: Record<string, Bucket[]>;
}
type Count = { count: number };

/** Expected buckets computed in the test from events: non-empty, newest first. */
function bucketsOf(times: number[], widthMs: number): Bucket[] {
  const counts = new Map<number, number>();
  for (const time of times) {
    const start = Math.floor(time / widthMs) * widthMs;
    counts.set(start, (counts.get(start) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => b - a)
    .map(([start, count]) => ({ time: iso(start), count }));
}

/** {@link bucketsOf} the times of `events`. */
function bucketsOfEvents(events: ReportingEvent[], widthMs: number): Bucket[] {
  return bucketsOf(
    events.map((e) => Date.parse(e.time)),
    widthMs,
  );
}

describe('Reporting API date_histogram (docs/authy-api.md §3.5)', () => {
  const emu = useEmulator({ now: () => NOW });

  const seed = (count: number, from: number, to: number) => seedEvents(emu, count, from, to);

  async function histogram(query: string) {
    return emu.api<Histogram>(`${HISTOGRAM}?${query}`);
  }

  async function histogramError(query: string) {
    return emu.api<AuthyErrorBody>(`${HISTOGRAM}?${query}`);
  }

  /** Every event the events endpoint returns for a time window (the independent witness). */
  async function allEvents(from: number, to: number): Promise<ReportingEvent[]> {
    const events: ReportingEvent[] = [];
    for (let p = 1; p <= 100; p += 1) {
      const { status, body } = await emu.api<{ events: ReportingEvent[] }>(
        `${EVENTS}?query[time][gte]=${iso(from)}&query[time][lt]=${iso(to)}&per_page=100&page=${p}`,
      );
      expect(status).toBe(200);
      events.push(...body.events);
      if (body.events.length < 100) break;
    }
    return events;
  }

  async function groundTruth(from: number, to: number, event?: string): Promise<number> {
    const query = `from=${iso(from)}&to=${iso(to)}${event === undefined ? '' : `&event=${event}`}`;
    const { status, body } = await emu.control<Count>('GET', `/_emulator/reporting/count?${query}`);
    expect(status).toBe(200);
    return body.count;
  }

  it('when two series have different filters, then each bucket holds exactly the matching events, newest first', async () => {
    const from = NOW - 2 * DAY_MS;
    const to = NOW - DAY_MS;
    await seed(3_000, from, to);
    const events = await allEvents(from, to);
    expect(events).toHaveLength(3_000);

    const { status, body } = await histogram(
      'report[verified][event][eq]=token_verified' +
        '&report[approved][objects.onetouch_request.s_status][eq]=approved' +
        '&report[approved][event][eq]=one_touch_request_responded&interval=hour',
    );
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['success', 'interval', 'reports']);
    expect(body.success).toBe(true);
    expect(body.interval).toBe('hour');
    expect(Object.keys(body.reports)).toEqual(['verified', 'approved']);

    const verified = events.filter((e) => e.event === 'token_verified');
    const approved = events.filter(
      (e) => e.event === 'one_touch_request_responded' && e.objects.onetouch_request?.status === 'approved',
    );
    expect(verified.length).toBeGreaterThan(100);
    expect(approved.length).toBeGreaterThan(100);
    expect(body.reports.verified).toEqual(bucketsOfEvents(verified, HOUR_MS));
    expect(body.reports.approved).toEqual(bucketsOfEvents(approved, HOUR_MS));
    // The emulator's ground truth agrees bucket by bucket.
    for (const bucket of body.reports.verified!) {
      const start = Date.parse(bucket.time);
      expect(bucket.count).toBe(await groundTruth(start, start + HOUR_MS, 'token_verified'));
    }
  });

  it('when interval is day or minute, then buckets start on UTC day or minute boundaries and add up to the total', async () => {
    const from = NOW - 5 * DAY_MS;
    const to = NOW - 2 * DAY_MS;
    await seed(1_500, from, to);
    const times = (await allEvents(from, to)).map((e) => Date.parse(e.time));

    const daily = await histogram('report[all][event][lk]=%25&interval=day');
    expect(daily.status).toBe(200);
    expect(daily.body.interval).toBe('day');
    expect(daily.body.reports.all).toEqual(bucketsOf(times, DAY_MS));
    expect(daily.body.reports.all!.every((b) => b.time.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(daily.body.reports.all!.reduce((sum, b) => sum + b.count, 0)).toBe(await groundTruth(from, to));

    const window = `scope[time][gte]=${iso(from)}&scope[time][lt]=${iso(from + HOUR_MS)}`;
    const minutes = await histogram(`report[all][event][lk]=%25&interval=minute&${window}`);
    expect(minutes.body.reports.all).toEqual(
      bucketsOf(
        times.filter((t) => t < from + HOUR_MS),
        MINUTE_MS,
      ),
    );
    expect(minutes.body.reports.all!.every((b) => b.time.endsWith(':00.000Z'))).toBe(true);
  });

  it('when scope narrows the time range and the event names, then every series counts only inside the scope', async () => {
    const from = NOW - 3 * DAY_MS;
    const to = NOW - DAY_MS;
    await seed(2_000, from, to);
    const events = await allEvents(from, to);
    // Scope bounds off the hour, so the first and last buckets are partial.
    const lo = from + 10 * HOUR_MS + 17 * MINUTE_MS;
    const hi = from + 20 * HOUR_MS + 43 * MINUTE_MS;
    const scope = `scope[time][gte]=${iso(lo)}&scope[time][lt]=${iso(hi)}&scope[event][gte]=token_&scope[event][lt]=token~`;

    const { status, body } = await histogram(
      `report[verified][event][eq]=token_verified&report[any][event][lk]=%25&interval=hour&${scope}`,
    );
    expect(status).toBe(200);
    const inScope = events.filter(
      (e) => Date.parse(e.time) >= lo && Date.parse(e.time) < hi && e.event.startsWith('token_'),
    );
    const verified = inScope.filter((e) => e.event === 'token_verified');
    expect(new Set(inScope.map((e) => e.event))).toEqual(new Set(['token_verified', 'token_invalid']));
    expect(body.reports.verified).toEqual(bucketsOfEvents(verified, HOUR_MS));
    // A series matching every name still sees only the scope: token_* events inside [lo, hi).
    expect(body.reports.any).toEqual(bucketsOfEvents(inScope, HOUR_MS));
    const total = body.reports.verified!.reduce((sum, b) => sum + b.count, 0);
    expect(total).toBe(await groundTruth(lo, hi, 'token_verified'));
    for (const bucket of body.reports.verified!) {
      expect(Date.parse(bucket.time)).toBeGreaterThanOrEqual(Math.floor(lo / HOUR_MS) * HOUR_MS);
      expect(Date.parse(bucket.time)).toBeLessThan(hi);
    }
  });

  it('when a series has more than 100 non-empty buckets, then page N holds its buckets 100(N-1)+1 … 100N', async () => {
    // 300 whole minutes: at most 300 buckets, so page 4 is past the end.
    const from = Math.floor((NOW - 2 * DAY_MS) / MINUTE_MS) * MINUTE_MS;
    const to = from + 5 * HOUR_MS;
    await seed(4_000, from, to);
    const expected = bucketsOfEvents(await allEvents(from, to), MINUTE_MS);
    expect(expected.length).toBeGreaterThan(250);
    expect(expected.length).toBeLessThanOrEqual(300);
    const pages: Bucket[][] = [];
    for (let page = 1; page <= 4; page += 1) {
      const { status, body } = await histogram(
        `report[all][time][gte]=${iso(from)}&interval=minute&page=${page}`,
      );
      expect(status).toBe(200);
      pages.push(body.reports.all!);
    }
    const sizes = [1, 2, 3, 4].map((page) => Math.min(100, Math.max(0, expected.length - 100 * (page - 1))));
    expect(pages.map((p) => p.length)).toEqual(sizes);
    expect(sizes.at(-1)).toBe(0);
    expect(pages.flat()).toEqual(expected);
  });

  it('when events happen through the API, then they are counted in the bucket of their time', async () => {
    for (const cellphone of ['555-300-1001', '555-300-1002', '555-300-1003']) {
      const created = await emu.api('/protected/json/users/new', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: { email: 'h@example.com', cellphone, country_code: 1 } }),
      });
      expect(created.status).toBe(200);
    }
    const { body } = await histogram('report[added][event][eq]=user_added&interval=minute');
    expect(body.reports.added).toEqual([{ time: iso(Math.floor(NOW / MINUTE_MS) * MINUTE_MS), count: 3 }]);
  });

  it('when events are older than 90 days, then no bucket counts them, even with a scope reaching back (3.2)', async () => {
    await seed(200, NOW - 120 * DAY_MS, NOW - 95 * DAY_MS);
    await seed(80, NOW - 10 * DAY_MS, NOW - 9 * DAY_MS);
    const { status, body } = await histogram(
      `report[all][event][lk]=%25&interval=day&scope[time][gte]=${iso(NOW - 200 * DAY_MS)}`,
    );
    expect(status).toBe(200);
    expect(body.reports.all!.reduce((sum, b) => sum + b.count, 0)).toBe(80);
    expect(body.reports.all!.every((b) => Date.parse(b.time) >= NOW - 11 * DAY_MS)).toBe(true);
    const old = await histogram(`report[all][time][lt]=${iso(NOW - 91 * DAY_MS)}&interval=day`);
    expect(old.body.reports.all).toEqual([]);
  });

  it('when interval is missing or not minute/hour/day, then 400 with error_code "60094" (1.3)', async () => {
    for (const query of ['', 'interval=week', 'interval=HOUR', 'interval[]=hour']) {
      const { status, body } = await histogramError(`report[a][event][eq]=user_added&${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body).toEqual(authyError('60094', body.message));
      expect(body.message).toContain('interval');
    }
  });

  it('when no series is given or a series is malformed, then 400 with error_code "60095" (1.3)', async () => {
    const invalid = [
      'interval=hour',
      'interval=hour&report=user_added',
      'interval=hour&report[a]=user_added',
      'interval=hour&report[a][event]=user_added',
      'interval=hour&report[a][event][like]=user_added',
      'interval=hour&report[a][nope][eq]=1',
      'interval=hour&report[a][objects.user.authy_id][eq]=1',
      'interval=hour&report[a][time][gte]=yesterday',
      'interval=hour&report[0][event][eq]=user_added',
      'interval=hour&report[a][event][eq]=x&report[a][event][eq]=y',
    ];
    for (const query of invalid) {
      const { status, body } = await histogramError(query);
      expect({ query, status, code: body.error_code }).toEqual({ query, status: 400, code: '60095' });
      expect(body).toEqual(authyError('60095', body.message));
    }
  });

  it('when a scope condition or page is invalid, then 400 with error_code "60089" (3.2, 3.3)', async () => {
    const series = 'report[a][event][eq]=user_added&interval=hour';
    for (const query of [
      'scope[event][like]=user_added',
      'scope[nope][eq]=1',
      'scope[time][lk]=2026',
      'scope=user_added',
      'page=0',
      'page=101',
    ]) {
      const { status, body } = await histogramError(`${series}&${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body).toEqual(authyError('60089', body.message));
      expect(body.message).toContain('Invalid reporting query');
    }
    expect((await histogram(`${series}&page=100`)).status).toBe(200);
  });

  it('when no API key or a wrong one is sent, then 401 with error_code "60001" before anything is parsed (1.1)', async () => {
    for (const key of ['', 'wrong']) {
      const answer = await emu.api<AuthyErrorBody>(`${HISTOGRAM}?interval=week`, {
        headers: { 'X-Authy-API-Key': key },
      });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(authyError('60001', 'Invalid API key'));
    }
  });

  it('when a fault targets reporting.date_histogram, then it answers the 5xx and the log names the endpoint; events is untouched', async () => {
    const faults = await emu.control('POST', '/_emulator/faults', {
      api: [{ endpoint: 'reporting.date_histogram', errorRate: 1, errorStatus: 503 }],
    });
    expect(faults.status).toBe(200);
    const failed = await histogramError('report[a][event][eq]=user_added&interval=hour');
    expect(failed.status).toBe(503);
    expect(failed.body.error_code).toBe('60000');
    expect((await emu.api(EVENTS)).status).toBe(200);
    const log = await emu.control<{ requests: LoggedRequest[] }>(
      'GET',
      '/_emulator/requests?endpoint=reporting.date_histogram',
    );
    expect(log.body.requests.map((r) => [r.path, r.status, r.fault])).toEqual([[HISTOGRAM, 503, '5xx']]);
  });
});
