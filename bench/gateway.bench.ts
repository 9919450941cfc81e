// Webhook gateway benchmark (issue 4, `make bench`): signed deliveries recorded per second and their
// latency against two baselines measured in the same run — a bare Koa route answering 200 and bare
// durable single-row INSERTs into PostgreSQL at the same concurrency — plus the delivery lag from
// recording to the workflow's signal, split by stage, at 20/s evenly paced and in per-second bursts
// (each against bare signals sent on the same schedule), and (issue 17) the server CPU one hostile
// nested-JSON request costs next to a flat JSON body of the same size. Servers run in a child process so the load
// generator does not share their event loop. Run: `npx tsx bench/gateway.bench.ts` (stack up:
// `make up`); `BENCH_GATEWAY_ONLY=hostile-input` runs only the CPU-per-request part,
// `BENCH_GATEWAY_ONLY=delivery` only the delivery lag and drain.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Connection } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import Koa from 'koa';
import { loadConfig } from '../src/config';
import { connectClient, connectClientConnection, createClient } from '../src/temporal/connection';
import { migrateUp } from '../src/db/migrate';
import { createPool, warmPool } from '../src/db/pool';
import type { DbPool } from '../src/db/pool';
import { createLogger } from '../src/logger';
import { createApp } from '../src/webhook-gateway/app';
import { DEFAULT_DISPATCHER_OPTIONS, createDispatcher } from '../src/webhook-gateway/dispatcher';
import { createGatewayMetrics } from '../src/webhook-gateway/metrics';
import { createGatewayServer } from '../src/webhook-gateway/server';
import { pollUntil } from '../src/shared/poll';
import { createWorkflowSignaller } from '../src/webhook-gateway/workflow-signaller';
import { evenly, paced, perSecondBursts } from './gateway/paced';
import type { Schedule } from './gateway/paced';
import {
  DELIVERY_STAGES,
  createStageTimings,
  timeInboxStatements,
  timeSignals,
} from './gateway/stage-timings';
import type { DeliveryStage, StageSamples } from './gateway/stage-timings';
import { latencySummary, recordFigure } from './support';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const SIGNING_KEY = 'WSK_bench_signing_key_0123456789abcdef';
/** The OneTouch HMAC key of the benchmark's gateway, so forged callbacks reach signature checking. */
const API_KEY = 'bench-authy-api-key-0123456789abcdef';
const POOL_SIZE = CONNECTIONS;
const TARGETS = 200;
const BURST = 2_000;
/** Authy ids no onboarding has: the intake runs' deliveries go nowhere. */
const UNKNOWN_IDS = Array.from({ length: 1000 }, (_, i) => String(900_000_000_000 + i));
const PACED_RATE = 20;
/** The dispatcher's default parallelism, used for the bare-signal baseline too. */
const DISPATCH_CONCURRENCY = DEFAULT_DISPATCHER_OPTIONS.concurrency;

interface ServeReady {
  type: 'ready';
  bareUrl: string;
  gatewayUrl: string;
}

// ---------------------------------------------------------------------------------------------
// Child process: the bare Koa route and the gateway (createApp, the same code `twofold gateway` runs).

async function serve(databaseUrl: string): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger('silent');
  // Warm and kept open, as `twofold gateway` keeps its pool (src/webhook-gateway/main.ts).
  const pool = createPool(databaseUrl, { max: POOL_SIZE, minConnections: POOL_SIZE });
  await warmPool(pool);
  const metrics = createGatewayMetrics({ defaultMetrics: false });
  const signaller = createWorkflowSignaller(() => connectClient(config.temporal));
  // How long each step of a delivery takes, to tell the lag's parts apart.
  const stageTimings = createStageTimings();
  timeInboxStatements(pool, stageTimings);
  const dispatcher = createDispatcher(
    { pool, signaller: timeSignals(signaller, stageTimings), log, metrics },
    { pollIntervalMs: 200 },
  );
  const gateway = createApp({
    pool,
    log,
    metrics,
    webhookKeys: { current: SIGNING_KEY },
    apiKey: API_KEY,
    publicUrl: 'http://127.0.0.1',
    onRecorded: () => dispatcher.nudge(),
  });
  const bare = new Koa();
  bare.use((ctx) => {
    ctx.body = { status: 'ok' };
  });
  const listen = async (app: Koa) => {
    // autocannon keeps sending on a connection after the server's `Connection: close` (the
    // per-connection request limit), and Node answers those with 503: for the steady state a
    // keep-alive client sees, the limit is lifted here (docs/gateway.md, "Hostile input").
    const server = createGatewayServer(app, { maxRequestsPerSocket: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  };
  const ready: ServeReady = { type: 'ready', bareUrl: await listen(bare), gatewayUrl: await listen(gateway) };
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu-usage') process.send!({ type: 'cpu-usage', usage: process.cpuUsage() });
    if (message.type === 'stage-times') process.send!({ type: 'stage-times', samples: stageTimings.take() });
    if (message.type === 'start-dispatcher') dispatcher.start();
    if (message.type === 'stop-dispatcher') {
      void dispatcher.stop().then(() => process.send!({ type: 'dispatcher-stopped' }));
    }
    if (message.type === 'stop') {
      void dispatcher
        .stop()
        .then(() => signaller.close())
        .then(() => pool.end())
        .finally(() => process.exit(0));
    }
  });
  process.send!(ready);
}

// ---------------------------------------------------------------------------------------------
// Parent process: load generation and measurement.

interface Figure {
  rate: number;
  p50: number;
  p99: number;
  non2xx?: number;
  errors?: number;
}

/** How each delivery stage reads in the lag's breakdown. */
const STAGE_LABELS: Record<DeliveryStage, string> = {
  record: 'intake INSERT + commit',
  claim: 'claim UPDATE',
  route: 'target lookup',
  signal: 'Temporal signal',
  settle: 'settle UPDATE',
};

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A KeyObject: handed a string, jsonwebtoken first tries it as a PEM key on every call (slow). */
const SIGNING_SECRET = createSecretKey(Buffer.from(SIGNING_KEY, 'utf8'));

/** Signed delivery bodies, each a unique event, prepared before the clock starts. */
function prepareDeliveries(count: number, authyIds: string[]): string[] {
  const iat = Math.floor(Date.now() / 1000);
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const claims = {
      id: randomUUID(),
      webhook_id: 'WH_bench',
      event: 'device_registration_completed',
      time: new Date().toISOString(),
      request_id: randomBytes(16).toString('hex'),
      objects: {
        user: { authy_id: Number(authyIds[i % authyIds.length]), country_code: 1, locale: 'en' },
        device: { id: i, device_type: 'android', device_app: 'authy', os_type: 'android' },
      },
      iat,
    };
    bodies.push(JSON.stringify({ body: jwt.sign(claims, SIGNING_SECRET, { algorithm: 'HS256' }) }));
  }
  return bodies;
}

async function hammer(
  url: string,
  bodies: string[],
  options: { seconds?: number; amount?: number },
): Promise<Figure> {
  let next = 0;
  const result = await autocannon({
    url: `${url}/webhooks/authy`,
    connections: CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? DURATION_S }),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
      },
    ],
  });
  return {
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Bare durable INSERTs (autocommit, fsync on) from CONNECTIONS concurrent loops for `seconds`. */
async function bareInserts(pool: DbPool, seconds: number): Promise<Figure> {
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const loops = Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() < deadline) {
      const started = process.hrtime.bigint();
      await pool.query('INSERT INTO bench_rows (id, body) VALUES ($1, $2)', [randomUUID(), 'x'.repeat(400)]);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  });
  const began = Date.now();
  await Promise.all(loops);
  const elapsed = (Date.now() - began) / 1000;
  return { rate: latencies.length / elapsed, ...latencySummary(latencies) };
}

function line(label: string, f: Figure): void {
  if (f.non2xx)
    console.log(`  warning: ${fmt(f.non2xx)} answers were not 2xx; the rate below counts them too`);
  const extra = f.non2xx || f.errors ? `  (non-2xx ${f.non2xx ?? 0}, errors ${f.errors ?? 0})` : '';
  console.log(
    `${label.padEnd(44)} ${fmt(f.rate).padStart(8)} /s   p50 ${fmt(f.p50, 1).padStart(6)} ms   p99 ${fmt(f.p99, 1).padStart(6)} ms${extra}`,
  );
}

/** A line of `n` timed results: how many, their p50 and p99, then `tail`. */
function countLine(label: string, n: number, { p50, p99 }: { p50: number; p99: number }, tail = ''): void {
  console.log(
    `${label.padEnd(44)} ${fmt(n).padStart(8)} ok   p50 ${fmt(p50, 1).padStart(6)} ms   p99 ${fmt(p99, 1).padStart(6)} ms${tail}`,
  );
}

function lagLine(label: string, lag: { n: number; p50: number; p99: number; max: number }): void {
  countLine(label, lag.n, lag, `   max ${fmt(lag.max, 0)} ms`);
}

async function lagOf(
  pool: DbPool,
  authyIds: string[],
): Promise<{ n: number; p50: number; p99: number; max: number; spanS: number }> {
  const { rows } = await pool.query<{ lag: number; received: Date; settled: Date }>(
    `SELECT extract(epoch FROM settled_at - received_at)::float8 * 1000 AS lag, received_at AS received, settled_at AS settled
       FROM webhook_inbox WHERE authy_id = ANY($1) AND state = 'delivered'`,
    [authyIds],
  );
  const lags = rows.map((r) => r.lag);
  const first = Math.min(...rows.map((r) => r.received.getTime()));
  const last = Math.max(...rows.map((r) => r.settled.getTime()));
  return {
    n: rows.length,
    ...latencySummary(lags),
    max: Math.max(0, ...lags),
    spanS: (last - first) / 1000,
  };
}

/** (d) The ceiling the dispatcher works under: bare signals from this process, same concurrency. */
async function bareSignals(targets: WorkflowHandle[], count: number): Promise<Figure> {
  const latencies: number[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: DISPATCH_CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const began = process.hrtime.bigint();
        await targets[i % targets.length]!.signal('benchBaseline', { eventId: `baseline-${i}` });
        latencies.push(Number(process.hrtime.bigint() - began) / 1e6);
      }
    }),
  );
  return { rate: count / ((Date.now() - started) / 1000), ...latencySummary(latencies) };
}

/**
 * The delivery lag's baseline: bare signals from this process at the paced rate, one every
 * 1000/rate ms whether or not the previous one has answered — what a signal costs on this Temporal
 * server with no inbox, dispatcher or PostgreSQL round trip around it.
 */
function pacedBareSignals(targets: WorkflowHandle[], count: number, schedule: Schedule): Promise<Figure> {
  return paced(count, schedule, (i) =>
    targets[i % targets.length]!.signal('benchBaseline', { eventId: `paced-${i}` }),
  );
}

/** Signed deliveries POSTed to the gateway on `schedule`, as {@link pacedBareSignals} sends signals. */
function pacedDeliveries(url: string, bodies: string[], schedule: Schedule): Promise<Figure> {
  return paced(bodies.length, schedule, async (i) => {
    const response = await fetch(`${url}/webhooks/authy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bodies[i]!,
    });
    await response.text();
    if (!response.ok) throw new Error(`the gateway answered ${response.status} to a paced delivery`);
  });
}

/** The durations of each delivery stage in the server process since the last ask. */
function deliveryStageTimes(child: ChildProcess): Promise<StageSamples> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; samples?: StageSamples }) => {
      if (m.type !== 'stage-times' || !m.samples) return;
      child.off('message', onMessage);
      resolve(m.samples);
    };
    child.on('message', onMessage);
    child.send({ type: 'stage-times' });
  });
}

/** The server process's CPU time so far (user + system), in microseconds. */
function serverCpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; usage?: NodeJS.CpuUsage }) => {
      if (m.type !== 'cpu-usage' || !m.usage) return;
      child.off('message', onMessage);
      resolve(m.usage.user + m.usage.system);
    };
    child.on('message', onMessage);
    child.send({ type: 'cpu-usage' });
  });
}

interface CpuFigure {
  /** Server CPU per request, in milliseconds. */
  cpuMs: number;
  p50: number;
  p99: number;
  /** Answers by status class: hostile input must get 4xx only. */
  statuses: Record<'2xx' | '4xx' | '5xx', number>;
}

/**
 * (e) Server CPU per request for `body` POSTed to the OneTouch route with a well-formed forged
 * signature: the process's CPU time over `count` requests (4 connections), divided by the count.
 */
async function cpuPerRequest(
  child: ChildProcess,
  url: string,
  body: string,
  count: number,
): Promise<CpuFigure> {
  const before = await serverCpuMicros(child);
  const result = await autocannon({
    url: `${url}/webhooks/authy/onetouch`,
    connections: 4,
    amount: count,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-authy-signature': 'Zm9yZ2VkLXNpZ25hdHVyZS1vZi1hbi1hdHRhY2tlcg==',
      'x-authy-signature-nonce': String(Math.floor(Date.now() / 1000)),
    },
    body,
  });
  const after = await serverCpuMicros(child);
  return {
    cpuMs: (after - before) / 1000 / count,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses: { '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
  };
}

/** `depth` nested arrays, `copies` of them side by side, inside `{"a":[…]}` (the review's shapes). */
function nestedBody(depth: number, copies: number): string {
  const one = '['.repeat(depth) + ']'.repeat(depth);
  return `{"a":[${Array.from({ length: copies }, () => one).join(',')}]}`;
}

/** A flat JSON body of exactly `bytes` bytes: one long string value (the same-size baseline). */
function flatBody(bytes: number): string {
  return `{"a":"${'x'.repeat(bytes - 8)}"}`;
}

async function hostileInput(child: ChildProcess, gatewayUrl: string): Promise<void> {
  const COUNT = Number(process.env.BENCH_HOSTILE_REQUESTS ?? 400);
  console.log(`
hostile input: server CPU per request, OneTouch route, forged signature (${COUNT} requests each)`);
  const cases: [string, string][] = [
    ['48 KB: 40 arrays nested 600 deep', nestedBody(600, 40)],
    ['6 KB: one array nested 2,800 deep', nestedBody(2_800, 1)],
  ];
  for (const [label, body] of cases) {
    const bytes = Buffer.byteLength(body);
    const baseline = await cpuPerRequest(child, gatewayUrl, flatBody(bytes), COUNT);
    const hostile = await cpuPerRequest(child, gatewayUrl, body, COUNT);
    const row = (name: string, f: CpuFigure) =>
      console.log(
        `${name.padEnd(44)} ${fmt(f.cpuMs, 3).padStart(7)} ms CPU   p50 ${fmt(f.p50, 1).padStart(5)} ms   p99 ${fmt(f.p99, 1).padStart(5)} ms   ` +
          `2xx ${f.statuses['2xx']} 4xx ${f.statuses['4xx']} 5xx ${f.statuses['5xx']}`,
      );
    row(`(f) flat JSON, ${fmt(bytes)} bytes (baseline)`, baseline);
    row(`(e) ${label}`, hostile);
    console.log(
      `ratio: nested / flat CPU per request ${fmt(hostile.cpuMs / baseline.cpuMs, 2)}× (target ≤ 1)`,
    );
  }
}

/** (a)–(c): the gateway's intake against a bare Koa route and bare durable INSERTs, dispatcher idle. */
async function measureIntake(ready: ServeReady, pool: DbPool): Promise<void> {
  const total = Math.ceil(DURATION_S * 12_000);
  const bodies = prepareDeliveries(total, UNKNOWN_IDS);

  // Warm both servers and the database, then measure.
  await hammer(ready.bareUrl, bodies.slice(0, 2000), { amount: 2000 });
  await hammer(ready.gatewayUrl, prepareDeliveries(2000, UNKNOWN_IDS), { amount: 2000 });
  await bareInserts(pool, 1);

  const bare = await hammer(ready.bareUrl, bodies, { seconds: DURATION_S });
  const inserts = await bareInserts(pool, DURATION_S);
  const gateway = await hammer(ready.gatewayUrl, bodies, { seconds: DURATION_S });
  console.log('\nintake (dispatcher idle; events for authy ids with no onboarding)');
  line('(a) bare Koa route answering 200', bare);
  line('(b) bare durable single-row INSERTs', inserts);
  line('(c) gateway: verify JWT + record in inbox', gateway);
  console.log(
    `ratios: gateway/insert ${fmt(gateway.rate / inserts.rate, 2)}× (target ≥ 0.50), gateway/bare-koa ${fmt(gateway.rate / bare.rate, 2)}×; ` +
      `gateway p99 ${fmt(gateway.p99, 1)} ms (target ≤ 50)`,
  );
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const name = `twofold_bench_${randomBytes(4).toString('hex')}`;
  const admin = createPool(config.databaseUrl, { max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(config.databaseUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let child: ChildProcess | undefined;
  const pool = createPool(databaseUrl, { max: POOL_SIZE });
  const targets: WorkflowHandle[] = [];
  let connection: Connection | undefined;
  try {
    await migrateUp({ databaseUrl });
    await pool.query(
      'CREATE TABLE bench_rows (id text PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL DEFAULT now())',
    );

    child = fork(__filename, ['serve'], { env: { ...process.env, BENCH_DATABASE_URL: databaseUrl } });
    const ready = await new Promise<ServeReady>((resolve, reject) => {
      child!.once('message', (m) => resolve(m as ServeReady));
      child!.once('exit', (code) => reject(new Error(`server process exited (${String(code)})`)));
    });

    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, node ${process.version}; ` +
        `${CONNECTIONS} connections, ${DURATION_S} s per run, pool ${POOL_SIZE}, PostgreSQL fsync on`,
    );
    const only = process.env.BENCH_GATEWAY_ONLY;
    if (only === 'delivery') {
      // Warm the gateway route only; its rows are settled below with the intake's.
      await hammer(ready.gatewayUrl, prepareDeliveries(2000, UNKNOWN_IDS), { amount: 2000 });
    } else {
      // Warm the OneTouch route (the first requests compile its code paths), then measure.
      await cpuPerRequest(child, ready.gatewayUrl, flatBody(8_000), 200);
      await hostileInput(child, ready.gatewayUrl);
      if (only === 'hostile-input') return;
      await measureIntake(ready, pool);
    }

    // Delivery lag: real open workflow executions (no worker: signals land in their history). An
    // onboarding receives a handful of signals, so deliveries are spread over many workflows.
    connection = await connectClientConnection(config.temporal);
    const client = createClient(connection, config.temporal);
    const targetIds: string[] = [];
    for (let batch = 0; batch < TARGETS / 20; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const userId = `bench-${randomUUID()}`;
          const authyId = String(800_000_000_000 + Math.floor(Math.random() * 1e11));
          const handle = await client.workflow.start('onboardUser', {
            taskQueue: `bench-gateway-${randomUUID()}`,
            workflowId: `onboarding-${userId}`,
            args: [{ userId, email: 'bench@example.test', countryCode: '1', cellphone: '2025550100' }],
          });
          targets.push(handle);
          targetIds.push(authyId);
          await pool.query(
            `INSERT INTO onboardings (user_id, workflow_id, run_id, authy_id, stage, started_at, stage_entered_at)
             VALUES ($1, $2, $3, $4, 'awaiting_device', now(), now())`,
            [userId, handle.workflowId, randomUUID(), authyId],
          );
        }),
      );
    }

    // The intake runs left rows for authy ids no onboarding has: settle them so the dispatcher only
    // sees the deliveries whose lag is measured.
    await pool.query(
      `UPDATE webhook_inbox SET state = 'no_target', settled_at = now() WHERE state = 'pending'`,
    );
    child.send({ type: 'start-dispatcher' });

    // The lag under one arrival schedule: the deliveries' intake, their lag and its stages, and bare
    // signals sent from this process on the same schedule (the baseline).
    const lagUnder = async (label: string, schedule: Schedule) => {
      const count = PACED_RATE * 10;
      await pool.query('DELETE FROM webhook_inbox WHERE authy_id = ANY($1)', [targetIds]);
      await deliveryStageTimes(child!); // what came before is not this measurement's
      const intake = await pacedDeliveries(ready.gatewayUrl, prepareDeliveries(count, targetIds), schedule);
      await pollUntil(async () => (await lagOf(pool, targetIds)).n >= count, {
        timeoutMs: 60_000,
        what: `the ${count} deliveries of "${label}" to be signalled`,
      });
      const lag = await lagOf(pool, targetIds);
      const stages = await deliveryStageTimes(child!);
      const bare = await pacedBareSignals(targets, count, schedule);
      line(`${label}, 10 s: intake`, intake);
      lagLine('  lag recorded → signalled', lag);
      for (const stage of DELIVERY_STAGES) {
        const samples = stages[stage];
        countLine(`    ${stage}: ${STAGE_LABELS[stage]}`, samples.length, latencySummary(samples));
      }
      line(`  (d') bare Temporal signals, same schedule`, bare);
      return { lag, bare };
    };
    console.log(`\ndelivery to workflows (real Temporal, ${TARGETS} open workflows)`);
    const even = await lagUnder(`${PACED_RATE}/s evenly paced`, evenly(PACED_RATE));
    const bursts = await lagUnder(`${PACED_RATE}/s in per-second bursts`, perSecondBursts(PACED_RATE));
    recordFigure({
      name: 'gateway.delivery_lag_p50',
      value: even.lag.p50,
      unit: 'ms',
      baseline: even.bare.p50,
      size: PACED_RATE,
    });
    recordFigure({
      name: 'gateway.delivery_lag_p99',
      value: even.lag.p99,
      unit: 'ms',
      baseline: even.bare.p99,
      size: PACED_RATE,
    });
    recordFigure({
      name: 'gateway.delivery_lag_bursts_p99',
      value: bursts.lag.p99,
      unit: 'ms',
      baseline: bursts.bare.p99,
      size: PACED_RATE,
    });

    // Drain rate: record a burst with the dispatcher stopped, then time how fast it empties the
    // backlog, next to bare signals measured just before.
    await pool.query('DELETE FROM webhook_inbox WHERE authy_id = ANY($1)', [targetIds]);
    const stopped = new Promise<void>((resolve) =>
      child!.on('message', (m: { type?: string }) => m.type === 'dispatcher-stopped' && resolve()),
    );
    child.send({ type: 'stop-dispatcher' });
    await stopped;
    const burstRun = await hammer(ready.gatewayUrl, prepareDeliveries(BURST, targetIds), { amount: BURST });
    const signalBaseline = await bareSignals(targets, BURST);
    const drainStarted = Date.now();
    child.send({ type: 'start-dispatcher' });
    await pollUntil(async () => (await lagOf(pool, targetIds)).n >= BURST, {
      timeoutMs: 300_000,
      what: `the backlog of ${BURST} deliveries to drain`,
    });
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    line(`burst of ${fmt(BURST)} deliveries, dispatcher stopped: intake`, burstRun);
    console.log(
      `${'  backlog drained by the dispatcher'.padEnd(44)} ${fmt(BURST / drainSeconds).padStart(8)} /s   (${fmt(BURST)} signals in ${fmt(drainSeconds, 1)} s)`,
    );
    line(`(d) bare Temporal signals, concurrency ${DISPATCH_CONCURRENCY}`, signalBaseline);
    recordFigure({
      name: 'gateway.drain_rate',
      value: BURST / drainSeconds,
      unit: 'signals/s',
      baseline: signalBaseline.rate,
      size: BURST,
    });
    console.log(
      `ratio: dispatcher drain / bare signals ${fmt(BURST / drainSeconds / signalBaseline.rate, 2)}×`,
    );
  } finally {
    child?.send({ type: 'stop' });
    await Promise.all(targets.map((t) => t.terminate('benchmark finished').catch(() => undefined)));
    await connection?.close();
    await pool.end();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (process.argv[2] === 'serve') {
  void serve(process.env.BENCH_DATABASE_URL!);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
