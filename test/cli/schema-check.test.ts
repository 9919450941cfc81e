import {
  assertSchemaCurrent,
  knownMigrations,
  migrateUp,
  MIGRATIONS_TABLE,
  pendingMigrations,
  SchemaBehindError,
} from '../../src/db/migrate';
import { runCli, runCliUntilReady } from '../harness/cli';
import { createIsolatedDatabase } from '../harness/isolated-database';
import type { IsolatedDatabase } from '../harness/isolated-database';
import { unusedPort } from '../harness/ports';

// `twofold db migrate` is the one migrator: the worker and the gateway only check, at start, that
// every migration is applied, and otherwise exit saying how to migrate (docs/contract.md).

/** What a worker or gateway needs besides its database (the emulator URL only enables dev keys). */
const serviceEnv = (databaseUrl: string, ports: { gateway: number; admin: number }) => ({
  DATABASE_URL: databaseUrl,
  AUTHY_API_URL: 'http://127.0.0.1:4010',
  GATEWAY_PORT: String(ports.gateway),
  ADMIN_PORT: String(ports.admin),
  TEMPORAL_TASK_QUEUE: `schema-check-${process.pid}`,
  TWOFOLD_WORKFLOW_BUNDLE: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE,
  LOG_LEVEL: 'info',
});

/** Starts `twofold <command>` and resolves once its output contains `ready`; then stops it (SIGTERM). */
async function startsAndStops(
  command: string,
  env: NodeJS.ProcessEnv,
  ready: string,
): Promise<number | null> {
  const stopped = await runCliUntilReady([command], { ...process.env, ...env }, ready, { timeoutMs: 90_000 });
  const output = (stopped.stdout + stopped.stderr).slice(-2000);
  expect({ command, started: stopped.ready, output }).toMatchObject({ command, started: true });
  return stopped.code;
}

describe('the schema check of the worker and the gateway', () => {
  let fresh: IsolatedDatabase;
  let ports: { gateway: number; admin: number };
  beforeAll(async () => {
    fresh = await createIsolatedDatabase('schema', { migrate: false });
    ports = { gateway: await unusedPort(), admin: await unusedPort() };
  });
  afterAll(async () => {
    await fresh.drop();
  });

  it('when the worker or the gateway starts on a database never migrated, then it exits 78 saying to run `twofold db migrate`; after it, both start', async () => {
    const env = serviceEnv(fresh.url, ports);
    const [worker, gateway] = await Promise.all([runCli(['worker'], env), runCli(['gateway'], env)]);
    const database = `${new URL(fresh.url).host}${new URL(fresh.url).pathname}`;
    for (const refused of [worker, gateway]) {
      expect(refused.code).toBe(78);
      expect(refused.stderr).toContain(
        `twofold: the database ${database} is behind this code: ${knownMigrations().length} migration(s) not applied (${knownMigrations()[0]}, `,
      );
      expect(refused.stderr).toContain('Fix: run `twofold db migrate`');
    }
    // The check never migrates: the database is still empty.
    await expect(pendingMigrations(fresh.url)).resolves.toEqual(knownMigrations());

    const migrate = await runCli(['db', 'migrate'], { DATABASE_URL: fresh.url });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(`${knownMigrations().length} migration(s) applied`);

    expect(await startsAndStops('gateway', env, 'gateway listening')).toBe(0);
    expect(await startsAndStops('worker', env, 'worker started')).toBe(0);
  }, 240_000);

  it('when one migration is missing, then the check names exactly that one', async () => {
    await migrateUp({ databaseUrl: fresh.url });
    const last = knownMigrations().at(-1)!;
    await fresh.pool.query(`delete from ${MIGRATIONS_TABLE} where name = $1`, [last]);
    try {
      const error = await assertSchemaCurrent(fresh.url).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(SchemaBehindError);
      expect((error as SchemaBehindError).pending).toEqual([last]);
      expect((error as SchemaBehindError).message).toContain(`1 migration(s) not applied (${last})`);
    } finally {
      await fresh.pool.query(`insert into ${MIGRATIONS_TABLE} (name, run_on) values ($1, now())`, [last]);
    }
    await expect(assertSchemaCurrent(fresh.url)).resolves.toBeUndefined();
  });
});
