import type { DbPool } from '../db/pool';
import { isKnownReplay } from '../db/onetouch-replays';
import type { ReplayKey } from '../db/onetouch-replays';
import { recordInboxEvent } from '../db/webhook-inbox';
import type { NewInboxEvent } from '../db/webhook-inbox';
import type { Logger } from '../logger';
import { GatewayHttpError } from './errors';
import { eventLabel } from './events';
import { createInboxWriter } from './inbox-writer';
import type { GatewayMetrics } from './metrics';

/** The JSON body of a 200 answer to a delivery. */
export interface AcceptedBody {
  status: 'recorded' | 'duplicate';
}

/** What intake needs: the pool it records into, logs, metrics and the dispatcher's nudge. */
export interface IntakeDeps {
  pool: DbPool;
  log: Logger;
  metrics: GatewayMetrics;
  /** Called after a new pending event is recorded (the dispatcher's nudge). */
  onRecorded?: () => void;
  /** Give up waiting for PostgreSQL after this long and answer 503 (default 5 s). */
  timeoutMs?: number;
}

/** Settles with `work`, or rejects after `ms` (the work itself is not cancelled). */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from PostgreSQL within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function unavailable(error: unknown): GatewayHttpError {
  return new GatewayHttpError(503, 'unavailable', 'the delivery could not be recorded; retry later', {
    cause: error,
    headers: { 'Retry-After': '5' },
  });
}

/**
 * Durable intake: records a verified delivery in PostgreSQL — webhook deliveries through the
 * group-committing {@link createInboxWriter}, OneTouch callbacks together with their replay key in
 * one statement — and only then lets the route answer 2xx. A repeat is answered `duplicate` with no second row. When the
 * database cannot be reached in time the answer is 503, so the sender retries (a write that lands
 * late makes that retry a `duplicate`: still one row).
 */
export function createIntake(deps: IntakeDeps) {
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const writer = createInboxWriter(deps.pool);
  return {
    async record(event: NewInboxEvent, replay?: ReplayKey): Promise<AcceptedBody> {
      let recorded: boolean;
      try {
        const write = replay
          ? recordInboxEvent(deps.pool, event, replay).then((outcome) => outcome.recorded)
          : writer.record(event);
        recorded = await within(timeoutMs, write);
      } catch (error) {
        deps.log.warn({ err: error, deliveryId: event.deliveryId }, 'could not record a delivery');
        throw unavailable(error);
      }
      deps.metrics.deliveriesRecorded.inc({
        source: event.source,
        event: eventLabel(event.event),
        outcome: recorded ? 'recorded' : 'duplicate',
      });
      if (recorded && event.state === 'pending') deps.onRecorded?.();
      deps.log.debug({ deliveryId: event.deliveryId, event: event.event, recorded }, 'delivery received');
      return { status: recorded ? 'recorded' : 'duplicate' };
    },

    /** True when this exact OneTouch request was accepted before (503 if that cannot be known). */
    async wasAccepted(replay: ReplayKey): Promise<boolean> {
      try {
        return await within(timeoutMs, isKnownReplay(deps.pool, replay));
      } catch (error) {
        throw unavailable(error);
      }
    },
  };
}

/** The intake a route records through. */
export type Intake = ReturnType<typeof createIntake>;
