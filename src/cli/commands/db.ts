import type { Command } from 'commander';
import { migrateUp } from '../../db/migrate';
import { commandContext } from '../context';

/** `twofold db migrate`: applies pending PostgreSQL migrations (idempotent). */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending migrations to DATABASE_URL (safe to re-run)')
    .action(async () => {
      const { config } = commandContext();
      const applied = await migrateUp({ databaseUrl: config.databaseUrl, log: (l) => console.log(l) });
      console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
    });
}
