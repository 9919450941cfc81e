import { timingSafeEqual, createHash } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Koa from 'koa';
import { errorMiddleware } from '../http/error-middleware';
import type { ErrorAnswer } from '../http/error-middleware';
import { HttpError } from '../http/http-error';
import type { Logger } from '../logger';
import { CodecRequestSchema, payloadFromJson, payloadToJson } from './codec-json';
import { PayloadDecryptionError } from './payload-codec';

/** What the codec server app needs; it never listens (see `runCodecServer`). */
export interface CodecServerAppOptions {
  codec: PayloadCodec;
  /** Bearer token every /encode and /decode must carry; none when unset (loopback only). */
  token?: string;
  /** Origins (scheme://host:port) whose pages may call the server: the Temporal Web UI's. */
  corsOrigins: readonly string[];
  log: Logger;
  /** Largest JSON body accepted (default 8 MiB). */
  bodyLimit?: string;
}

/** Machine-readable codes of the codec server's JSON error bodies. */
type CodecErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'origin_not_allowed'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'undecryptable'
  | 'internal';

/** The codec server's {@link HttpError}, answered as `{ error: { code, message } }` with its status. */
const CodecHttpError = HttpError<CodecErrorCode>;

const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Temporal's codec server protocol over twofold's payload codec: `POST /encode` and `POST /decode`
 * (also under a namespace prefix, `/{namespace}/decode`, as `temporal --codec-endpoint` templates
 * it), JSON `{ payloads }` in and out, CORS for the Web UI's origins, and a bearer token when set.
 * Payloads are never logged. See docs/security.md, "Payload encryption".
 */
export function createCodecServerApp(options: CodecServerAppOptions): Koa {
  const app = new Koa();
  app.silent = true;
  const allowedOrigins = new Set(options.corsOrigins);
  const expectedToken = options.token === undefined ? undefined : digest(`Bearer ${options.token}`);

  app.use(async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Cache-Control', 'no-store');
      options.log.debug(
        {
          method: ctx.method,
          route: ctx.state.route as string | undefined,
          status: ctx.status,
          namespace: ctx.get('X-Namespace') || undefined,
          ms: Math.round(performance.now() - started),
        },
        'codec request',
      );
    }
  });
  app.use(
    errorMiddleware({
      answer: codecAnswer,
      report: (error, answer) => {
        if (answer.status >= 500) options.log.error({ err: error }, 'codec server request failed');
      },
    }),
  );

  // CORS: the Web UI calls the codec server from the browser. Pages of any other origin are refused
  // outright, so a site the operator happens to visit cannot use the server as a decryption oracle.
  app.use(async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (origin) {
      if (!allowedOrigins.has(origin)) {
        throw new CodecHttpError(
          403,
          'origin_not_allowed',
          `origin ${origin} may not call this codec server`,
        );
      }
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Credentials', 'true');
      ctx.vary('Origin');
    }
    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
      ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  });

  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  const requireToken: Koa.Middleware = async (ctx, next) => {
    if (expectedToken && !timingSafeEqual(digest(ctx.get('Authorization')), expectedToken)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new CodecHttpError(401, 'unauthorized', 'a valid Authorization: Bearer token is required');
    }
    await next();
  };
  const requireJson: Koa.Middleware = async (ctx, next) => {
    if (!ctx.is('application/json')) {
      throw new CodecHttpError(415, 'unsupported_media_type', 'send Content-Type: application/json');
    }
    await next();
  };
  const parseBody = bodyParser({
    enableTypes: ['json'],
    jsonLimit: options.bodyLimit ?? '8mb',
    encoding: 'utf-8',
  });

  for (const direction of ['encode', 'decode'] as const) {
    const transform = (payloads: Payload[]) =>
      direction === 'encode' ? options.codec.encode(payloads) : options.codec.decode(payloads);
    const handler: Koa.Middleware = async (ctx) => {
      ctx.state.route = `/${direction}`;
      const parsed = CodecRequestSchema.safeParse(ctx.request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new CodecHttpError(
          400,
          'bad_request',
          `expected { payloads: [{ metadata, data }] } with base64 values: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
        );
      }
      const payloads = await transform(parsed.data.payloads.map(payloadFromJson));
      ctx.body = { payloads: payloads.map(payloadToJson) };
    };
    router.post(`/${direction}`, requireToken, requireJson, parseBody, handler);
    router.post(`/:namespace/${direction}`, requireToken, requireJson, parseBody, handler);
  }

  app.use(router.routes());
  app.use((ctx) => {
    if (ctx.body !== undefined) return;
    if (/^\/([^/]+\/)?(encode|decode)$/.test(ctx.path)) {
      ctx.set('Allow', 'POST, OPTIONS');
      throw new CodecHttpError(405, 'method_not_allowed', `${ctx.method} is not allowed here: use POST`);
    }
    throw new CodecHttpError(404, 'not_found', 'the codec server answers POST /encode and POST /decode');
  });
  return app;
}

/**
 * The answer for errors that are not {@link HttpError}s: a payload that cannot be decrypted is 422;
 * body-parser and other HTTP errors (a 4xx status) keep their status; anything else is a 500.
 */
function codecAnswer(error: unknown): ErrorAnswer {
  if (error instanceof PayloadDecryptionError) {
    return { status: 422, code: 'undecryptable', message: error.message };
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message =
      status === 413
        ? 'request body too large'
        : status === 400
          ? 'request body is not valid JSON'
          : (error as Error).message;
    return { status, code: status === 413 ? 'payload_too_large' : 'bad_request', message };
  }
  return { status: 500, code: 'internal', message: 'the codec server failed to handle the request' };
}
