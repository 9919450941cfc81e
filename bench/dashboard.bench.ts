// Dashboard endpoints with 1,000,000 stored reporting events (issue 7): p50/p99 latency of each JSON
// endpoint, through HTTP, against a baseline measured in the same run (a plain count(*) over the
// same table). Everything lives in a scratch schema with the migrations' own DDL, reached through
// search_path, so the shared tables are never touched; the schema is dropped at the end.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import { LOCAL_DATABASE_URL } from '../src/config';
import { createClient } from '../src/temporal/connection';
import { resolvePayloadKeys } from '../src/temporal/payload-config';
import { createDashboardRouter } from '../src/dashboard';
import { MIGRATIONS_DIR } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import type { DbPool } from '../src/db/pool';
import { latencySummary } from './support';
const EVENTS = 1_000_000;
const RUNS = 100_000;
const DAYS = 90;
const SAMPLES = 50;
const WARMUP = 5;
const DAY_MS = 24 * 60 * 60 * 1000;

// Weights per 100 events: the synthetic mix of the emulator plus recoveries and verifications.
const EVENT_MIX: [string, number][] = [
  ['user_added', 10],
  ['device_registration_completed', 8],
  ['totp_token_sent', 18],
  ['token_verified', 18],
  ['token_invalid', 4],
  ['one_touch_request_responded', 24],
  ['user_phone_changed', 2],
  ['user_removed', 2],
  ['phone_verification_started', 8],
  ['account_recovery_started', 3],
  ['account_recovery_approved', 2],
  ['account_recovery_canceled', 1],
];

/** The `-- Up Migration` part of a node-pg-migrate SQL file. */
function upSql(file: string): string {
  const text = readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
  return text.slice(text.indexOf('-- Up Migration'), text.indexOf('-- Down Migration'));
}

async function measure(work: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i += 1) await work();
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return latencySummary(times);
}

async function seed(pool: DbPool, schema: string, from: Date): Promise<void> {
  const slots = EVENT_MIX.flatMap(([name, weight]) => Array<string>(weight).fill(name));
  const chunk = 100_000;
  const started = performance.now();
  for (let offset = 0; offset < EVENTS; offset += chunk) {
    // Event i falls at its share of the 90 days; its type and status come from cheap hashes of i.
    await pool.query(
      `insert into ${schema}.reporting_events
         (event, occurred_at, request_id, authy_id, app_id, country_code, device_type, status, objects)
       select e.event,
              $2::timestamptz + (i::float8 / $3) * interval '${DAYS} days',
              md5(i::text), (1000000 + i % 200000)::text, '15861', '1',
              case when e.event = 'device_registration_completed'
                   then case when i % 2 = 0 then 'iphone' else 'android' end end,
              case when e.event = 'one_touch_request_responded'
                   then case when (i::bigint * 2654435761) % 5 = 0 then 'denied' else 'approved' end end,
              jsonb_build_object('app', jsonb_build_object('id', 15861),
                                 'user', jsonb_build_object('authy_id', 1000000 + i % 200000))
         from generate_series($4::int, $5::int) as i
         cross join lateral (select ($1::text[])[1 + ((i::bigint * 7919) % 100)::int] as event) e`,
      [slots, from, EVENTS, offset + 1, Math.min(EVENTS, offset + chunk)],
    );
    process.stdout.write(`\r  stored ${Math.min(EVENTS, offset + chunk).toLocaleString('en-US')} events`);
  }
  console.log(` in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Onboarding runs over the same 90 days: 95% registered, 70% installed, 50% enabled, the rest
  // denied / expired / failed / cancelled or still waiting; one history row per stage entered.
  const runsStarted = performance.now();
  await pool.query(
    `with runs as (
       select i, 'bench-user-' || i as user_id, 'bench-run-' || i as run_id,
              $1::timestamptz + (i::float8 / $2) * interval '${DAYS} days' as started_at,
              (i * 2654435761::bigint) % 100 as fate
         from generate_series(1, $2::int) as i
     ), stages as (
       select r.*, s.seq, s.stage, r.started_at + s.seq * interval '7 minutes' as entered_at
         from runs r
         cross join lateral (
           select * from (values
             (0, 'registering'),
             (1, case when r.fate < 95 then 'awaiting_device' when r.fate < 98 then 'failed' end),
             (2, case when r.fate < 70 then 'awaiting_approval' when r.fate < 85 then 'expired'
                      when r.fate < 90 then 'cancelled' end),
             (3, case when r.fate < 50 then 'enabled' when r.fate < 58 then 'denied'
                      when r.fate < 64 then 'expired' end)
           ) as v(seq, stage) where v.stage is not null
         ) s
     ), history as (
       insert into ${schema}.onboarding_stage_history (run_id, seq, user_id, stage, entered_at)
       select run_id, seq, user_id, stage, entered_at from stages
     )
     insert into ${schema}.onboardings
       (user_id, workflow_id, run_id, authy_id, stage, stage_seq, started_at, stage_entered_at)
     select distinct on (user_id) user_id, 'onboarding-' || user_id, run_id,
            case when fate < 95 then (2000000 + i)::text end, stage, seq, started_at, entered_at
       from stages order by user_id, seq desc`,
    [from, RUNS],
  );
  console.log(
    `  stored ${RUNS.toLocaleString('en-US')} onboarding runs in ${((performance.now() - runsStarted) / 1000).toFixed(1)} s`,
  );
  // What autovacuum does to a table that stops changing: statistics and the visibility map.
  await pool.query(`vacuum analyze ${schema}.reporting_events`);
  await pool.query(`vacuum analyze ${schema}.onboarding_stage_history`);
  await pool.query(`vacuum analyze ${schema}.onboardings`);
}

async function connectTemporal(): Promise<{ client: Client; close(): Promise<void> } | undefined> {
  try {
    const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
    const connection = await Connection.connect({ address, connectTimeout: 3_000 });
    const client = createClient(connection, {
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      payloadKeys: resolvePayloadKeys(process.env.TWOFOLD_PAYLOAD_KEYS || undefined, address, undefined),
    });
    return { client, close: () => connection.close() };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? LOCAL_DATABASE_URL;
  const schema = `dashboard_bench_${randomBytes(4).toString('hex')}`;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  console.log(
    `scratch schema ${schema}: ${EVENTS.toLocaleString('en-US')} events, ${RUNS.toLocaleString('en-US')} runs`,
  );

  const admin = createPool(databaseUrl, { max: 1 });
  const scoped = new URL(databaseUrl);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  const pool = createPool(scoped.toString(), { max: 10 });
  const temporal = await connectTemporal();
  const server = createServer();
  try {
    await admin.query(`create schema ${schema}`);
    for (const file of [
      '0001_onboardings.sql',
      '0003_reporting_events.sql',
      '0004_dashboard_indexes.sql',
      '0008_onboarding_provider.sql',
    ]) {
      await admin.query(`set search_path to ${schema}; ${upSql(file)}; set search_path to default`);
    }
    const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS);
    const from = new Date(to.getTime() - DAYS * DAY_MS);
    await seed(pool, schema, from);

    const router = createDashboardRouter({
      pool,
      temporal: () =>
        temporal ? Promise.resolve(temporal.client) : Promise.reject(new Error('no Temporal')),
      uiUrl: 'http://127.0.0.1:8233',
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    });
    const app = new Koa();
    app.use(router.routes());
    const handle = app.callback();
    server.on('request', (req, res) => {
      void handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const baseline = await measure(() => pool.query('select count(*) from reporting_events'));
    const all = `from=${from.toISOString().slice(0, 10)}&to=${to.toISOString().slice(0, 10)}`;
    const cases: [string, string][] = [
      ['funnel (30 d)', '/dashboard/api/funnel'],
      ['funnel (90 d)', `/dashboard/api/funnel?${all}`],
      ['registrations (30 d)', '/dashboard/api/registrations'],
      ['registrations (90 d)', `/dashboard/api/registrations?${all}`],
      ['onetouch (30 d)', '/dashboard/api/onetouch'],
      ['onetouch (90 d)', `/dashboard/api/onetouch?${all}`],
      ['phone-changes (90 d)', `/dashboard/api/phone-changes?${all}`],
      ['recoveries (90 d)', `/dashboard/api/recoveries?${all}`],
      ...(temporal
        ? ([['stuck (live visibility)', '/dashboard/api/stuck?olderThan=0s']] as [string, string][])
        : []),
    ];

    console.log(
      `baseline select count(*) over the 1M-row table: p50 ${baseline.p50.toFixed(1)} ms, p99 ${baseline.p99.toFixed(1)} ms`,
    );
    console.log('endpoint                     p50 ms   p99 ms   p50 / baseline p50');
    for (const [name, url] of cases) {
      let status = 0;
      const figures = await measure(async () => {
        const response = await fetch(base + url);
        status = response.status;
        await response.arrayBuffer();
      });
      if (status !== 200) throw new Error(`${url} answered ${status}`);
      console.log(
        `${name.padEnd(28)} ${figures.p50.toFixed(1).padStart(6)} ${figures.p99.toFixed(1).padStart(8)}   ${(figures.p50 / baseline.p50).toFixed(2)}`,
      );
    }
    if (!temporal) console.log('stuck: skipped (Temporal not reachable)');

    const plan = await pool.query<{ 'QUERY PLAN': string }>(
      `explain select date_trunc('day', occurred_at, 'UTC'), status, count(*) from reporting_events
        where event = any($1) and occurred_at >= $2 and occurred_at < $3 group by 1, 2`,
      [['one_touch_request_responded'], from, to],
    );
    const scan = plan.rows.map((r) => r['QUERY PLAN'].trim()).find((line) => /Scan/.test(line));
    console.log(`plan of the OneTouch count: ${scan ?? '(no scan line)'}`);
  } finally {
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    await pool.end();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
    await temporal?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
