import { timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { authyErrors } from './errors';
import { requestParams } from './params';

/** Constant-time string equality (length is not secret here: keys have fixed dev lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Authy API auth (docs/authy-api.md#11-requests-and-authentication): `X-Authy-API-Key` header, or the `api_key` parameter the legacy
 * npm `authy` client sends. A missing or wrong key answers 401 / 60001.
 */
export function requireApiKey(getApiKey: () => string) {
  return async function apiKeyAuth(ctx: Context, next: Next): Promise<void> {
    const header = ctx.get('x-authy-api-key');
    const param = requestParams(ctx).api_key;
    const given = header !== '' ? header : typeof param === 'string' ? param : '';
    if (given === '' || !sameSecret(given, getApiKey())) throw authyErrors.invalidApiKey();
    await next();
  };
}
