import type { DeliveryFaults } from '../faults';
import type { SeededRandom } from '../random';
import type { TimerSet } from '../timers';
import { sendHttp } from './http-send';
import type { OutgoingRequest } from './http-send';
import { retryDelay } from './retry-policy';
import type { RetryPolicy } from './retry-policy';

/**
 * Webhook deliveries (JWT), OneTouch callbacks (signed) or Verify v2 webhooks (X-Twilio-Signature):
 * counted apart, same retry policy.
 */
export type DeliveryKind = 'webhooks' | 'onetouch' | 'verify';

/** Something to send to a receiver, retried per the policy until it answers 2xx. */
export interface DeliveryJob {
  kind: DeliveryKind;
  /** The same across attempts and duplicates: the webhook event id, or the approval request uuid. */
  id: string;
  event: string;
  webhookId?: string;
  url: string;
  /** Builds the request of one attempt (OneTouch callbacks are re-signed with a fresh nonce). */
  build: () => OutgoingRequest;
}

/** The fate of one delivery (a duplicate is its own record), as `GET /_emulator/deliveries` shows it. */
export interface DeliveryRecord {
  seq: number;
  kind: DeliveryKind;
  id: string;
  event: string;
  webhook_id: string | null;
  /** Receiver URL without its query string. */
  url: string;
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  duplicate: boolean;
  reordered: boolean;
  enqueued_at: string;
  finished_at: string | null;
}

/** Counters per kind of delivery. */
export interface DeliveryStats {
  enqueued: number;
  delivered: number;
  /** Gave up after the retry policy ran out. */
  failed: number;
  droppedByFault: number;
  duplicatedByFault: number;
  reorderedByFault: number;
  attempts: number;
  failedAttempts: number;
  pending: number;
}

const MAX_RECORDS = 10_000;

function emptyStats(): DeliveryStats {
  return {
    enqueued: 0,
    delivered: 0,
    failed: 0,
    droppedByFault: 0,
    duplicatedByFault: 0,
    reorderedByFault: 0,
    attempts: 0,
    failedAttempts: 0,
    pending: 0,
  };
}

/**
 * Sends webhook deliveries and OneTouch callbacks in the background: applies delivery faults (drop,
 * duplicate, reorder), retries per the policy, keeps records and counters. All waiting goes
 * through the TimerSet and every request through one AbortController, so close() stops everything.
 */
export class Deliverer {
  private records: DeliveryRecord[] = [];
  private readonly stats: Record<DeliveryKind, DeliveryStats> = {
    webhooks: emptyStats(),
    onetouch: emptyStats(),
    verify: emptyStats(),
  };
  private seq = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: {
      timers: TimerSet;
      random: SeededRandom;
      faults: (kind: DeliveryKind) => DeliveryFaults | undefined;
      retry: () => RetryPolicy;
    },
  ) {}

  enqueue(job: DeliveryJob): void {
    const stats = this.stats[job.kind];
    const faults = this.deps.faults(job.kind);
    stats.enqueued += 1;
    if (faults !== undefined && this.deps.random.chance(faults.dropRate)) {
      stats.droppedByFault += 1;
      const record = this.newRecord(job, false, false);
      record.status = 'dropped';
      record.finished_at = new Date().toISOString();
      return;
    }
    const copies = faults !== undefined && this.deps.random.chance(faults.duplicateRate) ? 2 : 1;
    if (copies === 2) stats.duplicatedByFault += 1;
    for (let copy = 0; copy < copies; copy += 1) {
      const reordered = faults !== undefined && this.deps.random.chance(faults.reorderRate);
      if (reordered) stats.reorderedByFault += 1;
      const record = this.newRecord(job, copy === 1, reordered);
      stats.pending += 1;
      const startedAt = Date.now() + (reordered ? faults.reorderDelayMs : 0);
      this.deps.timers.schedule(reordered ? faults.reorderDelayMs : 0, () => {
        void this.attempt(job, record, startedAt);
      });
    }
  }

  list(filter: { kind?: DeliveryKind; status?: DeliveryRecord['status']; limit: number }): DeliveryRecord[] {
    return this.records
      .filter(
        (r) =>
          (filter.kind === undefined || r.kind === filter.kind) &&
          (filter.status === undefined || r.status === filter.status),
      )
      .slice(-filter.limit);
  }

  counters(): Record<DeliveryKind, DeliveryStats> {
    return {
      webhooks: { ...this.stats.webhooks },
      onetouch: { ...this.stats.onetouch },
      verify: { ...this.stats.verify },
    };
  }

  /** Aborts requests in flight; pending retries die with the TimerSet. */
  close(): void {
    this.abort.abort();
  }

  private newRecord(job: DeliveryJob, duplicate: boolean, reordered: boolean): DeliveryRecord {
    this.seq += 1;
    const url = new URL(job.url);
    const record: DeliveryRecord = {
      seq: this.seq,
      kind: job.kind,
      id: job.id,
      event: job.event,
      webhook_id: job.webhookId ?? null,
      url: `${url.protocol}//${url.host}${url.pathname}`,
      status: 'pending',
      attempts: 0,
      last_status: null,
      last_error: null,
      duplicate,
      reordered,
      enqueued_at: new Date().toISOString(),
      finished_at: null,
    };
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, MAX_RECORDS / 2);
    return record;
  }

  private async attempt(job: DeliveryJob, record: DeliveryRecord, startedAt: number): Promise<void> {
    if (this.abort.signal.aborted) return;
    const stats = this.stats[job.kind];
    const policy = this.deps.retry();
    record.attempts += 1;
    stats.attempts += 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await sendHttp(job.build(), policy.timeoutMs, this.abort.signal);
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    if (this.abort.signal.aborted) return;
    record.last_status = status;
    record.last_error = error;
    if (status !== null && status >= 200 && status < 300) {
      this.finish(record, stats, 'delivered');
      return;
    }
    stats.failedAttempts += 1;
    const delay = retryDelay(policy, record.attempts);
    if (record.attempts < policy.maxAttempts && Date.now() + delay - startedAt <= policy.maxDurationMs) {
      this.deps.timers.schedule(delay, () => {
        void this.attempt(job, record, startedAt);
      });
      return;
    }
    this.finish(record, stats, 'failed');
  }

  private finish(record: DeliveryRecord, stats: DeliveryStats, status: 'delivered' | 'failed'): void {
    record.status = status;
    record.finished_at = new Date().toISOString();
    stats.pending -= 1;
    if (status === 'delivered') stats.delivered += 1;
    else stats.failed += 1;
  }
}
