import type { Context, Next } from 'koa';
import { sameSecret } from '../auth';
import { routeParam } from '../params';
import { TwilioError, verifyErrors } from './errors';
import { decodeJwt, parsePushPublicKey, verifiesEs256 } from './push-crypto';
import type { AccessToken, Factor } from './resources';
import type { VerifyState } from './verify-state';

/** Who made a Verify v2 call (`ctx.state.verifyCaller`). */
export type VerifyCaller =
  | { kind: 'account' }
  | { kind: 'access-token'; accessToken: AccessToken }
  | { kind: 'device'; factor: Factor };

/**
 * Which callers a route admits besides the account: the Verify Push SDK authenticates with HTTP
 * Basic user `token` and, as password, the enrollment access token (factor create) or an ES256 JWT
 * signed with the factor's key (its other calls).
 */
export type SdkAccess = 'none' | 'access-token' | 'device';

/** Leeway for the device clock when checking `nbf` and `exp` of its JWT. */
const CLOCK_LEEWAY_SECONDS = 60;

/**
 * HTTP Basic authentication of Verify v2 calls: account SID + auth token, API key + secret, or the
 * SDK's `token` forms the route admits. Failures answer 401 / 20003; a device JWT outside its time
 * window also gets a `Date` header, which the SDKs use to correct their clock and retry.
 */
export function verifyAuth(getVerify: () => VerifyState, sdk: SdkAccess) {
  return async function verifyAuthentication(ctx: Context, next: Next): Promise<void> {
    const verify = getVerify();
    const credentials = basicCredentials(ctx.get('authorization'));
    if (credentials === undefined) throw verifyErrors.authenticate();
    const { user, password } = credentials;
    const { accountSid, authToken, apiKey, apiSecret } = verify.credentials;
    let caller: VerifyCaller;
    if (user === accountSid && sameSecret(password, authToken)) caller = { kind: 'account' };
    else if (apiKey !== null && apiSecret !== null && user === apiKey && sameSecret(password, apiSecret))
      caller = { kind: 'account' };
    else if (user === 'token' && sdk === 'access-token') caller = accessTokenCaller(verify, password);
    else if (user === 'token' && sdk === 'device') caller = deviceCaller(ctx, verify, password);
    else throw verifyErrors.authenticate();
    (ctx.state as { verifyCaller?: VerifyCaller }).verifyCaller = caller;
    await next();
  };
}

/** The caller the auth middleware admitted. */
export function callerOf(ctx: Context): VerifyCaller {
  return (ctx.state as { verifyCaller: VerifyCaller }).verifyCaller;
}

function basicCredentials(header: string): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function accessTokenCaller(verify: VerifyState, value: string): VerifyCaller {
  const accessToken = verify.store.accessTokenByValue(value);
  if (accessToken === undefined) throw verifyErrors.authenticate('Authenticate: unknown access token');
  if (verify.now() > accessToken.createdAt + accessToken.ttl * 1000)
    throw verifyErrors.authenticate('Authenticate: the access token has expired');
  return { kind: 'access-token', accessToken };
}

function deviceCaller(ctx: Context, verify: VerifyState, token: string): VerifyCaller {
  const jwt = decodeJwt(token);
  const kid = jwt?.header.kid;
  const factor = typeof kid === 'string' ? verify.store.factorByCredential(kid) : undefined;
  const key = factor?.push === undefined ? undefined : parsePushPublicKey(factor.push.publicKey);
  if (jwt === undefined || factor === undefined || key === undefined || !verifiesEs256(jwt, key))
    throw verifyErrors.authenticate('Authenticate: invalid device token');
  if (jwt.payload.sub !== verify.credentials.accountSid)
    throw verifyErrors.authenticate('Authenticate: the device token names another account');
  const now = verify.now() / 1000;
  const { nbf, exp } = jwt.payload;
  if (
    typeof nbf !== 'number' ||
    typeof exp !== 'number' ||
    nbf > now + CLOCK_LEEWAY_SECONDS ||
    exp < now - CLOCK_LEEWAY_SECONDS
  ) {
    const error = verifyErrors.authenticate('Authenticate: the device token is outside its validity window');
    throw new TwilioError(error.status, error.code, error.message, {
      ...error.headers,
      Date: new Date(verify.now()).toUTCString(),
    });
  }
  const serviceSid = routeParam(ctx, 'serviceSid');
  const identity = routeParam(ctx, 'identity');
  const factorSid = routeParam(ctx, 'factorSid');
  if (
    factor.serviceSid !== serviceSid ||
    (identity !== '' && factor.identity !== identity) ||
    (factorSid !== '' && factor.sid !== factorSid)
  )
    throw verifyErrors.authenticate('Authenticate: the device token does not cover this resource');
  return { kind: 'device', factor };
}
