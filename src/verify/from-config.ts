import { verifyCredentialsProblem } from '../config';
import type { Config } from '../config';
import type { FactorProvider, VerifyFactorType } from '../second-factor/provider';
import { createVerifyClient } from './client';
import type { VerifyClient } from './client';
import { createVerifyHttp } from './http';
import type { VerifyCredentials } from './http';
import { createVerifyProvider } from './provider';

/** The Basic-auth credentials of the REST calls: the API key and secret when set, else the account and token. */
export function verifyCredentials(verify: Config['verify']): VerifyCredentials {
  return verify.apiKey && verify.apiSecret
    ? { username: verify.apiKey, password: verify.apiSecret }
    : { username: verify.accountSid, password: verify.authToken };
}

/** A Verify client for the configured API URL and credentials. */
export function verifyClientFromConfig(
  verify: Config['verify'],
  options: { fetch?: typeof fetch } = {},
): VerifyClient {
  return createVerifyClient(
    createVerifyHttp({
      baseUrl: verify.apiUrl,
      credentials: verifyCredentials(verify),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
}

/**
 * The worker's Verify dependencies: the provider when the configuration is complete (credentials and
 * `VERIFY_SERVICE_SID`), else none, with the reason (Verify onboardings then wait, retrying as
 * misconfigured, until a worker has it).
 */
export function verifyWorkerDeps(config: Pick<Config, 'verify'>): {
  deps: { verify?: FactorProvider; verifyFactorType: VerifyFactorType };
  problem?: string;
} {
  const problem = verifyCredentialsProblem(config.verify, { needsService: true });
  if (problem !== undefined) return { deps: { verifyFactorType: config.verify.factorType }, problem };
  return {
    deps: {
      verify: createVerifyProvider(verifyClientFromConfig(config.verify), {
        serviceSid: config.verify.serviceSid!,
      }),
      verifyFactorType: config.verify.factorType,
    },
  };
}
