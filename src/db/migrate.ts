import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { Client } from 'pg';

/** Folder of the versioned SQL migrations (`NNNN_name.sql`, `-- Up Migration` / `-- Down Migration`). */
export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');
export const MIGRATIONS_TABLE = 'schema_migrations';

export interface MigrateOptions {
  databaseUrl: string;
  /** Receives one line per applied migration. */
  log?: (line: string) => void;
}

/** Advisory-lock key that serialises migrations across processes (arbitrary, fixed). */
const MIGRATION_LOCK_KEY = 7_202_611;

/**
 * Applies every pending migration, in order, each in its own transaction, and returns the names it
 * applied. Safe to re-run (applied versions are recorded in `schema_migrations`) and to run from
 * several processes at once: each waits on a blocking advisory lock, where node-pg-migrate's own
 * try-lock would make the second process fail ("Another migration is already running").
 */
export async function migrateUp({ databaseUrl, log }: MigrateOptions): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await runMigrations(client);
    for (const name of applied) log?.(`applied migration ${name}`);
    return applied;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

async function runMigrations(dbClient: Client): Promise<string[]> {
  const applied = await runner({
    dbClient,
    noLock: true,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    count: Infinity,
    checkOrder: true,
    singleTransaction: false,
    verbose: false,
    log: () => undefined,
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return applied.map((m) => m.name);
}
