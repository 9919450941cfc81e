import { createPool } from '../../src/db/pool';
import type { DashboardErrorBody } from '../../src/dashboard/errors';
import type { EventSeriesResponse } from '../../src/dashboard/event-panels';
import { startDashboardServer, useDashboardServer } from './support/server';

describe('dashboard API parameters and failures', () => {
  const now = new Date('2026-03-15T10:30:00Z');
  const dashboard = useDashboardServer({
    temporal: () => Promise.reject(new Error('connection refused')),
    now: () => now,
  });

  const badRequests: [path: string, mentions: RegExp][] = [
    ['/dashboard/api/funnel?from=yesterday', /^from: expected an ISO 8601 date/],
    ['/dashboard/api/registrations?from=2026-02-30', /^from: /],
    ['/dashboard/api/onetouch?from=2026-03-01T10:00:00', /^from: /], // a date-time needs an offset
    ['/dashboard/api/recoveries?from=2026-03-10&to=2026-03-01', /^from: must be before to$/],
    ['/dashboard/api/funnel?from=2026-03-10&to=2026-03-10', /^from: must be before to$/],
    [
      '/dashboard/api/phone-changes?from=2024-01-01&to=2026-01-01',
      /^to: the period may span at most 366 days$/,
    ],
    ['/dashboard/api/funnel?from=2026-03-01&from=2026-03-02', /^from: expected a single value$/],
    ['/dashboard/api/funnel?form=2026-03-01', /^unknown parameter\(s\): form$/],
    ['/dashboard/api/stuck?olderThan=2weeks', /^olderThan: expected a duration such as 30m, 2h or 3d$/],
    ['/dashboard/api/stuck?limit=0', /^limit: expected at least 1$/],
    ['/dashboard/api/stuck?limit=101', /^limit: expected at most 100$/],
    ['/dashboard/api/stuck?limit=ten', /^limit: expected a whole number from 1 to 100$/],
  ];

  it.each(badRequests)(
    'when %s is asked, then it answers 400 with a JSON error naming the parameter',
    async (path, mentions) => {
      const { status, body, headers } = await dashboard.get<DashboardErrorBody>(path);
      expect(status).toBe(400);
      expect(headers.get('content-type')).toMatch(/^application\/json/);
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(mentions);
    },
  );

  it('when no period is given, then the last 30 UTC days up to the end of today are used', async () => {
    const { status, body } = await dashboard.get<EventSeriesResponse>('/dashboard/api/registrations');
    expect(status).toBe(200);
    expect(body.period).toEqual({ from: '2026-02-14T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' });
  });

  it('when only from is given, then the period is the 30 days from it', async () => {
    const { body } = await dashboard.get<EventSeriesResponse>('/dashboard/api/registrations?from=2025-01-01');
    expect(body.period).toEqual({ from: '2025-01-01T00:00:00.000Z', to: '2025-01-31T00:00:00.000Z' });
  });

  it('when an endpoint does not exist, then it answers 404 with a JSON error', async () => {
    const { status, body } = await dashboard.get<DashboardErrorBody>('/dashboard/api/installs');
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
  });

  it('when Temporal cannot be reached, then the stuck panel answers 503 unavailable', async () => {
    const { status, body } = await dashboard.get<DashboardErrorBody>('/dashboard/api/stuck');
    expect(status).toBe(503);
    expect(body.error).toEqual({
      code: 'unavailable',
      message: 'Temporal is unavailable; try again shortly',
    });
  });

  it('when connecting to Temporal hangs, then the stuck panel answers 503 once its deadline passes', async () => {
    const hanging = await startDashboardServer({
      pool: dashboard.pool,
      temporal: () => new Promise(() => undefined),
      options: { temporalTimeoutMs: 300 },
    });
    try {
      const started = Date.now();
      const { status, body } = await hanging.get<DashboardErrorBody>('/dashboard/api/stuck');
      expect(status).toBe(503);
      expect(body.error.code).toBe('unavailable');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await hanging.close();
    }
  });

  it('when PostgreSQL cannot be reached, then the database panels answer 503 unavailable', async () => {
    // A port nothing listens on: connections are refused at once.
    const deadPool = createPool('postgres://twofold:twofold@127.0.0.1:1/twofold', { max: 1 });
    const dead = await startDashboardServer({ pool: deadPool });
    try {
      for (const panel of ['funnel', 'registrations']) {
        const { status, body } = await dead.get<DashboardErrorBody>(`/dashboard/api/${panel}`);
        expect(status).toBe(503);
        expect(body.error.code).toBe('unavailable');
      }
    } finally {
      await dead.close();
      await deadPool.end();
    }
  });

  it('when the page is asked for, then it is served with a same-origin content policy, and /dashboard/ redirects to it', async () => {
    const page = await fetch(`${dashboard.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="dashboard/assets/main.js"></script>');

    const redirect = await fetch(`${dashboard.url}/dashboard/?from=2026-01-01`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('../dashboard?from=2026-01-01');
  });

  it('when an asset is asked for again with its ETag, then it answers 304; unknown assets are 404', async () => {
    const first = await fetch(`${dashboard.url}/dashboard/assets/daily-chart.js`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/javascript/);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${dashboard.url}/dashboard/assets/daily-chart.js`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${dashboard.url}/dashboard/assets/..%2Fassets.ts`)).status).toBe(404);
    expect((await fetch(`${dashboard.url}/dashboard/assets/nope.js`)).status).toBe(404);
  });
});
