import { claimDueInboxEvents } from '../db/inbox-dispatch';
import type { DbPool } from '../db/pool';
import type { Logger } from '../logger';
import { retryDelayMs } from '../shared/backoff';
import { createLimiter } from '../shared/limiter';
import { createDeliveryAttempt } from './delivery-outcome';
import { createInboxHousekeeping } from './inbox-housekeeping';
import type { GatewayMetrics } from './metrics';
import type { WorkflowSignaller } from './workflow-signaller';

/** Tuning of the dispatcher; every duration in milliseconds. */
export interface DispatcherOptions {
  /** Look for due rows this often when not nudged. */
  pollIntervalMs: number;
  /** Rows claimed per round. */
  batchSize: number;
  /**
   * Deliveries in flight at once. A delivery holds a database connection only for its two short
   * statements (target lookup, settle), not while Temporal answers its signal, so this may exceed
   * the gateway's pool. Above the bursts a sender makes: a burst larger than this waits a whole
   * signal round trip for a slot (docs/gateway.md#benchmark).
   */
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
  concurrency: 32,
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
  /** Starts the background loop and the inbox housekeeping's timer (idempotent). */
  start(): void;
  /** Wakes the loop now: called after each recorded delivery so it goes out without waiting for a poll. */
  nudge(): void;
  /** One round: claims due rows, delivers them, runs the housekeeping that is due; returns how many rows it handled. */
  runOnce(): Promise<number>;
  /** Stops claiming and housekeeping; resolves once the deliveries and housekeeping in flight have settled. */
  stop(): Promise<void>;
}

/** The dispatcher's I/O: the inbox and customer record, Temporal, logs and metrics. */
export interface DispatcherDeps {
  pool: DbPool;
  signaller: WorkflowSignaller;
  log: Logger;
  metrics: GatewayMetrics;
}

/** Creates a dispatcher polling the inbox, plus an immediate nudge after each insert. */
export function createDispatcher(
  deps: DispatcherDeps,
  overrides: Partial<DispatcherOptions> = {},
): Dispatcher {
  const options = { ...DEFAULT_DISPATCHER_OPTIONS, ...overrides };
  const log = deps.log.child({ component: 'dispatcher' });
  const attempt = createDeliveryAttempt({ ...deps, log }, options);
  const housekeeping = createInboxHousekeeping({ ...deps, log }, options);
  let running: Promise<void> | undefined;
  let stopping = false;
  let nudged = false;
  let wake: (() => void) | undefined;

  async function runOnce(): Promise<number> {
    const rows = await claimDueInboxEvents(deps.pool, { limit: options.batchSize, leaseMs: options.leaseMs });
    const batch = createLimiter(options.concurrency);
    for (const row of rows) await batch.start(() => attempt(row));
    await batch.idle();
    await housekeeping.runDue();
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
  const deliveries = createLimiter(options.concurrency);

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
          await deliveries.start(() => attempt(row));
        }
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
    await deliveries.idle();
  }

  return {
    start() {
      if (running) return;
      stopping = false;
      running = loop();
      housekeeping.start();
    },
    nudge() {
      nudged = true;
      wake?.();
    },
    runOnce,
    async stop() {
      stopping = true;
      wake?.();
      await Promise.all([running, housekeeping.stop()]);
      running = undefined;
    },
  };
}
