import type { Command } from 'commander';
import { getEnrollment, submitTotpCode } from '../../client/onboarding';
import { onboardingWorkflowId } from '../../shared/onboarding';
import { CliError, EXIT, commandContext } from '../context';
import { withTemporalClient } from '../temporal-client';

/** An update the workflow refused (an Authy onboarding, a finished one, a bad code) or a missing run, as a CLI error. */
function refused(userId: string, action: string) {
  return (error: unknown): never => {
    if (error instanceof Error && error.name === 'WorkflowNotFoundError') {
      throw new CliError(`no onboarding for user ${userId} (workflow ${onboardingWorkflowId(userId)})`);
    }
    if (error instanceof Error && error.name === 'WorkflowUpdateFailedError') {
      throw new CliError(`${action}: ${error.cause instanceof Error ? error.cause.message : error.message}`);
    }
    throw error;
  };
}

/**
 * `twofold onboarding enrollment <userId>` and `twofold onboarding submit-code <userId> <code>`: what a
 * Verify onboarding's person needs to enrol, and their first TOTP code (docs/verify.md). For people
 * and tests; applications call `getEnrollment` / `submitTotpCode` from src/client/onboarding.ts.
 */
export function registerVerifyOnboardingCommands(onboarding: Command): void {
  onboarding
    .command('enrollment')
    .description(
      "what a Verify onboarding's person needs: the TOTP otpauth:// URI to scan (a secret: shown, never logged), or a push enrolment token",
    )
    .argument('<userId>')
    .option('--json', 'print { factorType, uri } or { factorType, accessToken, identity, serviceSid }')
    .action(async (userId: string, options: { json?: boolean }) => {
      const { config } = commandContext();
      await withTemporalClient(config, async (client) => {
        const enrollment = await getEnrollment(client, userId).catch(refused(userId, 'no enrollment'));
        if (options.json) {
          console.log(JSON.stringify(enrollment));
          return;
        }
        if (enrollment.factorType === 'totp') {
          console.log('factor   totp');
          console.log(`uri      ${enrollment.uri}`);
          console.log(
            '  (scan it as a QR code in an authenticator app, then `twofold onboarding submit-code`)',
          );
        } else {
          console.log('factor        push');
          console.log(`identity      ${enrollment.identity}`);
          console.log(`service       ${enrollment.serviceSid}`);
          console.log(`access token  ${enrollment.accessToken}`);
          console.log('  (valid for minutes: the Verify Push SDK creates the factor with it)');
        }
      });
    });

  onboarding
    .command('submit-code')
    .description("submit a Verify TOTP onboarding's first code; exits 1 when the code is wrong")
    .argument('<userId>')
    .argument('<code>', 'the 3-8 digits the authenticator app shows')
    .option('--json', 'print { accepted }')
    .action(async (userId: string, code: string, options: { json?: boolean }) => {
      if (!/^\d{3,8}$/.test(code)) throw new CliError('the code must be 3 to 8 digits', EXIT.usage);
      const { config } = commandContext();
      await withTemporalClient(config, async (client) => {
        const result = await submitTotpCode(client, userId, code).catch(
          refused(userId, 'code not submitted'),
        );
        if (options.json) console.log(JSON.stringify(result));
        else if (result.accepted) console.log('code accepted: the factor is verified');
        if (!result.accepted) {
          throw new CliError('wrong code: the onboarding keeps waiting; try the code shown next');
        }
      });
    });
}
