import type { Command } from 'commander';
import { Option } from 'commander';
import {
  InvalidOnboardingInputError,
  cancelOnboarding,
  findStuckOnboardings,
  startOnboarding,
} from '../../client/onboarding';
import { ONBOARDING_STAGES, onboardingWorkflowId } from '../../shared/onboarding';
import type { OnboardingStage, OnboardingStatus } from '../../shared/onboarding';
import { durationArgument, positiveIntegerArgument } from '../arguments';
import { resolveContact } from './onboarding-contact';
import type { ContactInput } from './onboarding-contact';
import { CliError, EXIT, commandContext } from '../context';
import { withTemporalClient } from '../temporal-client';
import { registerOnboardingStatusCommand } from './onboarding-status';
import { printStatusRows, statusRows } from './status-rows';
import { registerReplayCheckCommand } from './replay-check';
import { registerVerifyOnboardingCommands } from './onboarding-verify';

interface JsonOption {
  json?: boolean;
}

function printStatus(status: OnboardingStatus, json: boolean | undefined): void {
  if (json) {
    console.log(JSON.stringify(status));
    return;
  }
  printStatusRows(statusRows(status));
}

/** Maps "workflow not found" to a readable CLI error. */
function notFound(userId: string) {
  return (error: unknown): never => {
    if (error instanceof Error && error.name === 'WorkflowNotFoundError') {
      throw new CliError(`no onboarding for user ${userId} (workflow ${onboardingWorkflowId(userId)})`);
    }
    throw error;
  };
}

/** `twofold onboarding start|status|cancel|stuck` (docs/contract.md#7-cli). */
export function registerOnboardingCommands(program: Command): void {
  const onboarding = program
    .command('onboarding')
    .description("start, inspect and cancel users' 2FA onboardings");

  onboarding
    .command('start')
    .description('start the onboarding of a user (attaches to the running one if any)')
    .requiredOption('--user-id <id>', 'your opaque user id (never an email or phone number)')
    .option('--email <email>', "the user's email (or in --input-file)")
    .option('--country-code <code>', 'numeric calling code, e.g. 1 (or in --input-file)')
    .option('--cellphone <number>', "the user's cellphone number (or in --input-file)")
    .option(
      '--input-file <path>',
      'JSON {"email", "countryCode", "cellphone"} from a file, or - for stdin: keeps personal data ' +
        'out of argv, which every local user can read (ps) and shell history keeps',
    )
    .addOption(new Option('--provider <name>', 'default: TWOFOLD_PROVIDER').choices(['authy', 'verify']))
    .addOption(
      new Option('--factor-type <type>', 'Verify only; default: VERIFY_FACTOR_TYPE').choices([
        'totp',
        'push',
      ]),
    )
    .option('--json', 'print JSON')
    .action(
      async (
        options: JsonOption &
          Partial<ContactInput> & {
            userId: string;
            inputFile?: string;
            provider?: 'authy' | 'verify';
            factorType?: 'totp' | 'push';
          },
      ) => {
        const contact = await resolveContact(options, options.inputFile);
        const { config } = commandContext();
        await withTemporalClient(config, async (client) => {
          const started = await startOnboarding(
            client,
            {
              userId: options.userId,
              ...contact,
              ...(options.provider ? { provider: options.provider } : {}),
              ...(options.factorType ? { factorType: options.factorType } : {}),
            },
            {
              taskQueue: config.temporal.taskQueue,
              provider: config.provider,
              factorType: config.verify.factorType,
            },
          ).catch((error: unknown) => {
            if (error instanceof InvalidOnboardingInputError) throw new CliError(error.message, EXIT.usage);
            throw error;
          });
          if (options.json)
            console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId }));
          else console.log(`onboarding ${started.workflowId} running (run ${started.runId})`);
        });
      },
    );

  registerOnboardingStatusCommand(onboarding);
  registerVerifyOnboardingCommands(onboarding);

  onboarding
    .command('cancel')
    .description("cancel a user's open onboarding")
    .argument('<userId>')
    .option('--reason <text>', 'why (kept as the status reason)')
    .option('--json', 'print the final status as JSON')
    .action(async (userId: string, options: JsonOption & { reason?: string }) => {
      const { config } = commandContext();
      await withTemporalClient(config, async (client) => {
        const status = await cancelOnboarding(
          client,
          userId,
          options.reason ? { reason: options.reason } : {},
        )
          .catch(notFound(userId))
          .catch((error: unknown) => {
            if (error instanceof Error && error.name === 'WorkflowUpdateFailedError') {
              throw new CliError(
                `cannot cancel: ${error.cause instanceof Error ? error.cause.message : error.message}`,
              );
            }
            throw error;
          });
        printStatus(status, options.json);
      });
    });

  onboarding
    .command('stuck')
    .description('list open onboardings waiting in a stage for longer than an age')
    .addOption(
      new Option('--stage <stage>', 'only this stage').choices(
        ONBOARDING_STAGES.filter((s) => ['registering', 'awaiting_device', 'awaiting_approval'].includes(s)),
      ),
    )
    .option('--older-than <age>', 'minimum time in the stage, e.g. 30m, 12h, 2d', '0s')
    .option('--limit <n>', 'stop after n results', positiveIntegerArgument('--limit'), 100)
    .option('--json', 'print JSON lines')
    .action(async (options: JsonOption & { stage?: OnboardingStage; olderThan: string; limit: number }) => {
      const age = durationArgument('--older-than', { examples: '30m, 12h or 2d' })(options.olderThan);
      const { config } = commandContext();
      await withTemporalClient(config, async (client) => {
        const stuck = await findStuckOnboardings(client, {
          ...(options.stage ? { stage: options.stage } : {}),
          enteredBefore: new Date(Date.now() - age),
          limit: options.limit,
        });
        if (options.json) {
          for (const s of stuck) console.log(JSON.stringify(s));
          return;
        }
        if (stuck.length === 0) {
          console.log('no stuck onboardings');
          return;
        }
        for (const s of stuck) {
          console.log(
            `${s.workflowId.padEnd(40)} ${s.stage.padEnd(18)} since ${s.stageEnteredAt.toISOString()}`,
          );
        }
        console.log(`${stuck.length} stuck onboarding(s)`);
      });
    });

  registerReplayCheckCommand(onboarding);
}
