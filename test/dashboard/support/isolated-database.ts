import { randomBytes } from 'node:crypto';
import { migrateUp } from '../../../src/db/migrate';
import { createPool } from '../../../src/db/pool';
import type { DbPool } from '../../../src/db/pool';
import { testDatabaseUrl } from '../../harness/database';

/** A freshly migrated database of the run's PostgreSQL that only one test file uses. */
export interface IsolatedDatabase {
  pool: DbPool;
  drop(): Promise<void>;
}

/**
 * Creates and migrates a database of its own, so a test can compare a whole page with everything
 * the database holds (a simulated cohort, a sync) while other test files write to the shared one.
 */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const name = `twofold_dash_${randomBytes(6).toString('hex')}`;
  const admin = createPool(testDatabaseUrl(), { max: 1 });
  await admin.query(`create database ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  await migrateUp({ databaseUrl: url.toString() });
  const pool = createPool(url.toString(), { max: 8 });
  return {
    pool,
    async drop() {
      await pool.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
