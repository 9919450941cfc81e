import type { Config } from '../config';
import { createVerifyClient } from './client';
import type { VerifyClient } from './client';
import { createVerifyHttp } from './http';
import type { VerifyCredentials } from './http';

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
