import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, isAesGcmPayloadCodec } from './payload-codec';
import type { PayloadKey } from './payload-keys';

/**
 * Path of the module exporting twofold's `failureConverter`. Pass it to `bundleWorkflowCode` as
 * `failureConverterPath` whenever a workflow bundle is built ahead of time: the bundle carries it.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter of every twofold client and worker: payloads (inputs, results, signals,
 * updates, queries, heartbeats, memo, failure details) sealed with AES-256-GCM under the keyring's
 * first key, failure messages and stacks encoded into payloads so they are sealed too. Search
 * attributes are never encoded by Temporal's codecs, so they stay filterable. Applications that
 * build their own `Client` pass this as its `dataConverter`.
 */
export function createDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(keys)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

/** Raised when personal data would leave through a client that does not encrypt payloads. */
export class UnencryptedClientError extends Error {
  override name = 'UnencryptedClientError';
}

/**
 * Refuses a client built without twofold's data converter, so an application that forgot it gets an
 * error instead of writing emails and phone numbers into Temporal's store in clear.
 */
export function assertEncryptingClient(client: Client): void {
  const codecs = client.workflow.options.loadedDataConverter.payloadCodecs;
  if (!codecs.some(isAesGcmPayloadCodec)) {
    throw new UnencryptedClientError(
      'this Temporal client does not encrypt payloads: connect it with connectClient(config.temporal), ' +
        'or pass dataConverter: createDataConverter(config.temporal.payloadKeys) to new Client(...)',
    );
  }
}
