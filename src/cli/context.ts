import { ConfigError, loadConfig } from '../config';
import { SchemaBehindError } from '../db/migrate';
import type { Config, NeededSecret } from '../config';
import { createLogger } from '../logger';
import type { Logger } from '../logger';

/** Exit codes of the `twofold` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 78 } as const;

/** A CLI failure with a message meant for the person at the terminal, and an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** Loads config and a logger for a command, turning a bad environment into a readable CLI error. */
export function commandContext(
  needs: NeededSecret[] = [],
  env: NodeJS.ProcessEnv = process.env,
): { config: Config; log: Logger } {
  try {
    const config = loadConfig(env, { needs });
    return { config, log: createLogger(config.logLevel) };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.config);
    throw error;
  }
}

/**
 * Runs a command's long-lived service (worker, gateway) until it returns. A database behind this
 * code's migrations is a configuration error (exit 78) whose message says to run `twofold db migrate`.
 */
export async function runService(service: () => Promise<void>): Promise<void> {
  try {
    await service();
  } catch (error) {
    if (error instanceof SchemaBehindError) throw new CliError(error.message, EXIT.config);
    throw error;
  }
}
