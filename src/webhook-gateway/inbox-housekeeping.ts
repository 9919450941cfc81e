// The inbox's housekeeping: the backlog gauges (docs/gateway.md#metrics-get-metrics-on-the-admin-listener),
// refreshed at most every `backlogIntervalMs`, and every 10 minutes the deletion of settled inbox rows
// and OneTouch replay keys past their retention (docs/gateway.md#running-it, "Retention"). It runs on
// a timer of its own, so a long prune never holds up deliveries and busy deliveries never hold up
// the gauges.
import { pruneSettledInboxEvents, readInboxBacklog } from '../db/inbox-dispatch';
import { pruneReplayKeys } from '../db/onetouch-replays';
import type { DbPool } from '../db/pool';
import type { Logger } from '../logger';
import type { GatewayMetrics } from './metrics';

/** How often the prune runs. */
const PRUNE_INTERVAL_MS = 10 * 60_000;

/** What housekeeping reads and deletes, where it logs, and the gauges it sets. */
export interface InboxHousekeepingDeps {
  pool: DbPool;
  log: Logger;
  metrics: GatewayMetrics;
}

/** Housekeeping's timing and retention; every duration in milliseconds. */
export interface InboxHousekeepingOptions {
  /** Refresh the backlog gauges at most this often. */
  backlogIntervalMs: number;
  /** The timer never fires more often than this (the dispatcher's poll interval). */
  pollIntervalMs: number;
  /** OneTouch replay records are kept this long. */
  replayRetentionMs: number;
  /** Settled inbox rows are kept this long (pending ones until delivered). */
  inboxRetentionMs: number;
}

/** The inbox's housekeeping: run on demand, or on its own timer between `start` and `stop`. */
export interface InboxHousekeeping {
  /** Refreshes the gauges and prunes, each if its interval has passed since it last ran. */
  runDue(): Promise<void>;
  /** Runs {@link InboxHousekeeping.runDue} now and then on a timer (idempotent); failures are logged. */
  start(): void;
  /** Stops the timer and resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

/** Creates the housekeeping of one dispatcher. */
export function createInboxHousekeeping(
  deps: InboxHousekeepingDeps,
  options: InboxHousekeepingOptions,
): InboxHousekeeping {
  const { log } = deps;
  const tickMs = Math.max(options.backlogIntervalMs, options.pollIntervalMs);
  let backlogReadAt = 0;
  let prunedAt = 0;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function runDue(): Promise<void> {
    const now = Date.now();
    if (now - backlogReadAt >= options.backlogIntervalMs) {
      backlogReadAt = now;
      const backlog = await readInboxBacklog(deps.pool);
      deps.metrics.backlog.set(backlog.pending);
      deps.metrics.oldestPendingAge.set(backlog.oldestAgeSeconds);
    }
    if (now - prunedAt >= PRUNE_INTERVAL_MS) {
      prunedAt = now;
      await pruneReplayKeys(deps.pool, options.replayRetentionMs);
      const pruned = await pruneSettledInboxEvents(deps.pool, options.inboxRetentionMs);
      if (pruned > 0) log.info({ pruned }, 'settled inbox rows past their retention deleted');
    }
  }

  function tick(): void {
    timer = undefined;
    running = runDue()
      .catch((error: unknown) =>
        log.warn({ err: error }, 'inbox housekeeping failed (database unreachable?)'),
      )
      .finally(() => {
        running = undefined;
        if (started) timer = setTimeout(tick, tickMs);
      });
  }

  return {
    runDue,
    start() {
      if (started) return;
      started = true;
      // A run still finishing after a stop schedules the next tick itself.
      if (!running) tick();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
