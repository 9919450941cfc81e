import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { connectClient } from '../temporal/connection';
import { CliError } from './context';

/** Runs `work` with a Temporal client and always closes the connection; a refused connection is a CLI error. */
export async function withTemporalClient<T>(
  config: Config,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  let client: Client;
  try {
    client = await connectClient(config.temporal);
  } catch (error) {
    throw new CliError(
      `cannot reach Temporal at ${config.temporal.address}: ${error instanceof Error ? error.message : String(error)}\n` +
        '  Fix: start the local stack with `make up`, or set TEMPORAL_ADDRESS.',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.connection.close();
  }
}
