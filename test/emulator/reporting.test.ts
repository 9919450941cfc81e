import type { ReportingEvent } from '../../src/authy-emulator/event-objects';
import { DAY_MS, authyError, iso, seedEvents, startEmulator, useEmulator } from './helpers';
import type { AuthyErrorBody, ControlErrorBody } from './helpers';

// Reference: docs/authy-api.md#3-authy-reporting-api (Reporting API) and docs/contract.md#6-authy-emulator.
const EVENTS = '/protected/json/reporting/events';

interface Page {
  events: ReportingEvent[];
  success: boolean;
}

type Count = { count: number };

describe('Reporting API events (docs/authy-api.md §3)', () => {
  const emu = useEmulator();
  const now = Date.now();
  const seed = (count: number, from: number, to: number, extra?: Record<string, unknown>) =>
    seedEvents(emu, count, from, to, extra);

  async function page(query: string) {
    return emu.api<Page>(`${EVENTS}?${query}`);
  }

  async function pageError(query: string) {
    return emu.api<AuthyErrorBody>(`${EVENTS}?${query}`);
  }

  async function allPages(query: string): Promise<ReportingEvent[]> {
    const events: ReportingEvent[] = [];
    for (let p = 1; p <= 100; p += 1) {
      const { status, body } = await page(`${query}&per_page=100&page=${p}`);
      expect(status).toBe(200);
      events.push(...body.events);
      if (body.events.length < 100) break;
    }
    return events;
  }

  it('when nothing happened, then the answer is exactly { events: [], success: true } (3.3)', async () => {
    const { status, body } = await page('');
    expect(status).toBe(200);
    expect(body).toEqual({ events: [], success: true });
  });

  it('when history is seeded, then a page holds per_page 50 events, newest first, with the 3.4 keys', async () => {
    await seed(500, now - 2 * DAY_MS, now - DAY_MS);
    const { body } = await page('');
    expect(Object.keys(body).sort()).toEqual(['events', 'success']);
    expect(body.events).toHaveLength(50);
    for (const event of body.events) {
      expect(Object.keys(event).sort()).toEqual(['event', 'objects', 'request_id', 'time']);
      expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(event.request_id).toMatch(/^[0-9a-f]{32}$/);
      expect(event.objects.app).toEqual(expect.objectContaining({ type: 'full' }));
      expect(typeof event.objects.user?.authy_id).toBe('number');
      expect(event.objects.user?.phone_number).toMatch(/^[0-9a-f]{64}$/);
    }
    const times = body.events.map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('when every page of a window is read, then it yields exactly the ground-truth count, each event once', async () => {
    await seed(3_456, now - 3 * DAY_MS, now - DAY_MS);
    const from = iso(now - 2.5 * DAY_MS);
    const to = iso(now - 1.5 * DAY_MS);
    const events = await allPages(`query[time][gte]=${from}&query[time][lt]=${to}`);
    const { body } = await emu.control<Count>('GET', `/_emulator/reporting/count?from=${from}&to=${to}`);
    expect(events.length).toBe(body.count);
    expect(body.count).toBeGreaterThan(1_000);
    expect(new Set(events.map((e) => `${e.request_id}|${e.event}|${e.time}`)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.request_id)).size).toBe(events.length);
    for (const event of events) {
      expect(Date.parse(event.time)).toBeGreaterThanOrEqual(Date.parse(from));
      expect(Date.parse(event.time)).toBeLessThan(Date.parse(to));
    }
  });

  it('when page or per_page is out of range, then 400 with error_code 60089 (3.3)', async () => {
    for (const query of ['page=101', 'page=0', 'per_page=101', 'per_page=0', 'page=x', 'per_page=1.5']) {
      const { status, body } = await pageError(query);
      expect({ query, status, code: body.error_code, success: body.success }).toEqual({
        query,
        status: 400,
        code: '60089',
        success: false,
      });
    }
    expect((await page('page=100&per_page=100')).status).toBe(200);
  });

  it('when the query is invalid, then 400 with error_code "60089" and the 1.2 error shape (3.2)', async () => {
    const invalid = [
      'query[nope][eq]=1',
      'query[event][like]=x',
      'query[time][gte]=yesterday',
      'query[time][lk]=2020',
      'query[objects.user.authy_id][eq]=1',
      'query[objects.user.i_authy_id][eq]=abc',
      'query[objects.user.b_banned][gt]=true',
      'query[event]=user_added',
      'query=user_added',
      'query[event][eq]=a&query[event][eq]=b',
    ];
    for (const query of invalid) {
      const { status, body } = await pageError(query);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body.message).toContain('Invalid reporting query');
      expect(body).toEqual(authyError('60089', body.message));
    }
  });

  it('when time bounds use gte/gt/lte/lt/eq, then they are inclusive/exclusive to the millisecond (3.2)', async () => {
    await seed(200, now - 2 * DAY_MS, now - DAY_MS);
    const events = await allPages('');
    const pivot = events[100]!;
    const t = Date.parse(pivot.time);
    const countOf = async (query: string) => (await allPages(query)).length;
    const atOrAfter = events.filter((e) => Date.parse(e.time) >= t).length;
    const after = events.filter((e) => Date.parse(e.time) > t).length;
    expect(await countOf(`query[time][gte]=${pivot.time}`)).toBe(atOrAfter);
    expect(await countOf(`query[time][gt]=${pivot.time}`)).toBe(after);
    expect(await countOf(`query[time][lte]=${pivot.time}`)).toBe(events.length - after);
    expect(await countOf(`query[time][lt]=${pivot.time}`)).toBe(events.length - atOrAfter);
    const exact = await allPages(`query[time][eq]=${pivot.time}`);
    expect(exact.map((e) => e.request_id)).toContain(pivot.request_id);
  });

  it('when filtering by event with eq, a gte/lt range or lk, then only matching names come back (3.2)', async () => {
    await seed(2_000, now - 2 * DAY_MS, now - DAY_MS);
    const all = await allPages('');
    const verified = await allPages('query[event][eq]=token_verified');
    expect(verified.length).toBe(all.filter((e) => e.event === 'token_verified').length);
    expect(verified.every((e) => e.event === 'token_verified')).toBe(true);
    // Twilio's own prefix trick: names starting with "user_".
    const users = await allPages('query[event][gte]=user_&query[event][lt]=user`');
    expect(users.length).toBe(all.filter((e) => e.event.startsWith('user_')).length);
    expect(users.length).toBeGreaterThan(0);
    const tokens = await allPages('query[event][lk]=token');
    expect(tokens.length).toBe(all.filter((e) => e.event.includes('token')).length);
    const like = await allPages('query[event][lk]=%25_sent');
    expect(like.every((e) => e.event.endsWith('_sent'))).toBe(true);
    expect(like.length).toBe(all.filter((e) => e.event.endsWith('_sent')).length);
  });

  it('when filtering on typed objects.* attributes, then the prefix sets the type and keys come back unprefixed (2.5)', async () => {
    await seed(1_000, now - 2 * DAY_MS, now - DAY_MS);
    const all = await allPages('');
    const someone = all[10]!.objects.user!.authy_id;
    const mine = all.filter((e) => e.objects.user!.authy_id === someone);
    expect(mine.length).toBeGreaterThan(0);
    expect((await allPages(`query[objects.user.i_authy_id][eq]=${someone}`)).length).toBe(mine.length);
    expect((await allPages(`query[objects.user.s_authy_id][eq]=${someone}`)).length).toBe(mine.length);
    const approved = await allPages('query[objects.onetouch_request.s_status][eq]=approved');
    expect(approved.length).toBe(all.filter((e) => e.objects.onetouch_request?.status === 'approved').length);
    expect((await allPages('query[objects.user.b_banned][eq]=false')).length).toBe(all.length);
    expect((await allPages(`query[objects.user.as_authy_ids][eq]=${someone}`)).length).toBe(mine.length);
    const combined = await allPages(
      `query[objects.user.i_authy_id][eq]=${someone}&query[event][eq]=${mine[0]!.event}`,
    );
    expect(combined.length).toBe(mine.filter((e) => e.event === mine[0]!.event).length);
  });

  it('when events are older than 90 days, then neither the API nor the ground-truth count returns them (3.2)', async () => {
    await seed(100, now - 120 * DAY_MS, now - 95 * DAY_MS);
    await seed(50, now - 10 * DAY_MS, now - 9 * DAY_MS);
    expect((await allPages('')).length).toBe(50);
    expect((await page(`query[time][lt]=${iso(now - 91 * DAY_MS)}`)).body.events).toEqual([]);
    expect((await emu.control<Count>('GET', '/_emulator/reporting/count')).body).toEqual({ count: 50 });
  });

  it('when more history is seeded into an earlier window, then it merges in time order', async () => {
    await seed(300, now - 2 * DAY_MS, now - DAY_MS);
    await seed(300, now - 4 * DAY_MS, now - 3 * DAY_MS);
    await seed(300, now - 2.5 * DAY_MS, now - 1.5 * DAY_MS);
    const events = await allPages('');
    expect(events).toHaveLength(900);
    const times = events.map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(events.map((e) => e.request_id)).size).toBe(900);
  });

  it('when no API key or a wrong one is sent, then 401 with error_code "60001"; api_key in the query works (1.1)', async () => {
    const missing = await emu.api<AuthyErrorBody>(EVENTS, { headers: { 'X-Authy-API-Key': '' } });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(authyError('60001', 'Invalid API key'));
    expect((await emu.api(EVENTS, { headers: { 'X-Authy-API-Key': 'wrong' } })).status).toBe(401);
    const byQuery = await fetch(`${emu.url}${EVENTS}?api_key=dev-authy-api-key-0000000000000000`);
    expect(byQuery.status).toBe(200);
  });
});

describe('Reporting seed and ground truth (docs/contract.md §6)', () => {
  const now = Date.now();

  it('when two emulators share a seed, then the same seed calls give identical events; another seed differs', async () => {
    const [a, b, c] = await Promise.all([
      startEmulator({ seed: 42 }),
      startEmulator({ seed: 42 }),
      startEmulator({ seed: 43 }),
    ]);
    try {
      const body = { count: 1_000, from: iso(now - 5 * DAY_MS), to: iso(now - 4 * DAY_MS) };
      for (const emu of [a, b, c]) await emu.control('POST', '/_emulator/reporting/seed', body);
      const pageA = (await a.api<Page>(`${EVENTS}?page=3`)).body;
      const pageB = (await b.api<Page>(`${EVENTS}?page=3`)).body;
      const pageC = (await c.api<Page>(`${EVENTS}?page=3`)).body;
      expect(pageA).toEqual(pageB);
      expect(pageC.events.map((e) => e.request_id)).not.toEqual(pageA.events.map((e) => e.request_id));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('when the count window is given, then from is inclusive and to is exclusive', async () => {
    const emu = await startEmulator();
    try {
      await emu.control('POST', '/_emulator/reporting/seed', {
        count: 100,
        from: iso(now - 2 * DAY_MS),
        to: iso(now - DAY_MS),
      });
      const newest = (await emu.api<Page>(`${EVENTS}?per_page=1`)).body.events[0]!;
      const t = Date.parse(newest.time);
      const count = async (from: number, to: number) =>
        (await emu.control<Count>('GET', `/_emulator/reporting/count?from=${iso(from)}&to=${iso(to)}`)).body
          .count;
      expect(await count(t, t + 1)).toBeGreaterThanOrEqual(1);
      expect(await count(t + 1, t + DAY_MS)).toBe(0);
      expect(await count(t - DAY_MS, t)).toBe(100 - (await count(t, t + 1)));
      const byEvent = await emu.control<Count>('GET', `/_emulator/reporting/count?event=${newest.event}`);
      expect(byEvent.body.count).toBeGreaterThanOrEqual(1);
    } finally {
      await emu.close();
    }
  });

  it('when the seed body is invalid, then 400 names the field', async () => {
    const emu = await startEmulator();
    try {
      const cases: [unknown, string][] = [
        [{ count: 0, from: iso(now - DAY_MS), to: iso(now) }, 'count'],
        [{ count: 10, from: iso(now), to: iso(now - DAY_MS) }, 'from'],
        [{ count: 10, from: 'yesterday', to: iso(now) }, 'from'],
        [{ count: 10, from: iso(now - DAY_MS), to: iso(now), events: ['nope'] }, 'events'],
        [{ count: 10, from: iso(now - DAY_MS), to: iso(now), extra: 1 }, 'extra'],
      ];
      for (const [body, field] of cases) {
        const answer = await emu.control<ControlErrorBody>('POST', '/_emulator/reporting/seed', body);
        expect(answer.status).toBe(400);
        expect(answer.body.error.code).toBe('invalid_input');
        expect(answer.body.error.message).toContain(field);
      }
      const badCount = await emu.control('GET', '/_emulator/reporting/count?from=nope');
      expect(badCount.status).toBe(400);
    } finally {
      await emu.close();
    }
  });

  it('when 1,000,000 events are seeded, then they are all counted and a deep page answers in order', async () => {
    const emu = await startEmulator();
    try {
      const seeded = await emu.control('POST', '/_emulator/reporting/seed', {
        count: 1_000_000,
        from: iso(now - 60 * DAY_MS),
        to: iso(now - DAY_MS),
      });
      expect(seeded.status).toBe(200);
      expect(seeded.body).toEqual(expect.objectContaining({ seeded: 1_000_000, total: 1_000_000 }));
      expect((await emu.control<Count>('GET', '/_emulator/reporting/count')).body).toEqual({
        count: 1_000_000,
      });
      const deep = await emu.api<Page>(`${EVENTS}?page=100&per_page=100`);
      expect(deep.status).toBe(200);
      expect(deep.body.events).toHaveLength(100);
      const times = deep.body.events.map((e) => Date.parse(e.time));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const windowed = await emu.api<Page>(
        `${EVENTS}?page=100&per_page=100&query[time][lt]=${iso(now - 30 * DAY_MS)}&query[event][eq]=token_verified`,
      );
      expect(windowed.body.events).toHaveLength(100);
      expect(windowed.body.events.every((e) => e.event === 'token_verified')).toBe(true);
    } finally {
      await emu.close();
    }
  });
});
