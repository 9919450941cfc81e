import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities';
import { createWorker } from '../../src/worker';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** Temporal client and worker connections to the run's shared dev server. Close with `close()`. */
export interface TemporalHarness {
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  /** A task queue unique to the caller, so parallel test files never steal each other's tasks. */
  uniqueTaskQueue(prefix?: string): string;
  /** A worker on `taskQueue` with the bundle built once by the global setup. */
  createWorker(taskQueue: string, deps: ActivityDeps): Promise<Worker>;
  /** A client on a connection of its own, for code under test that closes the connection it gets. */
  connectOwnClient(): Promise<Client>;
  close(): Promise<void>;
}

export async function connectTemporal(): Promise<TemporalHarness> {
  quietRuntime();
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace });
  const bundlePath = process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE;
  if (!bundlePath)
    throw new Error('TWOFOLD_TEST_WORKFLOW_BUNDLE is unset: run tests through jest (global setup)');
  return {
    client,
    nativeConnection,
    namespace,
    uniqueTaskQueue: (prefix = 'test') => `${prefix}-${randomUUID()}`,
    createWorker: (taskQueue, deps) =>
      createWorker({
        connection: nativeConnection,
        namespace,
        taskQueue,
        deps,
        workflows: { workflowBundle: { codePath: bundlePath } },
      }),
    connectOwnClient: async () =>
      new Client({ connection: await Connection.connect({ address }), namespace }),
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
