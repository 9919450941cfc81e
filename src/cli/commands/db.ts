import type { Command } from 'commander';
import { migrateUp } from '../../db/migrate';
import { CliError, commandContext } from '../context';

/** `twofold db migrate`: applies pending PostgreSQL migrations (idempotent). */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending migrations to DATABASE_URL (safe to re-run)')
    .action(async () => {
      const { config } = commandContext();
      const applied = await migrateUp({ databaseUrl: config.databaseUrl, log: (l) => console.log(l) }).catch(
        (error: unknown) => {
          const { host, pathname } = new URL(config.databaseUrl);
          throw new CliError(
            `cannot migrate PostgreSQL at ${host}${pathname}: ${error instanceof Error ? error.message : String(error)}\n` +
              '  Fix: start the local stack with `make up`, or set DATABASE_URL.',
          );
        },
      );
      console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
    });
}
