import type { Middleware } from 'koa';

/**
 * Headers every answer of a listener carries, errors and 404s included: `nosniff` so no browser
 * ever renders a JSON or text answer as something else, and a CSP that allows nothing (JSON needs
 * no resources). The dashboard page replaces the CSP with its own, stricter-than-default one.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/** First middleware of both listeners: sets {@link SECURITY_HEADERS} before anything can answer. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set(SECURITY_HEADERS);
    await next();
  };
}
