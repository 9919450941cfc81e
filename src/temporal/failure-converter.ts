import { DefaultFailureConverter } from '@temporalio/common';

/**
 * The failure converter of every twofold client and worker, loaded by path (workers bake it into the
 * workflow bundle, which runs in the sandbox: this file imports only `@temporalio/common`). It moves
 * each failure's message and stack trace into an encoded payload, so the payload codec encrypts
 * them too; Temporal's store keeps only "Encoded failure".
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
