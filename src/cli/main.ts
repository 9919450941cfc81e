import { Command, CommanderError } from 'commander';
import { registerCodecServerCommand } from './commands/codec-server';
import { registerDbCommands } from './commands/db';
import { registerEmulatorCommand } from './commands/emulator';
import { registerGatewayCommand } from './commands/gateway';
import { registerOnboardingCommands } from './commands/onboarding';
import { registerScheduleCommands } from './commands/schedule';
import { registerSimulateCommand } from './commands/simulate';
import { registerStackCommands } from './commands/stack';
import { registerSyncCommands } from './commands/sync';
import { registerWebhooksCommands } from './commands/webhooks';
import { registerVerifyCommands } from './commands/verify';
import { registerWorkerCommand } from './commands/worker';
import { CliError, EXIT } from './context';

/** Builds the `twofold` command tree; exported so tests can drive it in-process. */
export function buildProgram(): Command {
  const program = new Command('twofold')
    .description('Durable 2FA onboarding and Authy data sync on Temporal')
    .showHelpAfterError()
    .exitOverride();
  registerWorkerCommand(program);
  registerGatewayCommand(program);
  registerEmulatorCommand(program);
  registerOnboardingCommands(program);
  registerScheduleCommands(program);
  registerSyncCommands(program);
  registerWebhooksCommands(program);
  registerVerifyCommands(program);
  registerSimulateCommand(program);
  registerDbCommands(program);
  registerStackCommands(program);
  registerCodecServerCommand(program);
  return program;
}

/** Runs the CLI and maps failures to exit codes and one readable message on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      console.error(`twofold: ${error.message}`);
      return error.exitCode;
    }
    console.error(`twofold: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = EXIT.failure;
    },
  );
}
