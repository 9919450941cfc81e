/**
 * An error meant for the HTTP client: a status, a stable machine-readable code and a message safe
 * to show. Every Koa app of twofold (the gateway, its admin listener, the dashboard API and the
 * codec server) throws it and answers it through {@link errorMiddleware} as
 * `{ error: { code, message } }`. Each app names its own codes as a string union (`GatewayErrorCode`,
 * `DashboardErrorCode`), so a throw site cannot use a code its documentation does not list.
 *
 * `expose` follows Koa's convention (koa docs/error-handling.md): the message may be shown.
 * `headers` are set on the error answer (e.g. `WWW-Authenticate`, `Retry-After`).
 */
export class HttpError<Code extends string = string> extends Error {
  override name = 'HttpError';
  readonly expose = true;
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    readonly status: number,
    readonly code: Code,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers ?? {};
  }
}

/** The body of every error answer of twofold's own HTTP APIs. */
export interface ErrorBody<Code extends string = string> {
  error: { code: Code; message: string };
}
