import type { FunnelResponse } from '../../src/dashboard/funnel';
import { createResponseCache } from '../../src/dashboard/response-cache';
import { createDashboardPool } from '../../src/db/dashboard-pool';
import type { DbPool } from '../../src/db/pool';
import type { DashboardErrorBody } from '../../src/dashboard/errors';
import { useIsolatedDatabase } from '../harness/isolated-database';
import { waitFor } from '../harness/wait-for';
import { privateDays, recordRun, uniqueUserId } from './support/data';
import { startDashboardServer } from './support/server';

describe('the response cache (createResponseCache)', () => {
  it('when the same key is asked while its answer is computed and again within the TTL, then it is computed once', async () => {
    let clock = 0;
    const cache = createResponseCache({ ttlMs: 5_000, now: () => clock });
    let computed = 0;
    let finish: (value: string) => void = () => undefined;
    const compute = () => {
      computed += 1;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const first = cache.get('k', compute);
    const second = cache.get('k', compute);
    finish('answer');
    expect(await Promise.all([first, second])).toEqual(['answer', 'answer']);
    clock = 4_999;
    expect(await cache.get('k', () => Promise.resolve('fresh'))).toBe('answer');
    expect(computed).toBe(1);
    clock = 5_000;
    expect(await cache.get('k', () => Promise.resolve('fresh'))).toBe('fresh');
  });

  it('when a computation fails, then the failure is not kept: the next request computes again', async () => {
    const cache = createResponseCache();
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', () => Promise.resolve('up'))).toBe('up');
  });

  it('when many distinct keys are asked at once, then at most `concurrency` computations run together', async () => {
    const cache = createResponseCache({ concurrency: 2 });
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const answers = Array.from({ length: 6 }, (_, i) =>
      cache.get(`k${i}`, async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return i;
      }),
    );
    const started = (n: number) =>
      waitFor(
        () => Promise.resolve(releases.length),
        (waiting) => waiting >= n,
        { what: `${n} computation(s) started`, intervalMs: 5 },
      );
    await started(2);
    for (let finished = 0; finished < 6; finished += 1) {
      await started(1);
      expect(running).toBeLessThanOrEqual(2);
      releases.shift()!();
    }
    expect(await Promise.all(answers)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });
});

describe('the funnel endpoint behind a cache', () => {
  const db = useIsolatedDatabase('dash');

  it('when a run is recorded between two requests within the TTL, then the second answer is the cached one; after the TTL it is counted', async () => {
    let clock = 0;
    const server = await startDashboardServer({
      pool: db.pool,
      cache: createResponseCache({ ttlMs: 5_000, now: () => clock }),
    });
    try {
      const period = privateDays(2);
      const path = `/dashboard/api/funnel?from=${period.day(0)}&to=${period.day(2)}`;
      const before = await server.get<FunnelResponse>(path);
      expect(before.body.runs).toBe(0);
      await recordRun(db.pool, {
        userId: uniqueUserId('cached'),
        start: new Date(period.from.getTime() + 60_000),
        stages: 'awaiting_device@10',
      });
      expect((await server.get<FunnelResponse>(path)).body.runs).toBe(0);
      clock = 5_000;
      expect((await server.get<FunnelResponse>(path)).body.runs).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('the dashboard pool (createDashboardPool)', () => {
  const db = useIsolatedDatabase('dash');

  async function withServer(pool: DbPool, test: (get: (path: string) => Promise<unknown>) => Promise<void>) {
    const server = await startDashboardServer({ pool });
    try {
      await test(async (path) => server.get<DashboardErrorBody>(path));
    } finally {
      await server.close();
    }
  }

  it('when a dashboard query runs past the statement timeout, then PostgreSQL cancels it and the panel answers 503', async () => {
    const locker = await db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE onboarding_stage_history IN ACCESS EXCLUSIVE MODE');
      const pool = createDashboardPool(db.url, { statementTimeoutMs: 300 });
      await withServer(pool, async (get) => {
        expect(await get('/dashboard/api/funnel')).toMatchObject({
          status: 503,
          body: { error: { code: 'unavailable' } },
        });
      });
      await pool.end();
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
  });

  it('when every dashboard connection is busy, then a request gives up after the connection timeout with 503 instead of queueing', async () => {
    const pool = createDashboardPool(db.url, { max: 1, connectionTimeoutMs: 300 });
    const held = await pool.connect();
    try {
      await withServer(pool, async (get) => {
        const started = Date.now();
        expect(await get('/dashboard/api/registrations')).toMatchObject({
          status: 503,
          body: { error: { code: 'unavailable' } },
        });
        expect(Date.now() - started).toBeLessThan(10_000);
      });
    } finally {
      held.release();
      await pool.end();
    }
  });
});
