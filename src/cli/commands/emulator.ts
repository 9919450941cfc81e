import type { Command } from 'commander';
import { createAuthyEmulator } from '../../authy-emulator';
import { emulatorStartRefusal } from '../../authy-emulator/startup-guard';
import { EnvSchema } from '../../config';
import {
  DEV_AUTHY_ACCESS_KEY,
  DEV_AUTHY_API_KEY,
  DEV_AUTHY_API_SIGNING_KEY,
  DEV_TWILIO_ACCOUNT_SID,
  DEV_TWILIO_API_KEY,
  DEV_TWILIO_API_SECRET,
  DEV_TWILIO_AUTH_TOKEN,
} from '../../shared/dev-keys';
import { CliError, EXIT, commandContext } from '../context';

/**
 * `twofold emulator`: runs the local Authy emulator (with Twilio Verify v2 under `/v2`) on
 * AUTHY_EMULATOR_PORT until SIGINT/SIGTERM. Prints its URL and the dev keys (public by design); a key
 * set through the environment is never printed, only named.
 */
export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('run the Authy emulator (a local api.authy.com) until SIGINT/SIGTERM')
    .option('--host <host>', 'interface to listen on (beyond loopback only with --force)', '127.0.0.1')
    .option('--force', 'start even with NODE_ENV=production or a non-loopback --host (a lab only)')
    .action(async (options: { host: string; force?: boolean }) => {
      const env = process.env;
      // Before the rest of the configuration, so production learns first that this is no place
      // for a test double (a bad AUTHY_EMULATOR_FORCE counts as unset and is reported below).
      const forcedByEnv = EnvSchema.shape.AUTHY_EMULATOR_FORCE.safeParse(present(env.AUTHY_EMULATOR_FORCE));
      const refusal = emulatorStartRefusal({
        host: options.host,
        nodeEnv: env.NODE_ENV,
        force: options.force === true || (forcedByEnv.success && forcedByEnv.data),
      });
      if (refusal !== undefined) throw new CliError(refusal, EXIT.config);
      const { config } = commandContext();
      const keys = {
        apiKey: present(env.AUTHY_API_KEY) ?? DEV_AUTHY_API_KEY,
        accessKey: present(env.AUTHY_ACCESS_KEY) ?? DEV_AUTHY_ACCESS_KEY,
        apiSigningKey: present(env.AUTHY_API_SIGNING_KEY) ?? DEV_AUTHY_API_SIGNING_KEY,
      };
      const twilio = {
        accountSid: present(env.TWILIO_ACCOUNT_SID) ?? DEV_TWILIO_ACCOUNT_SID,
        authToken: present(env.TWILIO_AUTH_TOKEN) ?? DEV_TWILIO_AUTH_TOKEN,
        apiKey: present(env.TWILIO_API_KEY) ?? DEV_TWILIO_API_KEY,
        apiSecret: present(env.TWILIO_API_SECRET) ?? DEV_TWILIO_API_SECRET,
      };
      const emulator = createAuthyEmulator({
        ...keys,
        twilio,
        seed: config.emulator.seed,
        oneTouchCallbackUrl: config.emulator.oneTouchCallbackUrl,
      });
      let url: string;
      try {
        ({ url } = await emulator.listen(config.emulator.port, options.host));
      } catch (error) {
        await emulator.close();
        const reason = error instanceof Error ? error.message : String(error);
        throw new CliError(
          `the emulator could not listen on ${options.host}:${config.emulator.port}: ${reason}`,
        );
      }
      const shown = (value: string, dev: string, variable: string) =>
        value === dev ? `${value}  (dev default)` : `(from ${variable})`;
      console.log(`Authy emulator listening on ${url}`);
      console.log(`  AUTHY_API_URL=${url}`);
      console.log(`  AUTHY_API_KEY           ${shown(keys.apiKey, DEV_AUTHY_API_KEY, 'AUTHY_API_KEY')}`);
      console.log(
        `  AUTHY_ACCESS_KEY        ${shown(keys.accessKey, DEV_AUTHY_ACCESS_KEY, 'AUTHY_ACCESS_KEY')}`,
      );
      console.log(
        `  AUTHY_API_SIGNING_KEY   ${shown(keys.apiSigningKey, DEV_AUTHY_API_SIGNING_KEY, 'AUTHY_API_SIGNING_KEY')}`,
      );
      console.log(`  Twilio Verify v2 at ${url}/v2 (VERIFY_API_URL=${url})`);
      console.log(`  TWILIO_ACCOUNT_SID      ${twilio.accountSid}`);
      console.log(
        `  TWILIO_AUTH_TOKEN       ${shown(twilio.authToken, DEV_TWILIO_AUTH_TOKEN, 'TWILIO_AUTH_TOKEN')}`,
      );
      console.log(`  TWILIO_API_KEY          ${twilio.apiKey}`);
      console.log(
        `  TWILIO_API_SECRET       ${shown(twilio.apiSecret, DEV_TWILIO_API_SECRET, 'TWILIO_API_SECRET')}`,
      );
      console.log(
        `  seed ${config.emulator.seed}; OneTouch callbacks → ${config.emulator.oneTouchCallbackUrl}`,
      );
      console.log(`  control API: ${url}/_emulator (docs/emulator.md)`);
      const signal = await nextShutdownSignal();
      await emulator.close();
      console.log(`Authy emulator stopped (${signal})`);
    });
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function nextShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
