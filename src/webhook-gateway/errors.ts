import type { Middleware } from 'koa';
import { errorMiddleware } from '../http/error-middleware';
import { HttpError } from '../http/http-error';
import type { Logger } from '../logger';

/** Machine-readable error codes of the gateway's JSON error bodies (docs/gateway.md). */
export type GatewayErrorCode =
  | 'bad_request'
  | 'invalid_claims'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'not_configured'
  | 'internal';

/** The 503 body when a secret the route needs is unset (the log names which one). */
export const NOT_CONFIGURED_MESSAGE = 'the gateway cannot accept this delivery yet; try again later';

/**
 * The gateway's {@link HttpError}: the one HTTP error class, limited to the gateway's codes. It is
 * answered by {@link gatewayErrorMiddleware}.
 */
export const GatewayHttpError = HttpError<GatewayErrorCode>;
/** An {@link HttpError} carrying one of the gateway's codes. */
export type GatewayHttpError = HttpError<GatewayErrorCode>;

/**
 * First middleware in the chain of the public and the admin app: the shared
 * {@link errorMiddleware}, which shapes every error as `{ error: { code, message } }`. Our own
 * errors and exposed 4xx errors (the router's 405, Koa's) keep their status and message; the
 * router's body-less 404/405/501 get a body; anything else is a bug and answers 500 without detail,
 * logged with its stack (never request data).
 */
export function gatewayErrorMiddleware(log: Logger): Middleware {
  return errorMiddleware({
    answerBodyless: true,
    report: (error, answer, ctx) => {
      if (answer.status === 500) log.error({ err: error, method: ctx.method }, 'unhandled gateway error');
    },
  });
}
