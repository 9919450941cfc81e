import type { Command } from 'commander';
import { createAuthyEmulator } from '../../authy-emulator';
import { emulatorStartRefusal } from '../../authy-emulator/startup-guard';
import { EnvSchema } from '../../config';
import { DEV_AUTHY_KEYS, DEV_TWILIO_CREDENTIALS } from '../../shared/dev-keys';
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
      const keys = credentialsFromEnv(AUTHY_VARIABLES, DEV_AUTHY_KEYS, env);
      const twilio = credentialsFromEnv(TWILIO_VARIABLES, DEV_TWILIO_CREDENTIALS, env);
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
      console.log(`Authy emulator listening on ${url}`);
      console.log(`  AUTHY_API_URL=${url}`);
      for (const line of credentialLines(AUTHY_VARIABLES, keys, DEV_AUTHY_KEYS)) console.log(line);
      console.log(`  Twilio Verify v2 at ${url}/v2 (VERIFY_API_URL=${url})`);
      for (const line of credentialLines(TWILIO_VARIABLES, twilio, DEV_TWILIO_CREDENTIALS)) console.log(line);
      console.log(
        `  seed ${config.emulator.seed}; OneTouch callbacks → ${config.emulator.oneTouchCallbackUrl}`,
      );
      console.log(`  control API: ${url}/_emulator (docs/emulator.md)`);
      const signal = await nextShutdownSignal();
      await emulator.close();
      console.log(`Authy emulator stopped (${signal})`);
    });
}

/** The environment variable of each credential the emulator accepts; `secret`: printed only as the dev default. */
type CredentialVariables<K extends string> = Record<K, { variable: string; secret: boolean }>;

const AUTHY_VARIABLES: CredentialVariables<keyof typeof DEV_AUTHY_KEYS> = {
  apiKey: { variable: 'AUTHY_API_KEY', secret: true },
  accessKey: { variable: 'AUTHY_ACCESS_KEY', secret: true },
  apiSigningKey: { variable: 'AUTHY_API_SIGNING_KEY', secret: true },
};

const TWILIO_VARIABLES: CredentialVariables<keyof typeof DEV_TWILIO_CREDENTIALS> = {
  accountSid: { variable: 'TWILIO_ACCOUNT_SID', secret: false },
  authToken: { variable: 'TWILIO_AUTH_TOKEN', secret: true },
  apiKey: { variable: 'TWILIO_API_KEY', secret: false },
  apiSecret: { variable: 'TWILIO_API_SECRET', secret: true },
};

/** Each credential from its environment variable, or its dev default when the variable is unset. */
function credentialsFromEnv<K extends string>(
  variables: CredentialVariables<K>,
  defaults: Readonly<Record<K, string>>,
  env: NodeJS.ProcessEnv,
): Record<K, string> {
  const keys = Object.keys(variables) as K[];
  return Object.fromEntries(
    keys.map((key) => [key, present(env[variables[key].variable]) ?? defaults[key]]),
  ) as Record<K, string>;
}

/** A line per credential: its value, except a secret set through the environment, which is only named. */
function credentialLines<K extends string>(
  variables: CredentialVariables<K>,
  values: Record<K, string>,
  defaults: Readonly<Record<K, string>>,
): string[] {
  return (Object.keys(variables) as K[]).map((key) => {
    const { variable, secret } = variables[key];
    const value = values[key];
    const shown = !secret
      ? value
      : value === defaults[key]
        ? `${value}  (dev default)`
        : `(from ${variable})`;
    return `  ${variable.padEnd(24)}${shown}`;
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
