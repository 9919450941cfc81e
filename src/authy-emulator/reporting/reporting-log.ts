import { eventCode } from '../event-names';
import type { EventName } from '../event-names';
import type { EmulatedApp, EventObjects, ReportingEvent } from '../event-objects';
import { hash32 } from '../random';
import { countBuckets } from './date-histogram';
import type { BucketRange, HistogramBucket } from './date-histogram';
import { EventStore } from './event-store';
import type { ReportingFilter } from './query-match';
import type { ReportingQuery } from './query-parse';
import { generateSyntheticColumns, materializeSynthetic, requestIdFor } from './synthetic';
import type { SyntheticBatch } from './synthetic';

/** "Query data from the last 90 days" (docs/authy-api.md#32-query-syntax): older events exist but are never returned. */
export const RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

/** Largest history one seed call may add (keeps a mistaken request from exhausting memory). */
export const MAX_SEED_COUNT = 5_000_000;

/** One synthetic-history request (`POST /_emulator/reporting/seed`). */
export interface SeedOptions {
  count: number;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Overrides the emulator's seed for this batch. */
  seed?: number;
  /** Restricts the batch to these event names (default: the whole synthetic mix). */
  events?: EventName[];
}

/**
 * Every reporting event the emulator holds: events of actions (stored whole) and seeded history
 * (rebuilt on demand from its batch and serial). Serials are assigned in arrival order and make each
 * event's request_id unique.
 */
export class ReportingLog {
  private readonly store = new EventStore();
  private readonly actionEvents = new Map<number, ReportingEvent>();
  private batches: SyntheticBatch[] = [];
  private nextSerial = 0;

  constructor(private readonly deps: { seed: number; app: EmulatedApp; now: () => number }) {}

  get size(): number {
    return this.store.size;
  }

  /** Approximate bytes held: the columns plus a rough figure per stored action event. */
  get approximateBytes(): number {
    return this.store.byteLength + this.actionEvents.size * 1024;
  }

  /** Records an event that just happened (time = now) and returns it as the API will show it. */
  append(event: EventName, objects: EventObjects): ReportingEvent {
    const serial = this.nextSerial;
    this.nextSerial += 1;
    const time = Math.floor(this.deps.now());
    const record: ReportingEvent = {
      event,
      time: new Date(time).toISOString(),
      request_id: requestIdFor(this.deps.seed, serial),
      objects,
    };
    this.actionEvents.set(serial, record);
    this.store.insert(time, serial, eventCode(event));
    return record;
  }

  /** Adds synthetic history; deterministic for a given seed and sequence of calls. */
  seed(options: SeedOptions): { seeded: number; total: number } {
    const seed = options.seed ?? this.deps.seed;
    const batch: SyntheticBatch = {
      firstSerial: this.nextSerial,
      count: options.count,
      seed,
      from: Math.floor(options.from),
      to: Math.floor(options.to),
      userBase: 10_000_000 + (hash32(seed, this.batches.length, 77) % 80_000_000),
      userCount: Math.max(1, Math.ceil(options.count / 10)),
    };
    const columns = generateSyntheticColumns(batch, options.events);
    this.nextSerial += options.count;
    this.batches.push(batch);
    this.store.insertBatch(columns.times, columns.serials, columns.codes);
    return { seeded: options.count, total: this.store.size };
  }

  /** Events in [from, to) the Reporting API can still return (retention applied), optionally of one name. */
  count(window: { from?: number; to?: number; event?: EventName }): number {
    const [lo, hi] = this.window(window.from ?? -Infinity, window.to ?? Infinity);
    if (window.event === undefined) return hi - lo;
    const code = eventCode(window.event);
    let count = 0;
    for (let i = lo; i < hi; i += 1) if (this.store.codeAt(i) === code) count += 1;
    return count;
  }

  /**
   * One page, newest first (docs/authy-api.md#33-paging-and-limits). The time window is two binary searches; with no other
   * filter the page is a direct slice, otherwise candidates are scanned from the newest down.
   */
  page(query: ReportingQuery): ReportingEvent[] {
    const [lo, hi] = this.window(query.from, query.to);
    const skip = (query.page - 1) * query.perPage;
    const out: ReportingEvent[] = [];
    if (query.codes === null && query.rows.length === 0) {
      for (let i = hi - 1 - skip; i >= lo && out.length < query.perPage; i -= 1) out.push(this.eventAt(i));
      return out;
    }
    let skipped = 0;
    for (let i = hi - 1; i >= lo && out.length < query.perPage; i -= 1) {
      if (query.codes !== null && query.codes[this.store.codeAt(i)] !== 1) continue;
      let event: ReportingEvent | undefined;
      if (query.rows.length > 0) {
        event = this.eventAt(i);
        const candidate = event;
        if (!query.rows.every((test) => test(candidate))) continue;
      }
      if (skipped < skip) {
        skipped += 1;
        continue;
      }
      out.push(event ?? this.eventAt(i));
    }
    return out;
  }

  /**
   * Non-empty time buckets of each filter, newest first (date_histogram, docs/authy-api.md#35-date-histogram), with the
   * same time windows and retention as {@link page}; see countBuckets for the cost.
   */
  histogram(filters: readonly ReportingFilter[], range: BucketRange): HistogramBucket[][] {
    const windows = filters.map((filter) => {
      const [lo, hi] = this.window(filter.from, filter.to);
      return { filter, lo, hi };
    });
    return countBuckets(this.store, (index) => this.eventAt(index), windows, range);
  }

  /** The event at a store index, rebuilt when synthetic. */
  eventAt(index: number): ReportingEvent {
    const serial = this.store.serialAt(index);
    const action = this.actionEvents.get(serial);
    if (action !== undefined) return action;
    const batch = this.batchOf(serial);
    return materializeSynthetic(
      batch,
      this.deps.app,
      serial,
      this.store.timeAt(index),
      this.store.codeAt(index),
    );
  }

  reset(): void {
    this.store.clear();
    this.actionEvents.clear();
    this.batches = [];
    this.nextSerial = 0;
  }

  private window(from: number, to: number): [number, number] {
    const lo = this.store.lowerBound(Math.max(from, this.deps.now() - RETENTION_MS));
    const hi = to === Infinity ? this.store.size : this.store.lowerBound(to);
    return [lo, Math.max(lo, hi)];
  }

  private batchOf(serial: number): SyntheticBatch {
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.batches[mid]!.firstSerial <= serial) lo = mid;
      else hi = mid - 1;
    }
    return this.batches[lo]!;
  }
}
