import { ConfigError, loadConfig } from '../config';
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
