import { randomUUID } from 'node:crypto';
import { migrateUp } from '../../src/db/migrate';
import { withTransaction } from '../../src/db/pool';
import { createTestPool, testDatabaseUrl, useTestPool } from '../harness/database';

describe('PostgreSQL through the db module', () => {
  const sharedPool = useTestPool();

  it('when a row is written in a transaction, then it reads back with its types intact', async () => {
    const userId = `db-test-${randomUUID()}`;
    const startedAt = new Date('2026-01-02T03:04:05.678Z');
    await withTransaction(sharedPool(), (client) =>
      client.query(
        `insert into onboardings (user_id, workflow_id, run_id, stage, started_at, stage_entered_at)
         values ($1, $2, $3, 'registering', $4, $4)`,
        [userId, `onboarding-${userId}`, randomUUID(), startedAt],
      ),
    );
    const { rows } = await sharedPool().query(
      'select stage, started_at, reminders_sent from onboardings where user_id = $1',
      [userId],
    );
    expect(rows).toEqual([{ stage: 'registering', started_at: startedAt, reminders_sent: 0 }]);
  });

  it('when the work inside a transaction throws, then nothing it wrote is kept', async () => {
    const userId = `db-test-${randomUUID()}`;
    await expect(
      withTransaction(sharedPool(), async (client) => {
        await client.query(
          `insert into onboardings (user_id, workflow_id, run_id, stage, started_at, stage_entered_at)
           values ($1, 'w', 'r', 'registering', now(), now())`,
          [userId],
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rowCount } = await sharedPool().query('select 1 from onboardings where user_id = $1', [userId]);
    expect(rowCount).toBe(0);
  });
});

describe('migrations', () => {
  it('when applied again after the global setup applied them, then nothing is re-applied and nothing fails', async () => {
    const first = await migrateUp({ databaseUrl: testDatabaseUrl() });
    const second = await migrateUp({ databaseUrl: testDatabaseUrl() });
    expect(first).toEqual([]);
    expect(second).toEqual([]);
  });

  it('when several processes migrate at once, then all succeed (they serialise on a lock)', async () => {
    const results = await Promise.all([1, 2, 3].map(() => migrateUp({ databaseUrl: testDatabaseUrl() })));
    expect(results).toEqual([[], [], []]);
  });

  it('when applied, then every migration is recorded once in schema_migrations', async () => {
    const pool = createTestPool();
    try {
      const { rows } = await pool.query<{ name: string; n: string }>(
        'select name, count(*) as n from schema_migrations group by name order by name',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]!.name).toBe('0001_onboardings');
      expect(rows.every((r) => r.n === '1')).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
