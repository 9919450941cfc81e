import type { Client } from '@temporalio/client';

/** A Temporal client opened on first use; for a process that must start while Temporal is down. */
export interface LazyTemporalClient {
  /** The client, connecting first if needed; a failed connect is tried again on the next call. */
  get: () => Promise<Client>;
  /** Closes the connection if one was opened. */
  close: () => Promise<void>;
}

/**
 * Wraps `connect` so the gateway's dashboard reaches the visibility API without delaying the
 * gateway's start, and without a dead connection attempt sticking forever.
 */
export function createLazyTemporalClient(connect: () => Promise<Client>): LazyTemporalClient {
  let pending: Promise<Client> | undefined;
  return {
    get: () => {
      pending ??= connect().catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
    close: async () => {
      const opened = pending;
      pending = undefined;
      const client = await opened?.catch(() => undefined);
      await client?.connection.close();
    },
  };
}
