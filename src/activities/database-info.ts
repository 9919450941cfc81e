import type { DbPool } from '../db/pool';

/** What {@link createDatabaseInfoActivities} reports about the database it reached. */
export interface DatabaseInfo {
  databaseTime: string;
  postgresVersion: string;
}

/** Activities that read facts about PostgreSQL; used by the stack check. */
export function createDatabaseInfoActivities(deps: { pool: DbPool }) {
  return {
    async readDatabaseInfo(): Promise<DatabaseInfo> {
      const { rows } = await deps.pool.query<{ now: Date; version: string }>(
        "select now() as now, current_setting('server_version') as version",
      );
      const row = rows[0]!;
      return { databaseTime: row.now.toISOString(), postgresVersion: row.version };
    },
  };
}
