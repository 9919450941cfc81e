import type { Command } from 'commander';
import { runWorker } from '../../worker';
import { commandContext } from '../context';

/** `twofold worker`: runs the Temporal worker until SIGINT/SIGTERM. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the Temporal worker (onboarding and reporting sync) until SIGINT/SIGTERM')
    .action(async () => {
      const { config, log } = commandContext(['AUTHY_API_KEY']);
      await runWorker(config, log);
    });
}
