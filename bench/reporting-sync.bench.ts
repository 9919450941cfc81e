// Reporting sync benchmark (issue 5): backfill of 1,000,000 seeded events end to end (Temporal
// workflow → activities → Reporting API emulator → PostgreSQL), in events per second, against two
// baselines measured in the same run on the same window:
//   fetch only — the same pages, paged and split the same way, parsed and thrown away;
//   COPY      — the same rows COPYed (psql \copy) into a scratch table with the same indexes.
// The emulator runs in its own process (the API is remote in production). Bench rows are deleted
// and the scratch table dropped at the end. BENCH_REPORTING_EVENTS / BENCH_REPORTING_CONCURRENCY
// override the size and the number of windows synced at once.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { readReportingWindow } from '../src/authy/reporting-window-reader';
import { createAuthyHttp } from '../src/authy/http';
import { createAuthyReportingClient } from '../src/authy/reporting';
import type { AuthyReportingClient } from '../src/authy/reporting';
import { createKeepAliveFetch } from '../src/authy/reporting-fetch';
import type { KeepAliveFetch } from '../src/authy/reporting-fetch';
import { loadConfig } from '../src/config';
import { createPool } from '../src/db/pool';
import type { DbPool } from '../src/db/pool';
import { startReportingBackfill } from '../src/client/reporting-backfill';
import { connectClient, connectWorkerConnection } from '../src/temporal/connection';
import { DEV_AUTHY_API_KEY } from '../src/shared/dev-keys';
import { createWorker } from '../src/worker';
import { splitWindow, windowsAfterCap } from '../src/shared/reporting-window';
import type { ReportingWindow } from '../src/shared/reporting-window';
import { describeCpu, sampleCpu } from './reporting/cpu';
import { ensureBenchNamespace, machineFacts, report, timed } from './support';

const NAMESPACE = 'twofold-bench';
const EVENTS = Number(process.env.BENCH_REPORTING_EVENTS ?? 1_000_000);
const CONCURRENCY = Number(process.env.BENCH_REPORTING_CONCURRENCY ?? 6);
const PER_PAGE = 100;
const MAX_PAGES = 100;
const DAY = 24 * 60 * 60 * 1000;
const COLUMNS =
  'event, occurred_at, request_id, authy_id, app_id, country_code, device_type, status, objects';

async function startEmulatorProcess(seed: number): Promise<{ url: string; child: ChildProcess }> {
  const script = path.join(__dirname, 'reporting', 'emulator-process.ts');
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', script, String(seed)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

async function control<T>(url: string, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/_emulator${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`emulator ${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The Reporting client the worker process builds: its own keep-alive transport. */
function reportingClient(url: string, transport: KeepAliveFetch) {
  return createAuthyReportingClient(
    createAuthyHttp({ baseUrl: url, apiKey: DEV_AUTHY_API_KEY, fetch: transport.fetch }),
  );
}

/** Baseline 1: the workflow's paging and splitting without Temporal and PostgreSQL. */
async function fetchOnly(reporting: AuthyReportingClient, window: ReportingWindow): Promise<number> {
  const pending = splitWindow(window, CONCURRENCY);
  let fetched = 0;
  let active = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (pending.length === 0 && active === 0) return resolve();
      while (active < CONCURRENCY && pending.length > 0) {
        const part = pending.shift()!;
        active += 1;
        readReportingWindow({
          window: part,
          perPage: PER_PAGE,
          maxPages: MAX_PAGES,
          fetchPage: (query, page) => reporting.listEvents({ ...query, page, perPage: PER_PAGE }),
          storePage: () => Promise.resolve(0),
        }).then((result) => {
          fetched += result.fetched;
          if (result.remainder) {
            pending.push(
              ...windowsAfterCap(part, result.remainder, result.fetched, PER_PAGE * MAX_PAGES, 256),
            );
          }
          active -= 1;
          pump();
        }, reject);
      }
    };
    pump();
  });
  return fetched;
}

/** Baseline 2: COPY of the stored rows into a scratch table with the same columns and indexes. */
function copyBaseline(databaseUrl: string, appId: string, window: ReportingWindow, dir: string): number {
  const file = path.join(dir, 'rows.copy');
  const psql = (command: string) =>
    execFileSync('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { stdio: 'pipe' });
  psql(
    `\\copy (select ${COLUMNS} from reporting_events where app_id = '${appId}' ` +
      `and occurred_at >= '${window.from}' and occurred_at < '${window.to}') to '${file}'`,
  );
  psql('create schema if not exists twofold_bench');
  psql('drop table if exists twofold_bench.reporting_events_copy');
  psql('create table twofold_bench.reporting_events_copy (like public.reporting_events including all)');
  const start = performance.now();
  psql(`\\copy twofold_bench.reporting_events_copy (${COLUMNS}) from '${file}'`);
  const ms = performance.now() - start;
  psql('drop table twofold_bench.reporting_events_copy');
  return ms;
}

async function countStored(pool: DbPool, appId: string, window: ReportingWindow): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'select count(*) as n from reporting_events where app_id = $1 and occurred_at >= $2 and occurred_at < $3',
    [appId, window.from, window.to],
  );
  return Number(rows[0]!.n);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  console.log(`machine: ${machineFacts()}`);
  console.log(`events: ${EVENTS.toLocaleString('en-US')}, windows in flight: ${CONCURRENCY}`);
  await ensureBenchNamespace(config.temporal.address, NAMESPACE);
  const seed = Math.floor(Math.random() * 2 ** 31);
  const { url, child } = await startEmulatorProcess(seed);
  const pool = createPool(config.databaseUrl, { max: CONCURRENCY + 4 });
  const client = await connectClient({ ...config.temporal, namespace: NAMESPACE });
  const nativeConnection = await connectWorkerConnection(config.temporal);
  const transport = createKeepAliveFetch();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'twofold-reporting-bench-'));
  // One day of history, at a random day 2–80 days back (inside Authy's 90-day retention).
  const start = Math.floor((Date.now() - (2 + Math.random() * 78) * DAY) / 60_000) * 60_000;
  const window = { from: new Date(start).toISOString(), to: new Date(start + DAY).toISOString() };
  let appId: string | undefined;
  try {
    const seeded = await timed(() =>
      control<{ seeded: number }>(url, 'POST', '/reporting/seed', { count: EVENTS, ...window }),
    );
    const query = new URLSearchParams(window).toString();
    const truth = (await control<{ count: number }>(url, 'GET', `/reporting/count?${query}`)).count;
    // Every event of this emulator carries its app id, which scopes the bench's rows in PostgreSQL.
    const reporting = reportingClient(url, transport);
    const [probe] = await reporting.listEvents({ ...window, page: 1, perPage: 1 });
    const app = probe?.objects?.app as { id?: number } | undefined;
    if (app?.id === undefined) throw new Error('the seeded events carry no objects.app.id');
    const benchAppId = String(app.id);
    appId = benchAppId;
    console.log(
      `seeded ${truth.toLocaleString('en-US')} events in ${seeded.ms.toFixed(0)} ms over ${window.from} .. ${window.to}`,
    );

    const cpu = () => sampleCpu({ emulator: child.pid });
    let cpuBefore = cpu();
    const fetchRun = await timed(() => fetchOnly(reporting, window));
    const fetchRate = fetchRun.result / (fetchRun.ms / 1000);
    console.log(
      `fetch only: ${fetchRun.result.toLocaleString('en-US')} events in ${(fetchRun.ms / 1000).toFixed(1)} s`,
    );
    console.log(`  CPU used: ${describeCpu(cpuBefore, cpu())}`);

    const taskQueue = `bench-reporting-${randomUUID()}`;
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: NAMESPACE,
      taskQueue,
      payloadKeys: config.temporal.payloadKeys,
      deps: {
        pool,
        authyHttp: createAuthyHttp({ baseUrl: url, apiKey: DEV_AUTHY_API_KEY }),
        authyReporting: reporting,
      },
    });
    cpuBefore = cpu();
    const e2e = await worker.runUntil(async () => {
      // Workflow code is bundled by Worker.create, so the clock starts when the backfill does.
      const handle = await startReportingBackfill({
        client,
        taskQueue,
        window,
        options: { concurrency: CONCURRENCY },
      });
      return timed(() => handle.result());
    });
    const result = e2e.result;
    const e2eCpu = describeCpu(cpuBefore, cpu());
    const stored = await countStored(pool, benchAppId, window);
    const e2eRate = result.eventsStored / (e2e.ms / 1000);
    console.log(
      `end to end: ${result.eventsStored.toLocaleString('en-US')} new events stored (${result.eventsFetched.toLocaleString('en-US')} fetched, ` +
        `${result.pages} pages, ${result.windowsSynced} window activities, ${result.runs} run(s)) in ${(e2e.ms / 1000).toFixed(1)} s; ` +
        `PostgreSQL holds ${stored.toLocaleString('en-US')}, the API ${truth.toLocaleString('en-US')}: ${stored === truth ? 'exact' : 'MISMATCH'}`,
    );
    console.log(`  CPU used: ${e2eCpu}`);

    cpuBefore = cpu();
    const copyMs = copyBaseline(config.databaseUrl, benchAppId, window, scratch);
    const copyRate = stored / (copyMs / 1000);
    console.log(
      `COPY: ${stored.toLocaleString('en-US')} rows in ${(copyMs / 1000).toFixed(1)} s (psql \\copy, export included in CPU)`,
    );
    console.log(`  CPU used: ${describeCpu(cpuBefore, cpu())}`);

    report('reporting sync end to end vs fetch only', e2eRate, fetchRate, 'events/s');
    report('reporting sync end to end vs COPY (target ≥ 0.5)', e2eRate, copyRate, 'events/s');
    if (stored !== truth) process.exitCode = 1;
  } finally {
    if (appId) {
      await pool.query(
        'delete from reporting_events where app_id = $1 and occurred_at >= $2 and occurred_at < $3',
        [appId, window.from, window.to],
      );
    }
    rmSync(scratch, { recursive: true, force: true });
    transport.close();
    child.kill('SIGTERM');
    await client.connection.close();
    await nativeConnection.close();
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
