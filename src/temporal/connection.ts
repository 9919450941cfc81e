import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

interface ConnectionSettings {
  address: string;
  apiKey?: string;
  tls?: { clientCertPair: { crt: Buffer; key: Buffer } } | boolean;
}

/** Turns the temporal config into connection options: API key (Temporal Cloud) or mTLS files. */
async function connectionSettings(temporal: Config['temporal']): Promise<ConnectionSettings> {
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

/** Connects a Temporal client (for starting, signalling and querying workflows). Close its `connection`. */
export async function connectClient(temporal: Config['temporal']): Promise<Client> {
  const connection = await Connection.connect(await connectionSettings(temporal));
  return new Client({ connection, namespace: temporal.namespace });
}

/** Connects the native connection a Worker polls through. */
export async function connectWorkerConnection(temporal: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionSettings(temporal));
}
