import { Client } from 'pg';
import { assertSchemaCurrent, pendingMigrations } from '../../src/db/migrate';
import { testDatabaseUrl } from '../harness/database';

/** The run's database as the runtime role the scripts create (scripts/postgres/app-role.sql). */
function appRoleUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.username = 'twofold_app';
  url.password = 'twofold_app';
  return url.toString();
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function sqlState(client: Client, sql: string): Promise<string | undefined> {
  return client.query(sql).then(
    () => undefined,
    (error: { code?: string }) => error.code,
  );
}

describe('least privilege: the runtime role twofold_app (DML only) beside the owner twofold', () => {
  let app: Client;
  let owner: Client;
  beforeAll(async () => {
    app = await connect(appRoleUrl());
    owner = await connect(testDatabaseUrl());
  });
  afterAll(async () => {
    await app.end();
    await owner.end();
  });

  it('when connected as twofold_app, then every table allows SELECT, INSERT, UPDATE and DELETE and nothing more', async () => {
    const { rows } = await app.query<{ table_name: string; dml: boolean; other: boolean }>(
      `select c.relname as table_name,
              (select bool_and(has_table_privilege(c.oid, p))
                 from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p) as dml,
              has_table_privilege(c.oid, 'TRUNCATE, REFERENCES, TRIGGER') as other
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')
          -- test/foundation/copy.test.ts creates and drops scratch tables meanwhile: a table dropped
          -- between the catalog read and the privilege check would read as NULL.
          and left(c.relname, 10) <> 'copy_test_'`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['reporting_events', 'webhook_inbox', 'onboardings']),
    );
    expect(rows.filter((r) => !r.dml || r.other)).toEqual([]);
  });

  it('when twofold_app writes and deletes a row, then PostgreSQL allows it', async () => {
    await app.query('begin');
    try {
      const id = `app-role-${Date.now()}`;
      await app.query(
        `insert into reporting_events (event, occurred_at, request_id, objects) values ('user_added', now(), $1, '{}')`,
        [id],
      );
      await app.query(`update reporting_events set status = 'probe' where request_id = $1`, [id]);
      expect((await app.query('delete from reporting_events where request_id = $1', [id])).rowCount).toBe(1);
    } finally {
      await app.query('rollback');
    }
  });

  it.each([
    ['create a table', 'create table app_role_probe (id int)'],
    ['drop a table', 'drop table reporting_events'],
    ['alter a table', 'alter table reporting_events add column probe int'],
    ['truncate a table', 'truncate reporting_events'],
    ['create a function', 'create function app_role_probe() returns int language sql as $$ select 1 $$'],
  ])('when twofold_app tries to %s, then PostgreSQL refuses (42501)', async (_what, sql) => {
    expect(await sqlState(app, sql)).toBe('42501');
  });

  it('when the owner creates a table (a later migration), then twofold_app gets DML on it by default privileges', async () => {
    await owner.query('begin');
    try {
      await owner.query('create table app_role_default_probe (id int)');
      const { rows } = await owner.query<{ dml: boolean; truncate: boolean }>(
        `select has_table_privilege('twofold_app', 'app_role_default_probe', 'SELECT, INSERT, UPDATE, DELETE') as dml,
                has_table_privilege('twofold_app', 'app_role_default_probe', 'TRUNCATE') as truncate`,
      );
      expect(rows[0]).toEqual({ dml: true, truncate: false });
    } finally {
      await owner.query('rollback');
    }
  });

  it('when the worker or gateway starts as twofold_app with every migration applied, then its schema check passes', async () => {
    await expect(pendingMigrations(appRoleUrl())).resolves.toEqual([]);
    await expect(assertSchemaCurrent(appRoleUrl())).resolves.toBeUndefined();
  });
});
