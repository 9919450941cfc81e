// One delivery attempt of a claimed inbox row and how its outcome is recorded
// (docs/gateway.md#delivery-to-workflows-the-dispatcher): settled for good (`delivered`, `no_target`,
// `unroutable`), or put back for a retry with exponential backoff, never past the outcome's deadline.
import { rescheduleInboxEvent, settleInboxEvent } from '../db/inbox-dispatch';
import type { InboxEventRow } from '../db/inbox-dispatch';
import type { DbPool } from '../db/pool';
import type { Logger } from '../logger';
import { retryDelayMs } from '../shared/backoff';
import type { BackoffOptions } from '../shared/backoff';
import { deliverInboxEvent } from './deliver-event';
import type { DeliveryOutcome } from './deliver-event';
import { eventLabel } from './events';
import type { GatewayMetrics } from './metrics';
import type { WorkflowSignaller } from './workflow-signaller';

/** What an attempt needs: the inbox and customer record, Temporal, the dispatcher's log and metrics. */
export interface DeliveryAttemptDeps {
  pool: DbPool;
  signaller: WorkflowSignaller;
  log: Logger;
  metrics: GatewayMetrics;
}

/** The retry backoff, and how long an event for an unknown authy id stays pending. */
export interface DeliveryAttemptOptions extends BackoffOptions {
  unknownTargetGraceMs: number;
}

/**
 * Creates the attempt function: delivers one claimed row and records its outcome. It never
 * rejects: a failed delivery is retried, and an outcome that cannot be recorded is logged (the
 * row's lease runs out and it comes back).
 */
export function createDeliveryAttempt(
  deps: DeliveryAttemptDeps,
  options: DeliveryAttemptOptions,
): (row: InboxEventRow) => Promise<void> {
  const { log } = deps;

  async function settle(row: InboxEventRow, outcome: DeliveryOutcome): Promise<void> {
    const event = eventLabel(row.event);
    deps.metrics.dispatchOutcomes.inc({ event, outcome: outcome.kind });
    if (outcome.kind === 'retry') {
      let delay = retryDelayMs(row.attempts, options);
      if (outcome.notAfterMs !== undefined)
        delay = Math.max(0, Math.min(delay, outcome.notAfterMs - Date.now()));
      await rescheduleInboxEvent(deps.pool, row.deliveryId, delay, outcome.reason);
      log.debug(
        { deliveryId: row.deliveryId, attempts: row.attempts, delayMs: delay, reason: outcome.reason },
        'delivery retried',
      );
      return;
    }
    const note = outcome.kind === 'delivered' ? undefined : outcome.note;
    // An unroutable approval is kept like any other undeliverable event: recorded, never retried.
    const lag = await settleInboxEvent(deps.pool, row.deliveryId, {
      state: outcome.kind === 'unroutable' ? 'no_target' : outcome.kind,
      targets: outcome.targets,
      ...(note !== undefined ? { note } : {}),
    });
    if (lag !== undefined && outcome.kind === 'delivered') deps.metrics.deliveryLag.observe({ event }, lag);
    const line = {
      deliveryId: row.deliveryId,
      event: row.event,
      outcome: outcome.kind,
      note,
      lagSeconds: lag,
    };
    if (outcome.kind === 'unroutable') {
      // Worth an operator's look: an approval answer for a push none of our onboardings sent
      // (another app's login push, a replayed delivery, or a forged one signed with our key).
      log.warn(line, 'approval answer settled as unroutable');
    } else {
      log.info(line, 'delivery settled');
    }
  }

  return async function attempt(row: InboxEventRow): Promise<void> {
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliverInboxEvent(
        { pool: deps.pool, signaller: deps.signaller, unknownTargetGraceMs: options.unknownTargetGraceMs },
        row,
      );
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'delivery failed';
      outcome = { kind: 'retry', reason };
    }
    try {
      await settle(row, outcome);
    } catch (error) {
      // The lease runs out and the row comes back; a repeated signal is ignored by its event id.
      log.warn({ err: error, deliveryId: row.deliveryId }, 'could not record a delivery outcome');
    }
  };
}
