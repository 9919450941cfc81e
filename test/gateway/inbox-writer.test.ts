import { randomUUID } from 'node:crypto';
import type { NewInboxEvent } from '../../src/db/webhook-inbox';
import { createPool } from '../../src/db/pool';
import { createInboxWriter } from '../../src/webhook-gateway/inbox-writer';
import { inboxCount } from './support/inbox';
import { useIsolatedDatabase } from '../harness/isolated-database';

const db = useIsolatedDatabase('gw');

function delivery(deliveryId = `jwt:${randomUUID()}`): NewInboxEvent {
  return { deliveryId, source: 'webhook', event: 'user_added', payload: {}, state: 'not_actionable' };
}

/** How many transactions wrote these rows (rows of one statement share their xmin). */
async function transactionsFor(ids: string[]): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'SELECT count(DISTINCT xmin::text)::int AS n FROM webhook_inbox WHERE delivery_id = ANY($1)',
    [ids],
  );
  return rows[0]!.n;
}

describe('inbox writer (group commit)', () => {
  it('when many deliveries arrive while the insert is busy, then they are written together and each is recorded once', async () => {
    const writer = createInboxWriter(db.pool, { maxInFlight: 1, maxBatch: 100 });
    const before = await inboxCount(db.pool);
    const events = Array.from({ length: 60 }, () => delivery());
    const results = await Promise.all(events.map((e) => writer.record(e)));
    expect(results).toEqual(events.map(() => true));
    expect((await inboxCount(db.pool)) - before).toBe(60);
    // One insert for the first delivery, one for the 59 that queued behind it.
    expect(await transactionsFor(events.map((e) => e.deliveryId))).toBe(2);
  });

  it('when one batch holds the same delivery twice, then one row is written and only the first caller sees it recorded', async () => {
    const writer = createInboxWriter(db.pool, { maxInFlight: 1 });
    const id = `jwt:${randomUUID()}`;
    const results = await Promise.all([
      writer.record(delivery()),
      writer.record(delivery(id)),
      writer.record(delivery(id)),
    ]);
    expect(results).toEqual([true, true, false]);
    const { rows } = await db.pool.query('SELECT 1 FROM webhook_inbox WHERE delivery_id = $1', [id]);
    expect(rows).toHaveLength(1);
  });

  it('when PostgreSQL refuses one row of a batch, then only that delivery fails and its batch mates are recorded', async () => {
    const writer = createInboxWriter(db.pool, { maxInFlight: 1 });
    const good = [delivery(), delivery(), delivery()];
    const outcomes = await Promise.allSettled([
      writer.record(delivery()),
      writer.record(good[0]!),
      writer.record(delivery('jwt:nul\u0000byte')),
      writer.record(good[1]!),
      writer.record(good[2]!),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const { rows } = await db.pool.query(
      'SELECT delivery_id FROM webhook_inbox WHERE delivery_id = ANY($1)',
      [good.map((g) => g.deliveryId)],
    );
    expect(rows).toHaveLength(3);
  });

  it('when a write waits on a lock past the statement timeout, then that delivery fails and the next ones are recorded', async () => {
    const pool = createPool(db.url, { max: 2, statementTimeoutMs: 300 });
    const blocker = await db.pool.connect();
    try {
      const writer = createInboxWriter(pool, { maxInFlight: 1 });
      const contested = delivery();
      // Another transaction inserted the same delivery and has not committed: the writer's insert waits.
      await blocker.query('BEGIN');
      await blocker.query(
        "INSERT INTO webhook_inbox (delivery_id, source, event, state) VALUES ($1, 'webhook', 'user_added', 'not_actionable')",
        [contested.deliveryId],
      );
      await expect(writer.record(contested)).rejects.toMatchObject({ code: '57014' });
      const next = delivery();
      expect(await writer.record(next)).toBe(true);
      await blocker.query('ROLLBACK');
      expect(await writer.record(contested)).toBe(true);
    } finally {
      blocker.release();
      await pool.end();
    }
  });
});
