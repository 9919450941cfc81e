import { randomUUID } from 'node:crypto';
import { pruneSettledInboxEvents } from '../../src/db/inbox-dispatch';
import { createLogger } from '../../src/logger';
import { createDispatcher } from '../../src/webhook-gateway/dispatcher';
import { createGatewayMetrics } from '../../src/webhook-gateway/metrics';
import { createWorkflowSignaller } from '../../src/webhook-gateway/workflow-signaller';
import { useIsolatedDatabase } from '../harness/isolated-database';

const DAY_MS = 24 * 60 * 60 * 1000;
const db = useIsolatedDatabase('gw');

/** Inserts an inbox row received `ageDays` ago; a pending one is due only tomorrow (mid-retry). */
async function row(state: string, ageDays: number): Promise<string> {
  const id = `jwt:${randomUUID()}`;
  await db.pool.query(
    `INSERT INTO webhook_inbox (delivery_id, source, event, state, received_at, next_attempt_at, settled_at)
     VALUES ($1, 'webhook', 'user_added', $2, now() - make_interval(days => $3), now() + interval '1 day',
             CASE WHEN $2 = 'pending' THEN NULL ELSE now() - make_interval(days => $3) END)`,
    [id, state, ageDays],
  );
  return id;
}

async function remaining(ids: string[]): Promise<string[]> {
  const { rows } = await db.pool.query<{ delivery_id: string }>(
    'SELECT delivery_id FROM webhook_inbox WHERE delivery_id = ANY($1)',
    [ids],
  );
  return rows.map((r) => r.delivery_id).sort();
}

describe('webhook_inbox retention', () => {
  it('when settled rows are older than the retention, then they are deleted in batches and pending and recent rows stay', async () => {
    const old = await Promise.all([
      row('delivered', 40),
      row('no_target', 40),
      row('not_actionable', 40),
      row('delivered', 31),
      row('delivered', 35),
    ]);
    const kept = await Promise.all([row('pending', 60), row('delivered', 29), row('not_actionable', 1)]);
    expect(await pruneSettledInboxEvents(db.pool, 30 * DAY_MS, 2)).toBe(old.length);
    expect(await remaining([...old, ...kept])).toEqual([...kept].sort());
    expect(await pruneSettledInboxEvents(db.pool, 30 * DAY_MS, 2)).toBe(0);
  });

  it('when the dispatcher runs its housekeeping, then it prunes with its configured retention', async () => {
    const old = await row('delivered', 10);
    const pending = await row('pending', 10);
    const recent = await row('delivered', 2);
    const dispatcher = createDispatcher(
      {
        pool: db.pool,
        signaller: createWorkflowSignaller(() => Promise.reject(new Error('no Temporal in this test'))),
        log: createLogger('silent'),
        metrics: createGatewayMetrics({ defaultMetrics: false }),
      },
      { inboxRetentionMs: 7 * DAY_MS },
    );
    await dispatcher.runOnce();
    expect(await remaining([old, pending, recent])).toEqual([pending, recent].sort());
  });
});
