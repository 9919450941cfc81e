// Many onboardings waiting at once (issues 3 and 16): BENCH_WAITING onboardings (default 10,000) are
// started with day-long timings and left waiting in `awaiting_device`, on a separate worker process
// (`twofold worker --max-cached-workflows BENCH_WORKER_CACHE`) so its memory is its own. The worker
// runs as docs/operating.md#worker-memory sizes a production one: a prebuilt workflow bundle, a V8
// heap of BENCH_WORKER_HEAP_MB (default 256) and MALLOC_ARENA_MAX=2. Measured:
// the client's start rate, the time until every run waits (counted in the customer record), the
// worker's peak RSS, and the Temporal store's growth per waiting run (the PostgreSQL databases on
// TEMPORAL_BACKEND=postgres, the SQLite file on the dev server). Progress is printed every 10 s.
// Runs in its own namespace (twofold-bench) and terminates what it started.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import type { DbPool } from '../src/db/pool';
import { createClient } from '../src/temporal/connection';
import { buildWorkflowBundle } from '../src/worker';
import { BENCH_NAMESPACE, onboardingStart, openOnboardingBench } from './onboarding/setup';
import {
  machineFacts,
  mapConcurrent,
  recordFigure,
  terminateBenchRuns,
  timed,
  TWOFOLD_HOME,
} from './support';

const WAITING_COUNT = Number(process.env.BENCH_WAITING ?? 10_000);
/** The worker's sticky cache: runs kept in memory between tasks; the rest are replayed on demand. */
const WORKER_CACHE = Number(process.env.BENCH_WORKER_CACHE ?? 1_000);
/** The worker's V8 heap limit (`--max-old-space-size`, per thread); docs/operating.md#worker-memory. */
const WORKER_HEAP_MB = Number(process.env.BENCH_WORKER_HEAP_MB ?? 256);
const BACKEND = process.env.TEMPORAL_BACKEND === 'postgres' ? 'postgres' : 'dev';

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

/** Bytes the Temporal server's store takes now: its databases, or the dev server's SQLite files. */
async function temporalStoreBytes(pool: DbPool): Promise<number> {
  if (BACKEND === 'postgres') {
    const { rows } = await pool.query<{ bytes: string }>(
      `SELECT sum(pg_database_size(datname))::text AS bytes FROM pg_database
        WHERE datname IN ('temporal', 'temporal_visibility')`,
    );
    return Number(rows[0]!.bytes);
  }
  const file = process.env.TEMPORAL_DB_FILE ?? path.join(TWOFOLD_HOME, 'data', 'temporal.sqlite');
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      bytes += statSync(file + suffix).size;
    } catch {
      // the WAL and shared-memory files exist only while the server runs in WAL mode
    }
  }
  return bytes;
}

async function waitingCount(pool: DbPool, marker: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM onboardings WHERE user_id LIKE $1 AND stage = 'awaiting_device'`,
    [`wait-${marker}-%`],
  );
  return rows[0]!.n;
}

async function main(): Promise<void> {
  const { config, authyUrl, pool, connection, close } = await openOnboardingBench({ seed: 11, poolMax: 4 });
  console.log(`machine: ${machineFacts()}; Temporal backend: ${BACKEND}`);
  const client = createClient(connection, {
    namespace: BENCH_NAMESPACE,
    payloadKeys: config.temporal.payloadKeys,
  });

  // Production workers load a bundle built ahead (the Dockerfile's): bundling at start leaves
  // webpack's garbage in the worker's heap.
  const bundleDir = await mkdtemp(path.join(tmpdir(), 'twofold-bench-bundle-'));
  const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  await writeFile(bundlePath, await buildWorkflowBundle(new DefaultLogger('WARN'))); // webpack's summary is noise here

  const taskQueue = `bench-waiting-${randomUUID()}`;
  console.log(
    `worker: --max-cached-workflows ${WORKER_CACHE}, --max-old-space-size=${WORKER_HEAP_MB}, MALLOC_ARENA_MAX=2, prebuilt bundle`,
  );
  const worker = spawn(
    process.execPath,
    [
      `--max-old-space-size=${WORKER_HEAP_MB}`,
      path.join(__dirname, '..', 'bin', 'twofold.js'),
      'worker',
      '--max-cached-workflows',
      String(WORKER_CACHE),
    ],
    {
      env: {
        ...process.env,
        TEMPORAL_NAMESPACE: BENCH_NAMESPACE,
        TEMPORAL_TASK_QUEUE: taskQueue,
        AUTHY_API_URL: authyUrl,
        LOG_LEVEL: 'warn',
        TWOFOLD_WORKFLOW_BUNDLE: bundlePath,
        MALLOC_ARENA_MAX: '2',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  benchWorker = worker;
  const workerExited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
  let workerRssPeakSampled = 0;
  const sampleWorker = (): number => {
    if (worker.exitCode !== null) return 0;
    const kb = procStatusKb(worker.pid!, 'VmRSS');
    workerRssPeakSampled = Math.max(workerRssPeakSampled, kb);
    return kb;
  };

  const storeBefore = await temporalStoreBytes(pool);
  const marker = randomUUID().slice(0, 8);
  let started = 0;
  let lastWaiting = 0;
  const firstStart = performance.now();
  const progress = setInterval(() => {
    void waitingCount(pool, marker)
      .then((waiting) => {
        const elapsed = (performance.now() - firstStart) / 1000;
        const rate = (waiting - lastWaiting) / 10;
        lastWaiting = waiting;
        console.log(
          `    ${elapsed.toFixed(0)} s: ${started} started, ${waiting} waiting (+${rate.toFixed(1)}/s), worker RSS ${(sampleWorker() / 1024).toFixed(0)} MiB`,
        );
      })
      .catch((error: unknown) => console.error(`    progress: ${String(error)}`));
  }, 10_000);

  let phone = 5_560_000_000;
  const starts = await timed(() =>
    mapConcurrent(
      Array.from({ length: WAITING_COUNT }, (_, i) => i),
      100,
      async (i) => {
        const userId = `wait-${marker}-${i}`;
        await client.workflow.start('onboardUser', onboardingStart(taskQueue, userId, String(phone++)));
        started += 1;
      },
    ),
  );
  for (;;) {
    if (worker.exitCode !== null) throw new Error(`the benchmark worker exited with ${worker.exitCode}`);
    if ((await waitingCount(pool, marker)) >= WAITING_COUNT) break;
    sampleWorker();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a progress poll, not a synchronisation
  }
  clearInterval(progress);
  const allWaitingSeconds = (performance.now() - firstStart) / 1000;
  const peakKb = Math.max(procStatusKb(worker.pid!, 'VmHWM'), workerRssPeakSampled);
  const storeGrowth = (await temporalStoreBytes(pool)) - storeBefore;

  const startRate = (WAITING_COUNT / starts.ms) * 1000;
  console.log(
    `${WAITING_COUNT} onboardings waiting at once (worker --max-cached-workflows ${WORKER_CACHE}, heap ${WORKER_HEAP_MB} MB):`,
  );
  console.log(`    start rate: ${startRate.toFixed(0)} starts/s (client)`);
  console.log(
    `    all awaiting the device ${allWaitingSeconds.toFixed(1)} s after the first start (${(WAITING_COUNT / allWaitingSeconds).toFixed(1)} runs/s)`,
  );
  console.log(`    worker peak RSS: ${(peakKb / 1024).toFixed(0)} MiB (goal ≤ 1,024 MiB)`);
  console.log(
    `    Temporal store (${BACKEND}): +${(storeGrowth / 2 ** 20).toFixed(0)} MiB, ${(storeGrowth / WAITING_COUNT / 1024).toFixed(1)} KiB per waiting run`,
  );
  recordFigure({ name: 'waiting.start_rate', value: startRate, unit: 'starts/s', size: WAITING_COUNT });
  recordFigure({ name: 'waiting.all_waiting_s', value: allWaitingSeconds, unit: 's', size: WAITING_COUNT });
  recordFigure({ name: 'waiting.worker_peak_rss', value: peakKb / 1024, unit: 'MiB', size: WAITING_COUNT });
  recordFigure({
    name: 'waiting.store_per_run',
    value: storeGrowth / WAITING_COUNT / 1024,
    unit: 'KiB',
    size: WAITING_COUNT,
  });

  worker.kill('SIGTERM');
  await workerExited;
  await rm(bundleDir, { recursive: true, force: true });
  // Nothing of the benchmark stays running: one server-side batch terminates every run it started.
  await terminateBenchRuns(
    config.temporal.address,
    BENCH_NAMESPACE,
    `ExecutionStatus='Running' AND WorkflowId STARTS_WITH 'onboarding-wait-${marker}-'`,
  );
  await close();
}

/** The worker process this benchmark spawned: stopped on any failure, never left behind. */
let benchWorker: ChildProcess | undefined;

main().catch((error: unknown) => {
  console.error(error);
  if (benchWorker && benchWorker.exitCode === null) benchWorker.kill('SIGTERM');
  process.exit(1);
});
