import { getHeapStatistics } from 'node:v8';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { Logger as SdkLogger, NativeConnection, WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import { createAuthyHttp } from './authy/http';
import { createAuthyReportingClient } from './authy/reporting';
import { createKeepAliveFetch } from './authy/reporting-fetch';
import type { ActivityDeps } from './activities';
import type { Config } from './config';
import { createPool } from './db/pool';
import { assertSchemaCurrent } from './db/migrate';
import type { Logger } from './logger';
import { connectWorkerConnection } from './temporal/connection';
import { createDataConverter, FAILURE_CONVERTER_PATH } from './temporal/data-converter';
import type { PayloadKey } from './temporal/payload-keys';
import { installTemporalRuntime } from './temporal/runtime';
import { verifyWorkerDeps } from './verify/from-config';

/** Where a worker gets its workflow code: a path to bundle at start, or a prebuilt bundle. */
export type WorkflowSource = Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>;

/** The workflow bundle entry, resolved at runtime so both `src/` (tsx) and compiled code work. */
export const WORKFLOWS_PATH = require.resolve('./workflows');

/**
 * Builds the workflow bundle a production worker loads through `TWOFOLD_WORKFLOW_BUNDLE` (the
 * workflows with twofold's failure converter): its JavaScript code. `logger` receives webpack's output.
 */
export async function buildWorkflowBundle(logger?: SdkLogger): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(logger ? { logger } : {}),
  });
  return code;
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** The payload keyring (`config.temporal.payloadKeys`): every payload is encrypted with it. */
  payloadKeys: readonly PayloadKey[];
  workflows?: WorkflowSource;
  /** Extra worker tuning (concurrency limits, identity, ...). */
  tuning?: Partial<WorkerOptions>;
}

/** Builds a worker from already-open dependencies; the caller runs and shuts it down. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    dataConverter: createDataConverter(options.payloadKeys),
    ...(options.workflows ?? { workflowsPath: WORKFLOWS_PATH }),
    ...options.tuning,
  });
}

/**
 * The worker process (`twofold worker`): checks that PostgreSQL has every migration applied
 * (`SchemaBehindError` otherwise: `twofold db migrate` is the one migrator), opens Temporal, polls the
 * task queue until SIGINT/SIGTERM, then drains in-flight tasks and closes everything it opened.
 */
export async function runWorker(
  config: Config,
  log: Logger,
  /** Concurrency and cache limits (`twofold worker --max-…` flags). */
  tuning: Partial<WorkerOptions> = {},
  /** `host:port` to serve the SDK's Prometheus metrics on (`twofold worker --metrics-port`); off when unset. */
  metricsBindAddress?: string,
): Promise<void> {
  installTemporalRuntime(log, metricsBindAddress ? { metricsBindAddress } : {});
  const pool = createPool(config.databaseUrl);
  // The reporting sync makes one request per 100 events: its own keep-alive transport spends half
  // the CPU per request of the built-in fetch.
  const reportingFetch = createKeepAliveFetch();
  let connection: NativeConnection | undefined;
  try {
    await assertSchemaCurrent(config.databaseUrl);
    connection = await connectWorkerConnection(config.temporal);
    const { workflowBundlePath } = config.temporal;
    const verify = verifyWorkerDeps(config);
    if (verify.problem !== undefined && config.provider === 'verify') {
      log.warn(
        { problem: verify.problem },
        'Verify onboardings will wait: this worker has no Verify configuration',
      );
    }
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      payloadKeys: config.temporal.payloadKeys,
      deps: {
        pool,
        authyHttp: createAuthyHttp({ baseUrl: config.authy.apiUrl, apiKey: config.authy.apiKey }),
        authyReporting: createAuthyReportingClient(
          createAuthyHttp({
            baseUrl: config.authy.apiUrl,
            apiKey: config.authy.apiKey,
            fetch: reportingFetch.fetch,
          }),
        ),
        reportingPersonalDataRetentionDays: config.reporting.personalDataRetentionDays,
        ...verify.deps,
      },
      ...(workflowBundlePath ? { workflows: { workflowBundle: { codePath: workflowBundlePath } } } : {}),
      tuning,
    });
    log.info(
      {
        taskQueue: config.temporal.taskQueue,
        namespace: config.temporal.namespace,
        // What bounds the worker's memory (docs/operating.md#worker-memory).
        maxCachedWorkflows: worker.options.maxCachedWorkflows,
        heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
      },
      'worker started',
    );
    // Worker.run() resolves after SIGINT/SIGTERM (the SDK's default shutdown signals) once
    // in-flight tasks have drained.
    await worker.run();
    log.info('worker stopped');
  } finally {
    await connection?.close();
    await pool.end();
    reportingFetch.close();
  }
}
