import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities';
import { createWorker } from '../../src/worker';
import { connectClient, connectWorkerConnection } from '../../src/temporal/connection';
import type { TemporalSettings } from '../../src/temporal/connection';
import { resolvePayloadKeys } from '../../src/temporal/payload-config';

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

/**
 * How tests reach the run's Temporal: the app's own connection code and data converter (payloads
 * encrypted with TWOFOLD_PAYLOAD_KEYS, or the dev key on the local dev server).
 */
export function testTemporalSettings(): TemporalSettings {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  return {
    address,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    payloadKeys: resolvePayloadKeys(process.env.TWOFOLD_PAYLOAD_KEYS || undefined, address, undefined),
  };
}

export async function connectTemporal(): Promise<TemporalHarness> {
  quietRuntime();
  const settings = testTemporalSettings();
  const { namespace } = settings;
  const client = await connectClient(settings);
  const nativeConnection = await connectWorkerConnection(settings);
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
        payloadKeys: settings.payloadKeys,
        workflows: { workflowBundle: { codePath: bundlePath } },
      }),
    connectOwnClient: () => connectClient(settings),
    close: async () => {
      await client.connection.close();
      await nativeConnection.close();
    },
  };
}
