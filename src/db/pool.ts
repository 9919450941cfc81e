import { Pool } from 'pg';
import type { PoolClient } from 'pg';

/** The connection pool type; the db folder is the only place that imports pg. */
export type DbPool = Pool;
export type DbClient = PoolClient;

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Connections at most (default 10). */
  max?: number;
  /**
   * PostgreSQL cancels any statement of this pool that runs longer (`statement_timeout`), lock waits
   * included, so one stuck statement cannot hold up the work queued behind it. Default: none.
   */
  statementTimeoutMs?: number;
  /** A query waiting longer than this for a free connection fails instead of queueing. Default: none. */
  connectionTimeoutMs?: number;
  /** The `application_name` PostgreSQL shows for its connections (`pg_stat_activity`). */
  applicationName?: string;
  /**
   * Connections kept open however long they sit idle (pg-pool's `min`; open them at start with
   * {@link warmPool}). Without, idle connections close after 10 s, and a burst after a quiet spell
   * pays PostgreSQL's connection set-up (a backend process and authentication each) on many
   * connections at once: tens of milliseconds each on a busy server (docs/gateway.md#benchmark).
   * Default 0.
   */
  minConnections?: number;
  /** An idle connection beyond `minConnections` closes after this long (default 10 s). */
  idleTimeoutMs?: number;
}

/** Creates a pool for `databaseUrl`. Callers own it and must `end()` it on shutdown. */
export function createPool(databaseUrl: string, options: PoolOptions = {}): DbPool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
    ...(options.connectionTimeoutMs === undefined
      ? {}
      : { connectionTimeoutMillis: options.connectionTimeoutMs }),
    ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
    ...(options.minConnections === undefined ? {} : { min: options.minConnections }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMillis: options.idleTimeoutMs }),
  });
  // An idle client losing its connection (server restart) must not crash the process: the pool
  // drops it and the next query opens a fresh one.
  pool.on('error', () => undefined);
  // A checked-out client losing its connection emits 'error' too, and the pool listens only while a
  // client is idle: without a listener of its own, Node ends the process (seen when the chaos suite
  // SIGKILLs PostgreSQL). The query in flight still rejects, and the client is released as broken.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/**
 * Opens `count` connections of `pool` now (default: the pool's {@link PoolOptions.minConnections},
 * the ones it keeps) and puts them back idle, so the first burst of work finds them ready. Best
 * effort: resolves with how many opened (a database that is down now is the first query's problem,
 * as without warming).
 */
export async function warmPool(pool: DbPool, count = pool.options.min ?? 0): Promise<number> {
  const opened = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  let ready = 0;
  for (const result of opened) {
    if (result.status !== 'fulfilled') continue;
    result.value.release();
    ready += 1;
  }
  return ready;
}

/** Runs `work` inside one transaction: committed if it resolves, rolled back if it throws. */
export async function withTransaction<T>(pool: DbPool, work: (client: DbClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is discarded rather than returned to the pool.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
