import type { Context, Middleware } from 'koa';
import { HttpError } from './http-error';

/** What an error is answered with: its status and the body's code and message. */
export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
}

/** How one app answers and reports the errors that reach {@link errorMiddleware}. */
export interface ErrorMiddlewareOptions {
  /**
   * The answer for a thrown value that is not an {@link HttpError} (default
   * {@link answerForeignError}).
   */
  answer?: (error: unknown) => ErrorAnswer;
  /** Told of every error answered, with its answer (to log server errors; request data stays out). */
  report?: (error: unknown, answer: ErrorAnswer, ctx: Context) => void;
  /**
   * Also answer the router's body-less 404, 405 and 501 with an error body (`not_found`,
   * `method_not_allowed`); for the middleware at the head of an app, not one inside a router.
   */
  answerBodyless?: boolean;
  /** Headers set on every error answer (e.g. `cache-control: no-store`). */
  headers?: Readonly<Record<string, string>>;
}

/** Codes of the exposed 4xx errors Koa and the router throw (http-errors), by status. */
const codeByStatus: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

interface HttpLikeError {
  status?: unknown;
  expose?: unknown;
  message?: unknown;
  headers?: unknown;
}

function fields(error: unknown): HttpLikeError {
  return typeof error === 'object' && error !== null ? error : {};
}

/**
 * The default answer for errors that are not {@link HttpError}s: exposed 4xx errors of Koa and the
 * router (http-errors) keep their status and message; a 501 is `method_not_allowed`; anything else
 * is a bug and answers 500 `internal` without detail.
 */
export function answerForeignError(error: unknown): ErrorAnswer {
  const e = fields(error);
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    const message = typeof e.message === 'string' ? e.message : 'bad request';
    return { status: e.status, code: codeByStatus[e.status] ?? 'bad_request', message };
  }
  if (e.status === 501) return { status: 501, code: 'method_not_allowed', message: 'method not implemented' };
  return { status: 500, code: 'internal', message: 'internal error' };
}

function ownAnswer(error: HttpError): ErrorAnswer {
  return { status: error.status, code: error.code, message: error.message };
}

/** The router left 404/405/501 without a body: the error it stands for, or none. */
function bodylessError(ctx: Context): HttpError | undefined {
  if (ctx.body !== undefined && ctx.body !== null) return undefined;
  if (ctx.status === 404) return new HttpError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
  if (ctx.status === 405 || ctx.status === 501) {
    return new HttpError(ctx.status, 'method_not_allowed', `${ctx.method} is not allowed here`);
  }
  return undefined;
}

/**
 * The one error middleware of twofold's Koa apps (koa docs/error-handling.md: one try/catch at the
 * head of the chain): turns every thrown error into `{ error: { code, message } }`. An
 * {@link HttpError} keeps its status, code, message and headers; anything else is answered by
 * `options.answer`. Headers an error carries (`error.headers`, as http-errors sets them) are sent.
 */
export function errorMiddleware(options: ErrorMiddlewareOptions = {}): Middleware {
  const answer = options.answer ?? answerForeignError;
  return async (ctx, next) => {
    try {
      await next();
      if (options.answerBodyless) {
        const error = bodylessError(ctx);
        if (error) throw error;
      }
    } catch (error) {
      const answered = error instanceof HttpError ? ownAnswer(error as HttpError) : answer(error);
      options.report?.(error, answered, ctx);
      const headers = fields(error).headers;
      if (typeof headers === 'object' && headers !== null) {
        for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
          if (typeof value === 'string') ctx.set(name, value);
        }
      }
      for (const [name, value] of Object.entries(options.headers ?? {})) ctx.set(name, value);
      ctx.status = answered.status;
      ctx.body = { error: { code: answered.code, message: answered.message } };
    }
  };
}
