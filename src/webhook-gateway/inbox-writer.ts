import type { DbPool } from '../db/pool';
import { recordInboxEvent, recordInboxEvents } from '../db/webhook-inbox';
import type { NewInboxEvent } from '../db/webhook-inbox';

/** Records deliveries; resolves true for a new row, false for a repeat, rejects when it cannot record. */
export interface InboxWriter {
  record(event: NewInboxEvent): Promise<boolean>;
}

/** Tuning of {@link createInboxWriter}. */
export interface InboxWriterOptions {
  /** Most deliveries written by one statement. */
  maxBatch?: number;
  /**
   * Statements in flight at once (default 1); deliveries arriving while all are busy wait and go
   * together. One at a time recorded the most deliveries per second in bench/gateway.bench.ts
   * (about 1.4× four at a time: fewer, larger commits), see docs/gateway.md.
   */
  maxInFlight?: number;
}

interface Waiting {
  event: NewInboxEvent;
  resolve(recorded: boolean): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the inbox. While fewer than `maxInFlight` inserts run, a delivery is written at
 * once on its own; under load, deliveries that arrive while every insert is busy are written together
 * by the next one, so one commit (one fsync) covers many. Each caller still resolves only after the
 * statement holding its row has committed. A failed multi-row insert is retried row by row, so one
 * row PostgreSQL refuses cannot fail the others.
 */
export function createInboxWriter(pool: DbPool, options: InboxWriterOptions = {}): InboxWriter {
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 1;
  const queue: Waiting[] = [];
  let inFlight = 0;

  async function writeOne(waiting: Waiting): Promise<void> {
    try {
      waiting.resolve((await recordInboxEvent(pool, waiting.event)).recorded);
    } catch (error) {
      waiting.reject(error);
    }
  }

  async function write(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return writeOne(batch[0]!);
    const first = new Map<string, Waiting>();
    const repeats: Waiting[] = [];
    for (const waiting of batch) {
      if (first.has(waiting.event.deliveryId)) repeats.push(waiting);
      else first.set(waiting.event.deliveryId, waiting);
    }
    try {
      const recorded = await recordInboxEvents(
        pool,
        [...first.values()].map((w) => w.event),
      );
      for (const [id, waiting] of first) waiting.resolve(recorded.has(id));
      for (const waiting of repeats) waiting.resolve(false);
    } catch {
      await Promise.all(batch.map(writeOne));
    }
  }

  function flush(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight += 1;
      void write(batch).finally(() => {
        inFlight -= 1;
        flush();
      });
    }
  }

  return {
    record(event) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        flush();
      });
    },
  };
}
