import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { createWebhooksApi, ONBOARDING_WEBHOOK_EVENTS } from '../authy/webhooks-api';
import { createPool } from '../db/pool';
import { DEV_AUTHY_KEYS } from '../shared/dev-keys';
import { freePorts } from './free-port';
import { ManagedProcess } from './managed-process';
import type { ManagedProcessSpec } from './managed-process';
import { httpOk } from '../shared/poll';
import { namespaceServes, registerNamespace } from '../temporal/namespace-registration';
import { chaosTemporalBackend, prepareTemporalPostgres } from './temporal-postgres-backend';
import type { PreparedTemporalPostgres } from './temporal-postgres-backend';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');

/** The services the chaos suite kills: each runs as a child process of the suite. */
export const CHAOS_SERVICES = ['gateway', 'worker', 'temporal', 'postgres', 'emulator'] as const;
export type ChaosService = (typeof CHAOS_SERVICES)[number];

/** Where the chaos stack lives and what it runs. */
export interface ChaosStackOptions {
  /** A directory of its own (SQLite file, PostgreSQL cluster, journal, logs); created if missing. */
  dir: string;
  /** Seed of the emulator (the same across its restarts). */
  seed: number;
  /** Prebuilt workflow bundle the worker loads (TWOFOLD_WORKFLOW_BUNDLE). */
  workflowBundlePath: string;
  taskQueue: string;
}

/** A running isolated stack: its addresses, and each service to kill and restart. */
export interface ChaosStack {
  dir: string;
  temporalAddress: string;
  temporalUiPort: number;
  databaseUrl: string;
  emulatorUrl: string;
  gatewayUrl: string;
  taskQueue: string;
  /** The environment the worker and gateway run with (for clients of this stack). */
  env: NodeJS.ProcessEnv;
  /** SIGKILL the service and wait until it has exited. */
  kill(service: ChaosService): Promise<void>;
  /** Start the service again and wait until it serves. */
  restart(service: ChaosService): Promise<void>;
  /** Exits of any service the suite did not cause. */
  unexpectedExits(): string[];
  /** Stops every service (SIGTERM); the directory is left for the caller. */
  stop(): Promise<void>;
}

/**
 * Starts a stack of its own beside the shared one: a Temporal dev server (own ports and SQLite file),
 * a PostgreSQL cluster (own port and data directory, created by scripts/stack.sh), the Authy emulator
 * with a journal (src/chaos/durable-emulator.ts), the webhook gateway and the worker
 * (`bin/twofold.js gateway|worker`), each on free ports and each a child process of the caller.
 * With `TEMPORAL_BACKEND=postgres` the Temporal server 1.29.1 and its Web UI server replace the dev
 * server, keeping Temporal's state in that same cluster (docs/temporal-backends.md, "`make chaos` on
 * the postgres backend").
 */
export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  const dir = path.resolve(options.dir);
  const logDir = path.join(dir, 'log');
  const runDir = path.join(dir, 'run');
  const pgData = path.join(dir, 'pg', 'data');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(runDir, { recursive: true });
  // As root the cluster runs as `postgres`, which must be able to enter this directory.
  chmodSync(dir, 0o755);
  const [temporalPort, uiPort, pgPort, emulatorPort, gatewayPort, adminPort] = (await freePorts(6)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const backend = chaosTemporalBackend(process.env);
  const databaseUrl = `postgres://twofold:twofold@127.0.0.1:${pgPort}/twofold`;
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

  // The scripts create the cluster and its database (and start it once to do so); from then on the
  // suite runs `postgres` itself, as its own child, so a SIGKILLed server is reaped and can restart.
  const scriptEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TWOFOLD_RUN_DIR: runDir,
    TWOFOLD_LOG_DIR: logDir,
    TWOFOLD_PG_PORT: String(pgPort),
    TWOFOLD_PG_DATA: pgData,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DB_FILE: path.join(dir, 'temporal.sqlite'),
  };
  delete scriptEnv.DATABASE_URL;
  const script = (name: string, ...args: string[]) =>
    run('bash', [path.join(repoRoot, 'scripts', name), ...args], { env: scriptEnv, encoding: 'utf8' });
  const pgBin = (await script('ensure-postgres.sh')).stdout.trim();
  const temporalBin = (await script('ensure-temporal-cli.sh')).stdout.trim();
  await script('stack.sh', 'up', 'postgres');
  // The postgres backend: scripts/temporal-postgres.sh renders the server's configuration and sets
  // Temporal's schemas up in this cluster (the one place that does either), then prints the server's
  // and the Web UI server's command lines for the suite to run as its children.
  let temporalPostgres: PreparedTemporalPostgres | undefined;
  try {
    if (backend === 'postgres') temporalPostgres = await prepareTemporalPostgres(scriptEnv);
  } finally {
    await script('stack.sh', 'down', 'postgres');
  }
  const temporalAddress = temporalPostgres?.address ?? `127.0.0.1:${temporalPort}`;

  const asRoot = process.getuid?.() === 0;
  const pgUser = asRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
      }
    : {};
  const serviceEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    TEMPORAL_UI_PORT: String(uiPort),
    DATABASE_URL: databaseUrl,
    AUTHY_API_URL: emulatorUrl,
    AUTHY_EMULATOR_PORT: String(emulatorPort),
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_PUBLIC_URL: gatewayUrl,
    ADMIN_PORT: String(adminPort),
    AUTHY_ONETOUCH_CALLBACK_URL: `${gatewayUrl}/webhooks/authy/onetouch`,
    TWOFOLD_WORKFLOW_BUNDLE: options.workflowBundlePath,
    LOG_LEVEL: 'info',
  };
  const spec = (
    name: ChaosService,
    rest: Omit<ManagedProcessSpec, 'name' | 'logPath' | 'env'> & { env?: NodeJS.ProcessEnv },
  ): ManagedProcessSpec => ({
    name,
    logPath: path.join(logDir, `${name}.log`),
    env: serviceEnv,
    cwd: repoRoot,
    ...rest,
  });
  const twofold = (...args: string[]) => [path.join(repoRoot, 'bin', 'twofold.js'), ...args];
  let namespaceRegistered = false;

  const processes: Record<ChaosService, ManagedProcess> = {
    postgres: new ManagedProcess(
      spec('postgres', {
        command: path.join(pgBin, 'postgres'),
        args: [
          '-D',
          pgData,
          '-p',
          String(pgPort),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          `unix_socket_directories=${pgData}`,
          '-c',
          'max_connections=300',
        ],
        ...pgUser,
        ready: () => postgresAnswers(databaseUrl),
        readyTimeoutMs: 60_000,
      }),
    ),
    temporal: new ManagedProcess(
      spec(
        'temporal',
        temporalPostgres
          ? {
              ...temporalPostgres.server,
              // Once registered, serving means the namespace answers a query on SQL visibility.
              ready: () =>
                namespaceRegistered
                  ? namespaceServes(temporalAddress, 'default')
                  : temporalServes(temporalAddress),
              readyTimeoutMs: 120_000,
            }
          : {
              command: temporalBin,
              args: [
                'server',
                'start-dev',
                '--ip',
                '127.0.0.1',
                '--port',
                String(temporalPort),
                '--ui-port',
                String(uiPort),
                '--db-filename',
                path.join(dir, 'temporal.sqlite'),
                '--namespace',
                'default',
                '--search-attribute',
                'OnboardingStage=Keyword',
                '--search-attribute',
                'AuthyId=Keyword',
                '--search-attribute',
                'OnboardingStageEnteredAt=Datetime',
                '--dynamic-config-value',
                'limit.maxIDLength=255',
                '--log-level',
                'warn',
              ],
              ready: () => temporalServes(temporalAddress),
              readyTimeoutMs: 90_000,
            },
      ),
    ),
    emulator: new ManagedProcess(
      spec('emulator', {
        command: process.execPath,
        args: [
          '--require',
          'tsx/cjs',
          path.join(__dirname, 'durable-emulator-main.ts'),
          '--journal',
          path.join(dir, 'emulator-journal.jsonl'),
          '--port',
          String(emulatorPort),
          '--seed',
          String(options.seed),
          '--callback',
          `${gatewayUrl}/webhooks/authy/onetouch`,
          '--retry-max-delay',
          '2000',
        ],
        ready: () => httpOk(`${emulatorUrl}/_emulator/health`),
        readyTimeoutMs: 60_000,
      }),
    ),
    gateway: new ManagedProcess(
      spec('gateway', {
        command: process.execPath,
        // Events for an authy id no onboarding has recorded yet wait 20 s instead of 5 min.
        args: twofold('gateway', '--target-grace', '20'),
        ready: () => httpOk(`${gatewayUrl}/healthz`),
        readyTimeoutMs: 90_000,
      }),
    ),
    worker: new ManagedProcess(
      spec('worker', {
        command: process.execPath,
        args: twofold('worker'),
        ready: (output) => Promise.resolve(output.includes('worker started')),
        readyTimeoutMs: 120_000,
      }),
    ),
  };
  // The postgres backend's Web UI server: a process of its own (the dev server has its UI built in),
  // started once the namespace exists and not among the services killed.
  const temporalUi =
    temporalPostgres &&
    new ManagedProcess({
      name: 'temporal-ui',
      ...temporalPostgres.ui,
      env: serviceEnv,
      cwd: repoRoot,
      logPath: path.join(logDir, 'temporal-ui.log'),
      ready: () => httpOk(`http://127.0.0.1:${uiPort}/`),
      readyTimeoutMs: 60_000,
    });
  const all = [...Object.values(processes), ...(temporalUi ? [temporalUi] : [])];
  const killAll = () => {
    for (const p of all) if (p.pid !== undefined) process.kill(p.pid, 'SIGKILL');
  };
  process.once('exit', killAll);

  try {
    await processes.postgres.start();
    // The worker and the gateway only check the schema: `twofold db migrate` is the one migrator.
    await run(process.execPath, twofold('db', 'migrate'), { env: serviceEnv, cwd: repoRoot });
    await processes.temporal.start();
    if (temporalUi) {
      await registerNamespace(temporalAddress, 'default', 60_000);
      namespaceRegistered = true;
      await temporalUi.start();
    }
    await processes.emulator.start();
    const { webhook } = await createWebhooksApi({ baseUrl: emulatorUrl, ...DEV_AUTHY_KEYS }).create({
      url: `${gatewayUrl}/webhooks/authy`,
      name: 'twofold-chaos',
      events: ONBOARDING_WEBHOOK_EVENTS,
    });
    // The journal keeps the webhook, and the seed its signing key, across the emulator's restarts.
    serviceEnv.AUTHY_WEBHOOK_SIGNING_KEY = webhook.signing_key;
    await processes.worker.start();
    await processes.gateway.start();
  } catch (error) {
    await Promise.all(all.map((p) => p.stop(2_000)));
    process.off('exit', killAll);
    throw error;
  }

  return {
    dir,
    temporalAddress,
    temporalUiPort: uiPort,
    databaseUrl,
    emulatorUrl,
    gatewayUrl,
    taskQueue: options.taskQueue,
    env: serviceEnv,
    kill: (service) => processes[service].kill(),
    restart: (service) => processes[service].start(),
    unexpectedExits: () => all.flatMap((p) => p.unexpectedExits),
    async stop() {
      for (const name of ['gateway', 'worker', 'emulator', 'temporal', 'postgres'] as const) {
        if (name === 'temporal') await temporalUi?.stop();
        await processes[name].stop();
      }
      process.off('exit', killAll);
    },
  };
}

/** True when PostgreSQL at `url` answers a query (not only accepts connections while recovering). */
async function postgresAnswers(url: string): Promise<boolean> {
  const pool = createPool(url, { max: 1 });
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** True when the Temporal frontend at `address` answers. */
async function temporalServes(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
