import type { DbPool } from './pool';

/** Resolves when PostgreSQL answers a trivial query; for readiness probes. */
export async function pingDatabase(pool: DbPool): Promise<void> {
  await pool.query('SELECT 1');
}
