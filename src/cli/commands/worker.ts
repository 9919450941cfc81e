import type { WorkerOptions } from '@temporalio/worker';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { runWorker } from '../../worker';
import { commandContext } from '../context';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

interface WorkerCommandOptions {
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  maxCachedWorkflows?: number;
}

/** `twofold worker`: runs the Temporal worker until SIGINT/SIGTERM; flags tune its concurrency. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the Temporal worker (onboarding and reporting sync) until SIGINT/SIGTERM')
    .option(
      '--max-concurrent-activities <n>',
      'activities run at once (Authy calls, PostgreSQL writes); SDK default 100',
      positiveInteger,
    )
    .option(
      '--max-concurrent-workflow-tasks <n>',
      'workflow tasks processed at once; SDK default 40',
      positiveInteger,
    )
    .option(
      '--max-cached-workflows <n>',
      'workflows kept in memory between tasks (sticky cache); SDK default from the memory limit',
      positiveInteger,
    )
    .action(async (options: WorkerCommandOptions) => {
      const { config, log } = commandContext(['AUTHY_API_KEY']);
      const tuning: Partial<WorkerOptions> = {
        ...(options.maxConcurrentActivities === undefined
          ? {}
          : { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities }),
        ...(options.maxConcurrentWorkflowTasks === undefined
          ? {}
          : { maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks }),
        ...(options.maxCachedWorkflows === undefined
          ? {}
          : { maxCachedWorkflows: options.maxCachedWorkflows }),
      };
      await runWorker(config, log, tuning);
    });
}
