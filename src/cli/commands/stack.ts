import type { Command } from 'commander';
import { createAuthyHttp } from '../../authy/http';
import { createPool } from '../../db/pool';
import { connectClient, connectWorkerConnection } from '../../temporal/connection';
import { installTemporalRuntime } from '../../temporal/runtime';
import { createWorker } from '../../worker';
import { checkStack } from '../../workflows/check-stack';
import { CliError, commandContext } from '../context';

/**
 * `twofold stack check`: runs the checkStack workflow through a short-lived worker on its own task
 * queue, proving Temporal, a worker and PostgreSQL work together.
 */
export function registerStackCommands(program: Command): void {
  const stack = program.command('stack').description('local stack diagnostics');
  stack
    .command('check')
    .description('run a one-activity workflow end to end (Temporal → worker → PostgreSQL)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const { config, log } = commandContext();
      installTemporalRuntime(log);
      const pool = createPool(config.databaseUrl, { max: 2 });
      const unreachable = (error: unknown): never => {
        throw new CliError(
          `cannot reach Temporal at ${config.temporal.address}: ${error instanceof Error ? error.message : String(error)}\n` +
            '  Fix: start the local stack with `make up`, or set TEMPORAL_ADDRESS.',
        );
      };
      const connection = await connectWorkerConnection(config.temporal).catch(async (error: unknown) => {
        await pool.end();
        return unreachable(error);
      });
      const client = await connectClient(config.temporal).catch(async (error: unknown) => {
        await connection.close();
        await pool.end();
        return unreachable(error);
      });
      const taskQueue = `stack-check-${process.pid}-${Date.now()}`;
      try {
        const worker = await createWorker({
          connection,
          namespace: config.temporal.namespace,
          taskQueue,
          payloadKeys: config.temporal.payloadKeys,
          deps: {
            pool,
            authyHttp: createAuthyHttp({ baseUrl: config.authy.apiUrl, apiKey: config.authy.apiKey }),
          },
        });
        const result = await worker.runUntil(
          client.workflow.execute(checkStack, { taskQueue, workflowId: taskQueue }),
        );
        if (options.json) console.log(JSON.stringify(result));
        else
          console.log(
            `stack ok: workflow ${result.workflowId} ran on a worker and read PostgreSQL ${result.postgresVersion} at ${result.databaseTime}`,
          );
      } finally {
        await client.connection.close();
        await connection.close();
        await pool.end();
      }
    });
}
