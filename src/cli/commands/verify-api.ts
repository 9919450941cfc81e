import type { Config } from '../../config';
import { verifyCredentialsProblem } from '../../config';
import { VerifyApiError, VerifyResponseError, VerifyTransportError } from '../../verify/errors';
import { verifyClientFromConfig } from '../../verify/from-config';
import type { VerifyClient } from '../../verify/client';
import { CliError, EXIT, commandContext } from '../context';

/** The Verify client of a command, or a CLI error naming the missing variables. */
export function verifyApi(options: { needsService?: boolean } = {}): {
  client: VerifyClient;
  config: Config;
  serviceSid: string;
} {
  const { config } = commandContext();
  const problem = verifyCredentialsProblem(config.verify, options);
  if (problem !== undefined) throw new CliError(problem, EXIT.config);
  return {
    client: verifyClientFromConfig(config.verify),
    config,
    serviceSid: config.verify.serviceSid ?? '',
  };
}

/** Turns Verify failures into messages that say what to do. */
export function explainVerify(config: Config, action: string) {
  return (error: unknown): never => {
    if (error instanceof VerifyTransportError) {
      throw new CliError(
        `${action}: cannot reach Verify at ${config.verify.apiUrl}\n` +
          '  Fix: start the local stack (`make up`) or the emulator (`twofold emulator`), or set VERIFY_API_URL.',
      );
    }
    if (error instanceof VerifyApiError && error.status === 401) {
      throw new CliError(
        `${action}: Verify refused the credentials (${error.message})\n` +
          '  Fix: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET).',
      );
    }
    if (error instanceof VerifyApiError && error.status === 404) {
      throw new CliError(
        `${action}: ${error.message}\n` +
          '  Fix: check VERIFY_SERVICE_SID (`twofold verify service ensure` prints the right one).',
      );
    }
    if (error instanceof VerifyApiError || error instanceof VerifyResponseError) {
      throw new CliError(`${action}: ${error.message}`);
    }
    throw error;
  };
}
