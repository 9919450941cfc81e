import { readdirSync } from 'node:fs';
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

/** The migrations this code needs, by name (`NNNN_name`, as `schema_migrations` records them), in order. */
export function knownMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -'.sql'.length))
    .sort();
}

/** PostgreSQL's "undefined_table": `schema_migrations` does not exist on a database never migrated. */
const UNDEFINED_TABLE = '42P01';

/**
 * The known migrations `schema_migrations` does not record (every one on a database never migrated).
 * Only reads, so the DML-only runtime role may ask (docs/security.md, "Database roles"). A database
 * ahead of this code (a newer migration applied) is not behind: it passes.
 */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client
      .query<{ name: string }>(`select name from ${MIGRATIONS_TABLE}`)
      .catch((error: unknown) => {
        if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return { rows: [] };
        throw error;
      });
    const applied = new Set(rows.map((row) => row.name));
    return knownMigrations().filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

/** The database lacks migrations this code needs; `twofold db migrate` applies them. */
export class SchemaBehindError extends Error {
  override name = 'SchemaBehindError';
  constructor(
    /** `host:port/database` of the database, without credentials. */
    readonly database: string,
    /** The migrations not applied, in order. */
    readonly pending: readonly string[],
  ) {
    super(
      `the database ${database} is behind this code: ${pending.length} migration(s) not applied (${pending.join(', ')})\n` +
        '  Fix: run `twofold db migrate` (as the database owner), then start this process again.',
    );
  }
}

/**
 * The start-up check of the worker and the gateway: resolves when every known migration is applied,
 * else throws {@link SchemaBehindError}. Processes never migrate themselves: `twofold db migrate`
 * is the one migrator (docs/contract.md), run once per deployment before they start.
 */
export async function assertSchemaCurrent(databaseUrl: string): Promise<void> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length > 0) {
    const { host, pathname } = new URL(databaseUrl);
    throw new SchemaBehindError(`${host}${pathname}`, pending);
  }
}
