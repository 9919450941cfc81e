import type { Command } from 'commander';
import { createAuthyHttp } from '../../authy/http';
import { createPool } from '../../db/pool';
import { connectClient, connectWorkerConnection } from '../../temporal/connection';
import { installTemporalRuntime } from '../../temporal/runtime';
import { createWorker } from '../../worker';
import { checkStack } from '../../workflows/check-stack';
import type { Config } from '../../config';
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
    .option(
      '--running-worker',
      'run it on TEMPORAL_TASK_QUEUE through the worker already running there (make up), not a worker of its own',
    )
    .action(async (options: { json?: boolean; runningWorker?: boolean }) => {
      const { config, log } = commandContext();
      if (options.runningWorker) {
        await checkThroughRunningWorker(config, options.json === true);
        return;
      }
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

/**
 * The check on the task queue the deployment's worker polls: proves that worker picks up workflow
 * tasks (and makes its SDK metrics show workflow task figures). Fails after 30 s naming the queue.
 */
async function checkThroughRunningWorker(config: Config, json: boolean): Promise<void> {
  const client = await connectClient(config.temporal).catch((error: unknown) => {
    throw new CliError(
      `cannot reach Temporal at ${config.temporal.address}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const { taskQueue } = config.temporal;
  const workflowId = `stack-check-${process.pid}-${Date.now()}`;
  try {
    const result = await client.workflow.execute(checkStack, {
      taskQueue,
      workflowId,
      workflowExecutionTimeout: '30 seconds',
    });
    if (json) console.log(JSON.stringify(result));
    else
      console.log(
        `stack ok: the worker on task queue ${taskQueue} ran ${result.workflowId} and read PostgreSQL`,
      );
  } catch (error) {
    throw new CliError(
      `no worker on task queue ${taskQueue} ran the check within 30 s: ${error instanceof Error ? error.message : String(error)}\n` +
        '  Fix: look at the worker log (make status; ~/.cache/twofold/log/worker.log).',
    );
  } finally {
    await client.connection.close();
  }
}
