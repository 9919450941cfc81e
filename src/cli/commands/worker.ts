import type { WorkerOptions } from '@temporalio/worker';
import type { Command } from 'commander';
import { Option } from 'commander';
import { runWorker } from '../../worker';
import { integerArgument, portArgument, positiveIntegerArgument } from '../arguments';
import { commandContext, runService } from '../context';

interface WorkerCommandOptions {
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  maxCachedWorkflows?: number;
  workflowTaskPollers?: number;
  activityTaskPollers?: number;
  metricsPort?: number;
  metricsHost: string;
}

/** `twofold worker`: runs the Temporal worker until SIGINT/SIGTERM; flags tune its concurrency. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the Temporal worker (onboarding and reporting sync) until SIGINT/SIGTERM')
    .option(
      '--max-concurrent-activities <n>',
      'activities run at once (Authy calls, PostgreSQL writes); SDK default 100',
      positiveIntegerArgument('--max-concurrent-activities'),
    )
    .option(
      '--max-concurrent-workflow-tasks <n>',
      'workflow tasks processed at once; SDK default 40',
      positiveIntegerArgument('--max-concurrent-workflow-tasks'),
    )
    .option(
      '--max-cached-workflows <n>',
      'workflows kept in memory between tasks (sticky cache); SDK default from the V8 heap limit (docs/operating.md#worker-memory)',
      positiveIntegerArgument('--max-cached-workflows'),
    )
    .option(
      '--workflow-task-pollers <n>',
      'long polls for workflow tasks kept open at once, 2 or more (the SDK splits them between the shared and the sticky queue); default min(10, --max-concurrent-workflow-tasks) (README "Scaling out")',
      integerArgument('--workflow-task-pollers', 2, 1000),
    )
    .option(
      '--activity-task-pollers <n>',
      'long polls for activity tasks kept open at once; default min(10, --max-concurrent-activities)',
      integerArgument('--activity-task-pollers', 1, 1000),
    )
    .addOption(
      new Option(
        '--metrics-port <port>',
        "serve the Temporal SDK's Prometheus metrics on http://<metrics-host>:<port>/metrics (docs/operating.md)",
      ).argParser(portArgument('--metrics-port')),
    )
    .option(
      '--metrics-host <address>',
      'address the metrics listener binds (0.0.0.0 to let a Prometheus on another host scrape it)',
      '127.0.0.1',
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
        ...(options.workflowTaskPollers === undefined
          ? {}
          : {
              workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: options.workflowTaskPollers },
            }),
        ...(options.activityTaskPollers === undefined
          ? {}
          : {
              activityTaskPollerBehavior: { type: 'simple-maximum', maximum: options.activityTaskPollers },
            }),
      };
      const metrics =
        options.metricsPort === undefined ? undefined : `${options.metricsHost}:${options.metricsPort}`;
      if (metrics) log.info({ metrics: `http://${metrics}/metrics` }, 'serving Temporal SDK metrics');
      await runService(() => runWorker(config, log, tuning, metrics));
    });
}
