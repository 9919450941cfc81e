import type { Middleware } from 'koa';
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

/** An error meant for the HTTP client: a status, a stable code and a message safe to show. */
export class GatewayHttpError extends Error {
  override name = 'GatewayHttpError';
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly code: GatewayErrorCode,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers ?? {};
  }
  readonly headers: Record<string, string>;
}

/** The body of every non-2xx answer. */
export interface ErrorBody {
  error: { code: GatewayErrorCode; message: string };
}

const codeByStatus: Record<number, GatewayErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  501: 'method_not_allowed',
  503: 'unavailable',
};

interface HttpLikeError {
  status?: unknown;
  expose?: unknown;
  message?: unknown;
  headers?: unknown;
}

/** Status, code and client-safe message for any thrown value. */
function describe(error: unknown): { status: number; code: GatewayErrorCode; message: string } {
  if (error instanceof GatewayHttpError) {
    return { status: error.status, code: error.code, message: error.message };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  // Errors from Koa and the router (http-errors) expose 4xx statuses with a safe message.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    const message = typeof e.message === 'string' ? e.message : 'bad request';
    return { status: e.status, code: codeByStatus[e.status] ?? 'bad_request', message };
  }
  if (e.status === 501) return { status: 501, code: 'method_not_allowed', message: 'method not implemented' };
  return { status: 500, code: 'internal', message: 'internal error' };
}

/**
 * First middleware in the chain: turns every thrown error into `{ error: { code, message } }`.
 * Our own errors and exposed 4xx errors (the router's 405, Koa's) keep their status and message;
 * anything else is a bug and answers 500 without detail, logged with its stack (never request data).
 */
export function errorMiddleware(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // The router answers 404/405/501 without a body (405 with an Allow header): give them ours.
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) {
          throw new GatewayHttpError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
        }
        if (ctx.status === 405 || ctx.status === 501) {
          throw new GatewayHttpError(ctx.status, 'method_not_allowed', `${ctx.method} is not allowed here`);
        }
      }
    } catch (error) {
      const { status, code, message } = describe(error);
      if (status === 500) log.error({ err: error, method: ctx.method }, 'unhandled gateway error');
      const headers = (error as HttpLikeError | null)?.headers;
      if (typeof headers === 'object' && headers !== null) {
        for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
          if (typeof value === 'string') ctx.set(name, value);
        }
      }
      ctx.status = status;
      ctx.body = { error: { code, message } } satisfies ErrorBody;
    }
  };
}
