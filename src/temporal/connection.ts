import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { createDataConverter } from './data-converter';

/**
 * What reaching Temporal takes: the `temporal` part of {@link Config}. Every twofold client and
 * worker connects through this module, so none can skip payload encryption.
 */
export type TemporalSettings = Pick<
  Config['temporal'],
  'address' | 'namespace' | 'apiKey' | 'tls' | 'payloadKeys'
>;

interface ConnectionSettings {
  address: string;
  apiKey?: string;
  tls?: { clientCertPair: { crt: Buffer; key: Buffer } } | boolean;
}

/** Turns the temporal config into connection options: API key (Temporal Cloud) or mTLS files. */
async function connectionSettings(temporal: TemporalSettings): Promise<ConnectionSettings> {
  const settings: ConnectionSettings = { address: temporal.address };
  if (temporal.tls) {
    const [crt, key] = await Promise.all([readFile(temporal.tls.certPath), readFile(temporal.tls.keyPath)]);
    settings.tls = { clientCertPair: { crt, key } };
  }
  if (temporal.apiKey) {
    settings.apiKey = temporal.apiKey;
    settings.tls ??= true;
  }
  return settings;
}

/**
 * A Temporal client over an open connection, with twofold's data converter (payloads encrypted
 * under `payloadKeys`). For callers that manage the connection themselves.
 */
export function createClient(
  connection: Connection,
  temporal: Pick<TemporalSettings, 'namespace' | 'payloadKeys'>,
): Client {
  return new Client({
    connection,
    namespace: temporal.namespace,
    dataConverter: createDataConverter(temporal.payloadKeys),
  });
}

/** Opens the connection a client talks through (gRPC; API key or mTLS as configured). */
export async function connectClientConnection(temporal: TemporalSettings): Promise<Connection> {
  return Connection.connect(await connectionSettings(temporal));
}

/**
 * Connects a Temporal client (for starting, signalling and querying workflows) that encrypts and
 * decrypts payloads with the configured keyring. Close its `connection`.
 */
export async function connectClient(temporal: TemporalSettings): Promise<Client> {
  return createClient(await connectClientConnection(temporal), temporal);
}

/** Connects the native connection a Worker polls through (give the Worker `createDataConverter` too). */
export async function connectWorkerConnection(temporal: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionSettings(temporal));
}
