import { randomInt, randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { requestIdFor } from '../../src/authy-emulator/reporting/synthetic';
import { createAuthyHttp } from '../../src/authy/http';
import { createAuthyReportingClient } from '../../src/authy/reporting';
import { createKeepAliveFetch } from '../../src/authy/reporting-fetch';
import type { DbPool } from '../../src/db/pool';
import type { SyncReportingEventsInput, SyncReportingEventsResult } from '../../src/shared/reporting';
import type { syncReportingEvents } from '../../src/workflows/reporting/sync-reporting-events';
import { createTestPool } from '../harness/database';
import { emulatorAppId, startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { useForAll } from '../harness/lifecycle';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A window of Reporting time: [from, to), ISO strings. */
export interface TestWindow {
  from: string;
  to: string;
}

/** Real Temporal + PostgreSQL, an in-process emulator with its own seed, and (optionally) a worker. */
export interface ReportingHarness {
  temporal: TemporalHarness;
  emulator: EmulatorHarness;
  pool: DbPool;
  seed: number;
  taskQueue: string;
  worker?: Worker;
  /** Seeds synthetic history and returns the request ids the emulator generated for it. */
  seedHistory(window: TestWindow, count: number): Promise<string[]>;
  /** The emulator's ground truth: events the API holds in [from, to). */
  groundTruthCount(window: TestWindow): Promise<number>;
  /** Request ids PostgreSQL holds for this emulator's app in [from, to) (one per stored row). */
  storedIds(window: TestWindow): Promise<string[]>;
  /** The app id of this emulator's events (rows of other tests' emulators have others). */
  appId(): Promise<string>;
  /** Runs the sync workflow on this harness's task queue and waits for its result. */
  sync(input: SyncReportingEventsInput, workflowId?: string): Promise<SyncReportingEventsResult>;
  close(): Promise<void>;
}

/** A window of `minutes` starting at a random whole minute 2–80 days ago (inside Authy's retention). */
export function randomPastWindow(minutes: number): TestWindow {
  const minute = 60_000;
  const start = Math.floor((Date.now() - randomInt(2 * DAY_MS, 80 * DAY_MS)) / minute) * minute;
  return { from: new Date(start).toISOString(), to: new Date(start + minutes * minute).toISOString() };
}

export async function createReportingHarness(options: { worker?: boolean } = {}): Promise<ReportingHarness> {
  const seed = randomInt(1, 2 ** 31);
  const emulator = await startEmulator({ seed });
  const temporal = await connectTemporal();
  const pool = createTestPool();
  const taskQueue = temporal.uniqueTaskQueue('reporting');
  const authyHttp = createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey });
  // As in the worker process: the Reporting client on its own keep-alive transport.
  const transport = createKeepAliveFetch();
  const authyReporting = createAuthyReportingClient(
    createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey, fetch: transport.fetch }),
  );
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  if (options.worker !== false) {
    worker = await temporal.createWorker(taskQueue, { pool, authyHttp, authyReporting });
    running = worker.run();
  }
  let appId: string | undefined;
  const seededIds: string[] = [];

  const harness: ReportingHarness = {
    temporal,
    emulator,
    pool,
    seed,
    taskQueue,
    ...(worker ? { worker } : {}),
    async seedHistory(window, count) {
      const { total } = await emulator.control<{ total: number }>('POST', '/reporting/seed', {
        count,
        from: window.from,
        to: window.to,
      });
      const first = total - count;
      const ids = Array.from({ length: count }, (_, i) => requestIdFor(seed, first + i));
      seededIds.push(...ids);
      return ids;
    },
    async groundTruthCount(window) {
      const query = new URLSearchParams({ from: window.from, to: window.to });
      return (await emulator.control<{ count: number }>('GET', `/reporting/count?${query.toString()}`)).count;
    },
    async appId() {
      appId ??= await emulatorAppId(emulator);
      return appId;
    },
    async storedIds(window) {
      const { rows } = await pool.query<{ request_id: string }>(
        `select request_id from reporting_events
          where app_id = $1 and occurred_at >= $2 and occurred_at < $3`,
        [await harness.appId(), window.from, window.to],
      );
      return rows.map((r) => r.request_id);
    },
    sync(input, workflowId = `reporting-test-${randomUUID()}`) {
      return temporal.client.workflow.execute<typeof syncReportingEvents>('syncReportingEvents', {
        taskQueue,
        workflowId,
        args: [input],
      });
    },
    async close() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      // The table is shared with every other test: remove exactly the rows this harness seeded.
      if (appId && seededIds.length > 0) {
        await pool.query('delete from reporting_events where app_id = $1 and request_id = any($2)', [
          appId,
          seededIds,
        ]);
      }
      transport.close();
      await emulator.close();
      await temporal.close();
      await pool.end();
    },
  };
  return harness;
}

/**
 * A {@link createReportingHarness} harness for the tests of the calling describe block, opened before
 * them and closed after them. It also gives each test of the file three minutes: real Temporal,
 * PostgreSQL and emulator on a shared 2-core machine, where a busy neighbour slows every sync.
 */
export function useReportingHarness(options: { worker?: boolean } = {}): ReportingHarness {
  jest.setTimeout(180_000);
  return useForAll(() => createReportingHarness(options));
}

/** Sorted copy, for order-insensitive comparison of id lists. */
export function sorted(ids: Iterable<string>): string[] {
  return [...ids].sort();
}
