import type { DbPool } from '../db/pool';
import {
  claimDueInboxEvents,
  pruneSettledInboxEvents,
  readInboxBacklog,
  rescheduleInboxEvent,
  settleInboxEvent,
} from '../db/inbox-dispatch';
import type { InboxEventRow } from '../db/inbox-dispatch';
import { pruneReplayKeys } from '../db/onetouch-replays';
import type { Logger } from '../logger';
import { mapLimit } from '../shared/map-limit';
import { deliverInboxEvent } from './deliver-event';
import type { DeliveryOutcome } from './deliver-event';
import { eventLabel } from './events';
import type { GatewayMetrics } from './metrics';
import type { WorkflowSignaller } from './workflow-signaller';

/** Tuning of the dispatcher; every duration in milliseconds. */
export interface DispatcherOptions {
  /** Look for due rows this often when not nudged. */
  pollIntervalMs: number;
  /** Rows claimed per round. */
  batchSize: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** A claimed row is invisible to other dispatchers this long (longer than any attempt takes). */
  leaseMs: number;
  /** First retry delay; doubles per attempt (with jitter) up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Events for an authy id no onboarding has (yet) stay pending this long, then settle as no_target. */
  unknownTargetGraceMs: number;
  /** Refresh the backlog gauges at most this often. */
  backlogIntervalMs: number;
  /** OneTouch replay records are kept this long. */
  replayRetentionMs: number;
  /** Settled inbox rows are kept this long (pending ones until delivered). */
  inboxRetentionMs: number;
}

/**
 * Production defaults (docs/gateway.md); `twofold gateway --target-grace` and `--inbox-retention`
 * override the grace and the inbox retention.
 */
export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  pollIntervalMs: 1_000,
  batchSize: 100,
  concurrency: 16,
  leaseMs: 60_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  unknownTargetGraceMs: 5 * 60_000,
  backlogIntervalMs: 5_000,
  replayRetentionMs: 7 * 24 * 60 * 60_000,
  inboxRetentionMs: 30 * 24 * 60 * 60_000,
};

/** Delivers recorded inbox events to their workflows, at least once, from any number of instances. */
export interface Dispatcher {
  /** Starts the background loop (idempotent). */
  start(): void;
  /** Wakes the loop now: called after each recorded delivery so it goes out without waiting for a poll. */
  nudge(): void;
  /** One round: claims due rows, delivers them, returns how many it handled. */
  runOnce(): Promise<number>;
  /** Stops claiming and resolves once the deliveries in flight have settled. */
  stop(): Promise<void>;
}

/** The dispatcher's I/O: the inbox and customer record, Temporal, logs and metrics. */
export interface DispatcherDeps {
  pool: DbPool;
  signaller: WorkflowSignaller;
  log: Logger;
  metrics: GatewayMetrics;
}

/** Exponential backoff with jitter (50–100 % of the step), capped. */
export function retryDelayMs(
  attempt: number,
  options: Pick<DispatcherOptions, 'retryBaseMs' | 'retryMaxMs'>,
): number {
  const step = Math.min(
    options.retryMaxMs,
    options.retryBaseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30),
  );
  return Math.round(step * (0.5 + Math.random() * 0.5));
}

/** Creates a dispatcher polling the inbox, plus an immediate nudge after each insert. */
export function createDispatcher(
  deps: DispatcherDeps,
  overrides: Partial<DispatcherOptions> = {},
): Dispatcher {
  const options = { ...DEFAULT_DISPATCHER_OPTIONS, ...overrides };
  const log = deps.log.child({ component: 'dispatcher' });
  let running: Promise<void> | undefined;
  let stopping = false;
  let nudged = false;
  let wake: (() => void) | undefined;
  let backlogReadAt = 0;
  let prunedAt = 0;

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

  async function attempt(row: InboxEventRow): Promise<void> {
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
  }

  async function housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - backlogReadAt >= options.backlogIntervalMs) {
      backlogReadAt = now;
      const backlog = await readInboxBacklog(deps.pool);
      deps.metrics.backlog.set(backlog.pending);
      deps.metrics.oldestPendingAge.set(backlog.oldestAgeSeconds);
    }
    if (now - prunedAt >= 10 * 60_000) {
      prunedAt = now;
      await pruneReplayKeys(deps.pool, options.replayRetentionMs);
      const pruned = await pruneSettledInboxEvents(deps.pool, options.inboxRetentionMs);
      if (pruned > 0) log.info({ pruned }, 'settled inbox rows past their retention deleted');
    }
  }

  async function runOnce(): Promise<number> {
    const rows = await claimDueInboxEvents(deps.pool, { limit: options.batchSize, leaseMs: options.leaseMs });
    await mapLimit(rows, options.concurrency, attempt);
    await housekeeping();
    return rows.length;
  }

  function sleep(ms: number): Promise<void> {
    if (nudged || stopping) {
      nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        nudged = false;
        resolve();
      }
      wake = done;
    });
  }

  // The background loop streams: it claims the next batch as soon as every row of the previous one
  // has a delivery slot, instead of waiting for the slowest signal of the batch.
  const inFlight = new Set<Promise<void>>();
  const slotFreed: (() => void)[] = [];

  async function deliverInBackground(row: InboxEventRow): Promise<void> {
    while (inFlight.size >= options.concurrency)
      await new Promise<void>((resolve) => slotFreed.push(resolve));
    const delivery: Promise<void> = attempt(row).finally(() => {
      inFlight.delete(delivery);
      slotFreed.shift()?.();
    });
    inFlight.add(delivery);
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      let claimed = 0;
      try {
        const rows = await claimDueInboxEvents(deps.pool, {
          limit: options.batchSize,
          leaseMs: options.leaseMs,
        });
        claimed = rows.length;
        for (const row of rows) {
          // Rows not started before a stop keep their lease and come back to whichever dispatcher runs next.
          if (stopping) break;
          await deliverInBackground(row);
        }
        await housekeeping();
        failures = 0;
      } catch (error) {
        failures += 1;
        log.warn({ err: error, failures }, 'dispatcher round failed (database unreachable?)');
        await sleep(retryDelayMs(failures, options));
        continue;
      }
      // A full batch means more rows are probably due: go again at once.
      if (claimed < options.batchSize) await sleep(options.pollIntervalMs);
    }
    await Promise.all(inFlight);
  }

  return {
    start() {
      if (running) return;
      stopping = false;
      running = loop();
    },
    nudge() {
      nudged = true;
      wake?.();
    },
    runOnce,
    async stop() {
      stopping = true;
      wake?.();
      await running;
      running = undefined;
    },
  };
}
