import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/logger';
import { createDispatcher } from '../../src/webhook-gateway/dispatcher';
import { createGatewayMetrics } from '../../src/webhook-gateway/metrics';
import type { GatewayMetrics } from '../../src/webhook-gateway/metrics';
import type { WorkflowSignaller } from '../../src/webhook-gateway/workflow-signaller';
import { useIsolatedDatabase } from '../harness/isolated-database';
import { waitFor } from '../harness/wait-for';
import { seedOnboarding } from './support/targets';

const db = useIsolatedDatabase('gw');

/** Inserts pending `device_registration_completed` rows for `authyId`, due now or only tomorrow. */
async function pendingRows(authyId: string, count: number, due: 'now' | 'tomorrow'): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await db.pool.query(
      `INSERT INTO webhook_inbox (delivery_id, source, event, authy_id, payload, state, next_attempt_at)
       VALUES ($1, 'webhook', 'device_registration_completed', $2, '{}', 'pending',
               CASE WHEN $3 = 'now' THEN now() ELSE now() + interval '1 day' END)`,
      [`jwt:${randomUUID()}`, authyId, due],
    );
  }
}

async function backlogGauge(metrics: GatewayMetrics): Promise<number | undefined> {
  return (await metrics.backlog.get()).values[0]?.value;
}

describe('inbox housekeeping', () => {
  it('when every delivery slot is held by a signal Temporal has not answered, then the backlog gauge is still refreshed', async () => {
    const authyId = `hk-${randomUUID()}`;
    const userId = `hk-${randomUUID()}`;
    await seedOnboarding(db.pool, {
      userId,
      workflowId: `onboarding-${userId}`,
      authyId,
      stage: 'awaiting_device',
    });
    let signals = 0;
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const signaller: WorkflowSignaller = {
      async signal() {
        signals += 1;
        await answered;
        return 'signalled';
      },
      check: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const metrics = createGatewayMetrics({ defaultMetrics: false });
    const dispatcher = createDispatcher(
      { pool: db.pool, signaller, log: createLogger('silent'), metrics },
      { concurrency: 1, pollIntervalMs: 50, backlogIntervalMs: 50 },
    );
    await pendingRows(authyId, 2, 'now');
    dispatcher.start();
    try {
      // The first row holds the only slot; the loop waits for it to start the second.
      await waitFor(
        () => signals,
        (n) => n === 1,
        { what: 'the first signal' },
      );
      await pendingRows(authyId, 3, 'tomorrow');
      await waitFor(
        () => backlogGauge(metrics),
        (pending) => pending === 5,
        {
          what: 'the backlog gauge to count all five pending rows',
        },
      );
    } finally {
      answer();
      await dispatcher.stop();
    }
    expect(signals).toBe(2);
  });
});
