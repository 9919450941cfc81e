import { createPool } from '../../src/db/pool';
import type { DbPool } from '../../src/db/pool';
import { openForAll } from './lifecycle';
import type { Opened } from './lifecycle';

/** The run's PostgreSQL URL, set by the global setup. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is unset: run tests through jest (global setup)');
  return url;
}

/** A small pool on the run's database; the test closes it in afterAll. */
export function createTestPool(): DbPool {
  return createPool(testDatabaseUrl(), { max: 4 });
}

/** A {@link createTestPool} pool for the tests of the calling describe block, ended after them. */
export function useTestPool(): Opened<DbPool> {
  return openForAll(createTestPool, (pool) => pool.end());
}
