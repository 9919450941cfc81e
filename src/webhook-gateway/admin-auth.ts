import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger';
import { isLoopbackHost } from '../shared/loopback';
import { GatewayHttpError } from './errors';

/** Shortest TWOFOLD_ADMIN_TOKEN accepted: 32 characters, e.g. `openssl rand -hex 32` gives 64. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Who may use the admin listener (docs/security.md, "Listeners"). */
export interface AdminAccess {
  /** TWOFOLD_ADMIN_TOKEN; when set, every request must carry it, from any address. */
  token: string | undefined;
}

/**
 * Why the admin listener must not start with `host` and `token`, or undefined when it may: beyond
 * loopback it is reachable by others, so it needs a token, and a short one is guessable.
 */
export function adminListenerRefusal(host: string, token: string | undefined): string | undefined {
  if (token !== undefined && token.length < MIN_ADMIN_TOKEN_LENGTH) {
    return `TWOFOLD_ADMIN_TOKEN is too short: use at least ${MIN_ADMIN_TOKEN_LENGTH} random characters`;
  }
  if (token === undefined && !isLoopbackHost(host)) {
    return `the admin listener would listen on ${host}, beyond loopback: set TWOFOLD_ADMIN_TOKEN (or ADMIN_HOST=127.0.0.1)`;
  }
  return undefined;
}

/** The peer's address as the socket saw it; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) unwrapped. */
function peerAddress(remoteAddress: string | undefined): string {
  const address = remoteAddress ?? '';
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function bearerToken(header: string): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/**
 * Guards every route of the admin listener. With a token configured, a request must carry
 * `Authorization: Bearer <token>` (compared in constant time over SHA-256 digests, so neither the
 * content nor the length leaks). Without one, only loopback peers are served. Anything else is 401
 * with a generic body and `WWW-Authenticate: Bearer`; the log line says why. The socket address is
 * used, never `X-Forwarded-For` (a proxy in front must send the token).
 */
export function adminAuth(access: AdminAccess, log: Logger): Middleware {
  const expected = access.token === undefined ? undefined : digest(access.token);
  return async (ctx, next) => {
    let refusal: string | undefined;
    if (expected) {
      const given = bearerToken(ctx.get('authorization'));
      if (given === undefined) refusal = 'no bearer token';
      else if (!timingSafeEqual(digest(given), expected)) refusal = 'wrong bearer token';
    } else if (!isLoopbackHost(peerAddress(ctx.req.socket.remoteAddress))) {
      refusal = 'not a loopback peer and no TWOFOLD_ADMIN_TOKEN is configured';
    }
    if (refusal !== undefined) {
      log.info({ method: ctx.method, refusal }, 'admin request refused');
      throw new GatewayHttpError(401, 'unauthorized', 'authentication required', {
        headers: { 'www-authenticate': 'Bearer realm="twofold-admin"' },
      });
    }
    await next();
  };
}
