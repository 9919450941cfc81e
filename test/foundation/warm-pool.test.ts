import { randomUUID } from 'node:crypto';
import { createPool, warmPool } from '../../src/db/pool';
import type { DbPool } from '../../src/db/pool';
import { testDatabaseUrl, useTestPool } from '../harness/database';
import { waitFor } from '../harness/wait-for';

describe('a warm connection pool (warmPool, minConnections)', () => {
  const observer = useTestPool();
  const pools: DbPool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
  });

  /** Server-side connections PostgreSQL holds for `applicationName`. */
  async function serverConnections(applicationName: string): Promise<number> {
    const { rows } = await observer().query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return rows[0]!.n;
  }

  it('when a pool is warmed, then PostgreSQL holds that many connections before any query and a burst of as many queries opens none', async () => {
    const applicationName = `warm-${randomUUID().slice(0, 8)}`;
    const pool = createPool(testDatabaseUrl(), { max: 4, minConnections: 4, applicationName });
    pools.push(pool);

    expect(await warmPool(pool)).toBe(4); // the pool's minimum
    expect(await serverConnections(applicationName)).toBe(4);
    expect(pool.idleCount).toBe(4);

    const backends = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const { rows } = await pool.query<{ pid: number }>('select pg_backend_pid() as pid, pg_sleep(0.05)');
        return rows[0]!.pid;
      }),
    );
    expect(new Set(backends).size).toBe(4);
    expect(pool.totalCount).toBe(4);
    expect(await serverConnections(applicationName)).toBe(4);
  });

  it('when idle connections time out, then the pool closes those beyond minConnections and keeps the rest', async () => {
    const applicationName = `warm-${randomUUID().slice(0, 8)}`;
    const pool = createPool(testDatabaseUrl(), {
      max: 5,
      minConnections: 2,
      idleTimeoutMs: 50,
      applicationName,
    });
    pools.push(pool);
    await warmPool(pool, 5);

    // Every idle timer fires in the same turn of the event loop: without the minimum all five go.
    await waitFor(
      () => pool.totalCount,
      (n) => n < 5,
      { what: 'idle connections to close', intervalMs: 20 },
    );
    expect(pool.totalCount).toBe(2);
    await waitFor(
      () => serverConnections(applicationName),
      (n) => n === 2,
      {
        what: 'PostgreSQL to see two connections left',
      },
    );
  });

  it('when the database cannot be reached, then warming opens nothing and does not throw', async () => {
    const url = new URL(testDatabaseUrl());
    url.port = '1'; // nothing listens there
    const pool = createPool(url.toString(), { max: 2, connectionTimeoutMs: 2_000 });
    pools.push(pool);
    await expect(warmPool(pool, 2)).resolves.toBe(0);
    expect(pool.totalCount).toBe(0);
  });
});
