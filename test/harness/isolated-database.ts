import { randomBytes } from 'node:crypto';
import { migrateUp } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import type { DbPool } from '../../src/db/pool';
import { testDatabaseUrl } from './database';
import { forwardTo, openForAll } from './lifecycle';

/** A migrated database of the run's PostgreSQL that only this test file uses. */
export interface IsolatedDatabase {
  url: string;
  pool: DbPool;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the run's PostgreSQL and migrates it (with `migrate: false`, leaves it
 * empty, as a deployment is before `twofold db migrate`). Gateway dispatchers claim every
 * due inbox row they can see, so each gateway test file gets its own inbox: no other file's
 * dispatcher (or outage simulation) can touch its rows; the dashboard tests compare whole pages with
 * everything their database holds. `label` names the database (twofold_<label>_<random>).
 */
export async function createIsolatedDatabase(
  label = 'test',
  options: { migrate?: boolean } = {},
): Promise<IsolatedDatabase> {
  const name = `twofold_${label}_${randomBytes(6).toString('hex')}`;
  const adminPool = createPool(testDatabaseUrl(), { max: 1 });
  await adminPool.query(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  if (options.migrate ?? true) await migrateUp({ databaseUrl: url.toString() });
  const pool = createPool(url.toString(), { max: 8 });
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      await adminPool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await adminPool.end();
    },
  };
}

/**
 * An {@link IsolatedDatabase} for the tests of one describe block: created before them, dropped
 * after them. Its `url` and `pool` are read inside the tests.
 */
export function useIsolatedDatabase(label?: string): Omit<IsolatedDatabase, 'drop'> {
  return forwardTo(
    openForAll(
      () => createIsolatedDatabase(label),
      (created) => created.drop(),
    ),
  );
}
