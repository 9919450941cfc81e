import type { Context, Next } from 'koa';

/**
 * An Authy API error answer (docs/authy-api.md#12-error-answers): HTTP status, `error_code` as a string, `errors.message`,
 * field errors echoed at top level, and any extra top-level keys (e.g. `token: "is invalid"`).
 */
export class AuthyError extends Error {
  override name = 'AuthyError';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly details: {
      fieldErrors?: Record<string, string>;
      extra?: Record<string, unknown>;
      /** Twilio's 60049 answer carries `errors: {}`. */
      emptyErrors?: boolean;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    const fieldErrors = this.details.fieldErrors ?? {};
    return {
      message: this.message,
      ...fieldErrors,
      ...this.details.extra,
      errors: this.details.emptyErrors ? {} : { message: this.message, ...fieldErrors },
      success: false,
      error_code: this.errorCode,
    };
  }
}

/** The errors the emulator answers with; statuses follow docs/authy-api.md#12-error-answers, #13-error-codes or are chosen (docs/emulator.md). */
export const authyErrors = {
  invalidApiKey: () => new AuthyError(401, '60001', 'Invalid API key'),
  invalidRequest: (message: string, status = 400) => new AuthyError(status, '60002', message),
  rateLimited: (retryAfterSeconds?: number) =>
    new AuthyError(429, '60003', 'DoS protection: too many requests, wait and attempt the call again.', {
      ...(retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(retryAfterSeconds) } }),
    }),
  invalidParameter: (message: string) => new AuthyError(400, '60004', message),
  serverError: (status: number) => new AuthyError(status, '60000', 'An error occurred'),
  tokenReused: () =>
    new AuthyError(401, '60019', 'Token is invalid. Token was used recently.', {
      extra: { token: 'is invalid' },
    }),
  tokenInvalid: () => new AuthyError(401, '60020', 'Token is invalid', { extra: { token: 'is invalid' } }),
  userNotFound: () => new AuthyError(404, '60026', 'User not found.'),
  userNotValid: (field: string) =>
    new AuthyError(400, '60027', 'User was not valid', { fieldErrors: { [field]: 'is invalid' } }),
  approvalRequestNotFound: (uuid: string) =>
    new AuthyError(404, '60049', `Approval request not found: ${uuid}`, { emptyErrors: true }),
  oneTouchUnregisteredUser: () =>
    new AuthyError(400, '60050', 'User has not registered a device with OneTouch: install the app first.'),
  accessKeyInvalid: () => new AuthyError(401, '60072', 'Invalid access key'),
  invalidSignature: () => new AuthyError(401, '60087', 'Invalid signature'),
  invalidReportingQuery: (detail: string) =>
    new AuthyError(400, '60089', `Invalid reporting query: ${detail}`),
  invalidReportingInterval: (detail: string) =>
    new AuthyError(400, '60094', `Invalid reporting interval: ${detail}`),
  invalidReportingReport: (detail: string) =>
    new AuthyError(400, '60095', `Invalid reporting report: ${detail}`),
  webhookCreation: (detail: string) =>
    new AuthyError(400, '60098', `Webhook could not be created: ${detail}`),
  webhookDeletion: (detail: string, status = 404) =>
    new AuthyError(status, '60100', `Webhook could not be deleted: ${detail}`),
  notFound: () => new AuthyError(404, '60000', 'Not found'),
};

/** A control API (`/_emulator/*`) error: JSON `{ error: { code, message } }`. */
export class ControlError extends Error {
  override name = 'ControlError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * First middleware: turns every failure into a JSON answer in the right shape (Authy's for the API,
 * `{ error }` for the control API), so no input makes the emulator answer an HTML 500.
 */
export async function errorHandler(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    const control = ctx.path.startsWith('/_emulator');
    if (error instanceof AuthyError) {
      ctx.status = error.status;
      for (const [name, value] of Object.entries(error.details.headers ?? {})) ctx.set(name, value);
      ctx.body = error.body();
      return;
    }
    if (error instanceof ControlError) {
      ctx.status = error.status;
      ctx.body = { error: { code: error.code, message: error.message } };
      return;
    }
    // Body parser failures carry a 4xx status (malformed JSON 400, too large 413, bad charset 415).
    const status = httpStatusOf(error);
    const message = status < 500 && error instanceof Error ? error.message : 'Internal error';
    ctx.status = status;
    ctx.body = control
      ? { error: { code: status < 500 ? 'bad_request' : 'internal', message } }
      : new AuthyError(
          status,
          status < 500 ? '60002' : '60000',
          status < 500 ? message : 'An error occurred',
        ).body();
  }
}

function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}
