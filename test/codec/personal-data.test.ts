import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import type { OnboardUserInput } from '../../src/shared/onboarding';
import { createEmulatorPeople } from '../../src/simulation/emulator-people';
import { runSimulation } from '../../src/simulation/run-simulation';
import type { SimulationResult } from '../../src/simulation/types';
import { payloadToJson } from '../../src/temporal/codec-json';
import { connectClient } from '../../src/temporal/connection';
import { parsePayloadKeys } from '../../src/temporal/payload-keys';
import type { EmulatorHarness } from '../harness/emulator';
import { startEmulatorForGateway } from '../harness/full-stack';
import { createIsolatedDatabase } from '../harness/isolated-database';
import type { IsolatedDatabase } from '../harness/isolated-database';
import { unusedPort } from '../harness/ports';
import { waitFor } from '../harness/wait-for';
import { stackPaths, startTwofold } from './support/processes';
import type { TwofoldProcess } from './support/processes';

const run = promisify(execFile);
const USERS = 12;
const KEYS = `cohort-key:${randomBytes(32).toString('base64')}`;
const CODEC_TOKEN = `codec-${randomBytes(12).toString('hex')}`;

/** The needles found, as UTF-8 bytes, in any of `files` (a store's main file and its WAL), each read once. */
function foundIn(files: string[], needles: string[]): string[] {
  const contents = files.filter((file) => existsSync(file)).map((file) => readFileSync(file));
  return needles.filter((needle) => contents.some((bytes) => bytes.includes(Buffer.from(needle, 'utf8'))));
}

// The acceptance in one run: a cohort through real processes (worker, gateway, codec server,
// CLI) against the shared Temporal dev server and PostgreSQL, then a look at every byte twofold and
// Temporal wrote for the cohort's emails and phone numbers.
describe('personal data never in clear (payload encryption, issue 14)', () => {
  let db: IsolatedDatabase;
  let emulator: EmulatorHarness;
  let client: Client;
  let worker: TwofoldProcess;
  let gateway: TwofoldProcess;
  let codec: TwofoldProcess;
  let codecUrl: string;
  let adminPort: number;
  let gatewayPort: number;
  let result: SimulationResult;
  let inputs: OnboardUserInput[];
  const cliOutputs: string[] = [];
  const changedPhones: string[] = [];
  const runId = `pd${Date.now().toString(36)}`;
  const taskQueue = `codec-cohort-${runId}`;
  const env: NodeJS.ProcessEnv = {};
  const secrets = () => [...inputs.flatMap((i) => [i.email, i.cellphone]), ...changedPhones];

  beforeAll(async () => {
    db = await createIsolatedDatabase('codec');
    [gatewayPort, adminPort] = [await unusedPort(), await unusedPort()];
    const codecPort = await unusedPort();
    codecUrl = `http://127.0.0.1:${codecPort}`;
    const publicUrl = `http://127.0.0.1:${gatewayPort}`;
    const forGateway = await startEmulatorForGateway(publicUrl, 'codec-test');
    emulator = forGateway.emulator;
    Object.assign(env, {
      DATABASE_URL: db.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TWOFOLD_PAYLOAD_KEYS: KEYS,
      TWOFOLD_CODEC_TOKEN: CODEC_TOKEN,
      TWOFOLD_WORKFLOW_BUNDLE: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE,
      AUTHY_API_URL: emulator.url,
      AUTHY_WEBHOOK_SIGNING_KEY: forGateway.signingKey,
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_PUBLIC_URL: publicUrl,
      ADMIN_PORT: String(adminPort),
      CODEC_PORT: String(codecPort),
      // Every level: nothing may leak even at trace.
      LOG_LEVEL: 'trace',
    });
    worker = startTwofold('worker', ['worker'], env);
    gateway = startTwofold('gateway', ['gateway'], env);
    codec = startTwofold('codec-server', ['codec-server'], env);
    await waitFor(
      () => Promise.resolve(worker.output()),
      (out) => out.includes('worker started'),
      { timeoutMs: 120_000, what: 'the worker to start' },
    );
    await waitFor(
      () => fetch(`${publicUrl}/healthz`).then((r) => r.status),
      (s) => s === 200,
      { timeoutMs: 60_000, what: 'the gateway' },
    );
    await waitFor(
      () => fetch(`${codecUrl}/healthz`).then((r) => r.status),
      (s) => s === 200,
      { timeoutMs: 60_000, what: 'the codec server' },
    );

    client = await connectClient({
      address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      payloadKeys: parsePayloadKeys(KEYS),
    });
    const people = createEmulatorPeople(emulator.url);
    result = await runSimulation({
      client,
      taskQueue,
      emulatorUrl: emulator.url,
      users: USERS,
      seed: 1,
      idPrefix: 'codec',
      runId,
      timeoutMs: 120_000,
      people: {
        ...people,
        changePhone: async (authyId, countryCode, cellphone) => {
          changedPhones.push(cellphone);
          return people.changePhone(authyId, countryCode, cellphone);
        },
      },
    });
    const from = new Date(Date.now() - 15 * 60_000).toISOString();
    const backfill = await run(
      process.execPath,
      [
        require.resolve('../../bin/twofold.js'),
        'sync',
        'backfill',
        '--from',
        from,
        '--to',
        new Date().toISOString(),
        '--json',
      ],
      { env: { ...process.env, ...env }, timeout: 120_000 },
    );
    cliOutputs.push(backfill.stdout, backfill.stderr);

    // What the cohort sent, read back through the codec server (the only way left to read it).
    const started = await Promise.all(result.people.map((p) => startedInput(p.workflowId)));
    const decoded = await decode(started);
    inputs = decoded.map((p) => defaultPayloadConverter.fromPayload<OnboardUserInput>(p));
  }, 420_000);

  afterAll(async () => {
    await Promise.all(
      (result?.stuck ?? []).map((id) =>
        client.workflow
          .getHandle(id)
          .terminate('test done')
          .catch(() => undefined),
      ),
    );
    await Promise.all([worker, gateway, codec].map((p) => p?.stop()));
    await client?.connection.close();
    await emulator?.close();
    await db?.drop();
  });

  async function startedInput(workflowId: string): Promise<Payload> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const attributes = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = attributes?.input?.payloads?.[0];
    if (!payload) throw new Error(`${workflowId} has no input`);
    return payload;
  }

  async function decode(payloads: Payload[]): Promise<Payload[]> {
    const response = await fetch(`${codecUrl}/decode`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        authorization: `Bearer ${CODEC_TOKEN}`,
      },
      body: JSON.stringify({ payloads: payloads.map(payloadToJson) }),
    });
    if (!response.ok) throw new Error(`codec server /decode → ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as {
      payloads: { metadata: Record<string, string>; data: string }[];
    };
    return body.payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: Buffer.from(p.data, 'base64'),
    }));
  }

  it('when the cohort ran, then it was a real mix: onboardings ended in several stages and people changed phone', () => {
    expect(result.people).toHaveLength(USERS);
    expect(new Set(result.people.map((p) => p.stage)).size).toBeGreaterThanOrEqual(3);
    expect(changedPhones.length).toBeGreaterThan(0);
  });

  it('when the inputs are decoded through the codec server, then they are the cohort’s emails and phones', () => {
    expect(inputs.map((i) => i.email).sort()).toEqual(
      Array.from({ length: USERS }, (_, i) => `person-${i + 1}-${runId}@example.com`).sort(),
    );
    for (const input of inputs) expect(input.cellphone).toMatch(/^555\d{7}$/);
  });

  it('when Temporal’s store (the dev server’s SQLite file and its WAL) is read as bytes, then it holds the cohort’s workflows but none of their emails or phones', async () => {
    const { temporalDbFile } = stackPaths();
    const files = [temporalDbFile, `${temporalDbFile}-wal`];
    const workflowIds = result.people.map((p) => p.workflowId);
    // The right store: the cohort's workflow ids (clear by design) are in it.
    await waitFor(
      () => Promise.resolve(foundIn(files, workflowIds)),
      (found) => found.length === workflowIds.length,
      { timeoutMs: 30_000, intervalMs: 1_000, what: `the cohort's workflow ids in ${files.join(' or ')}` },
    );
    expect(foundIn(files, secrets())).toEqual([]);
  });

  it('when `temporal workflow show --detailed` reads a run, then only with --codec-endpoint does it print the email and phone', async () => {
    const { temporalBin } = stackPaths();
    const person = inputs[0]!;
    const workflowId = result.people.find((p) => p.userId === person.userId)!.workflowId;
    const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
    const args = ['workflow', 'show', '--detailed', '-w', workflowId, '--address', address];
    const withCodec = await run(temporalBin, [
      ...args,
      '--codec-endpoint',
      codecUrl,
      '--codec-auth',
      `Bearer ${CODEC_TOKEN}`,
    ]);
    expect(withCodec.stdout).toContain(`input[0].email: ${person.email}`);
    expect(withCodec.stdout).toContain(`input[0].cellphone: ${person.cellphone}`);
    const without = await run(temporalBin, args);
    expect(without.stdout).not.toContain(person.email);
    expect(without.stdout).toContain(
      `metadata.encoding: ${Buffer.from('binary/encrypted').toString('base64')}`,
    );
  });

  it('when the logs of worker, gateway, codec server and CLI (at trace level) are searched, then no email or phone is in them', () => {
    const logs = [worker, gateway, codec].map((p) => ({ name: p.name, text: p.output() }));
    logs.push({ name: 'cli', text: cliOutputs.join('\n') });
    expect(logs.find((l) => l.name === 'worker')!.text).toContain('worker started');
    const leaks = logs.flatMap(({ name, text }) =>
      secrets()
        .filter((secret) => text.includes(secret))
        .map((secret) => `${name}: ${secret}`),
    );
    expect(leaks).toEqual([]);
  });

  it('when the gateway’s /metrics is read, then no label carries an email or phone', async () => {
    const answers = await Promise.all(
      [adminPort, gatewayPort].map((port) =>
        fetch(`http://127.0.0.1:${port}/metrics`).then(
          async (r) => (r.ok ? await r.text() : ''),
          () => '',
        ),
      ),
    );
    const metrics = answers.join('\n');
    expect(metrics).toMatch(/# TYPE /);
    expect(secrets().filter((secret) => metrics.includes(secret))).toEqual([]);
  });

  it('when every PostgreSQL table twofold wrote is read as text, then no email or full phone number is in it', async () => {
    const { rows: tables } = await db.pool.query<{ name: string }>(
      `select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
         from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`,
    );
    const dumps = await Promise.all(
      tables.map(async ({ name }) => {
        const { rows } = await db.pool.query<{ row: string }>(`select t::text as row from ${name} t`);
        return { name, text: rows.map((r) => r.row).join('\n') };
      }),
    );
    // The right database: the cohort's onboardings are in it.
    const all = dumps.map((d) => d.text).join('\n');
    for (const p of result.people) expect(all).toContain(p.userId);
    const leaks = dumps.flatMap(({ name, text }) =>
      secrets()
        .filter((secret) => text.includes(secret))
        .map((secret) => `${name}: ${secret}`),
    );
    expect(leaks).toEqual([]);
  });
});
