import type { Context, Next } from 'koa';
import { AuthyError } from '../errors';

/**
 * A Twilio REST error answer (Verify v2): `{ code, message, more_info, status }` with `status` the
 * HTTP status. twilio-node turns it into a `RestException` carrying the same fields.
 */
export class TwilioError extends Error {
  override name = 'TwilioError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { code: number; message: string; more_info: string; status: number } {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

/**
 * The errors the Verify v2 emulation answers with. Codes and statuses follow Twilio's error pages;
 * where a page names no HTTP status the choice is listed in docs/emulator.md ("Verify v2: choices").
 */
export const verifyErrors = {
  authenticate: (detail = 'Authenticate') =>
    new TwilioError(401, 20003, detail, { 'WWW-Authenticate': 'Basic realm="Twilio API"' }),
  /** The path's resource does not exist: Twilio's standard 404 text. */
  notFound: (path: string) => new TwilioError(404, 20404, `The requested resource ${path} was not found`),
  tooManyRequests: (retryAfterSeconds?: number) =>
    new TwilioError(
      429,
      20429,
      'Too Many Requests',
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    ),
  serverError: (status: number) => new TwilioError(status, 20500, 'Internal Server Error'),
  invalidParameter: (detail: string, status = 400) =>
    new TwilioError(status, 60300, `Invalid parameter: ${detail}`),
  entityExists: () => new TwilioError(409, 60301, 'Entity already exists'),
  accessTokenInvalid: (detail: string) =>
    new TwilioError(400, 60305, `Access Token parameters invalid: ${detail}`),
  invalidRequest: (detail: string) => new TwilioError(400, 60306, `Invalid Request: ${detail}`),
  platformNone: () =>
    new TwilioError(
      400,
      60307,
      'Cannot send a push notification to a factor with notification platform none',
    ),
  challengeAttempts: () => new TwilioError(429, 60308, 'Challenge verification attempts limit reached'),
  factorAttempts: () => new TwilioError(429, 60310, 'Factor verification attempts reached'),
  factorVerificationFailed: () => new TwilioError(403, 60311, 'Factor verification failed'),
  unauthorizedFactorCreation: (detail: string) =>
    new TwilioError(403, 60313, `Unauthorized factor creation: ${detail}`),
  bindingInvalid: (detail: string) => new TwilioError(400, 60314, `Factor binding format invalid: ${detail}`),
  tooManyFactors: (type: string, max: number) =>
    new TwilioError(400, 60315, `Maximum number of ${type} factors (${max}) reached for this entity`),
  factorExists: () => new TwilioError(409, 60317, 'Factor already exists'),
  factorUnverified: () => new TwilioError(403, 60318, 'Factor is unverified'),
  challengeResponded: () => new TwilioError(403, 60322, 'Challenge already responded'),
  challengeExpired: () => new TwilioError(403, 60323, 'Challenge expired'),
  challengeVerificationFailed: () => new TwilioError(403, 60324, 'Challenge verification failed'),
};

/**
 * Error middleware of everything under `/v2`, inside the emulator's general handler: answers every
 * failure in Twilio's shape, including the shared parts' errors (unknown path, body parser limits,
 * configured 429/5xx faults), so a Twilio client never sees an Authy-shaped body.
 */
export async function verifyErrorHandler(ctx: Context, next: Next): Promise<void> {
  if (!isVerifyPath(ctx.path)) {
    await next();
    return;
  }
  try {
    await next();
  } catch (error) {
    const answer = asTwilioError(error, ctx.path);
    ctx.status = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) ctx.set(name, value);
    ctx.body = answer.body();
  }
}

/** Whether a request path belongs to the Verify v2 emulation. */
export function isVerifyPath(path: string): boolean {
  return path === '/v2' || path.startsWith('/v2/');
}

function asTwilioError(error: unknown, path: string): TwilioError {
  if (error instanceof TwilioError) return error;
  const status = statusOf(error);
  if (error instanceof AuthyError) {
    const retryAfter = error.details.headers?.['Retry-After'];
    if (status === 429)
      return verifyErrors.tooManyRequests(retryAfter === undefined ? undefined : Number(retryAfter));
    if (status === 404) return verifyErrors.notFound(path.slice('/v2'.length));
  }
  if (status >= 500) return verifyErrors.serverError(status);
  const message = error instanceof Error ? error.message : 'bad request';
  return verifyErrors.invalidParameter(message, status);
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
