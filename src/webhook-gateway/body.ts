import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import qs from 'qs';
import { isRecord } from '../shared/is-record';
import { GatewayHttpError } from './errors';
import { DEFAULT_INPUT_LIMITS, assertFormWithinLimits, assertJsonWithinLimits } from './input-limits';

/** Largest request body the gateway reads; Authy deliveries are a few KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** Body formats the webhook routes accept. */
export type BodyFormat = 'json' | 'form';

const mediaTypes: Record<string, BodyFormat> = {
  'application/json': 'json',
  'application/x-www-form-urlencoded': 'form',
};

/** Limits for bracket-notation parsing (qs), so a crafted form cannot build huge or deep objects. */
export const QS_PARSE_OPTIONS = {
  depth: 5,
  parameterLimit: DEFAULT_INPUT_LIMITS.maxFormParameters,
  arrayLimit: 50,
  allowPrototypes: false,
} as const;

/**
 * Reads and parses a JSON or form body into a plain object. 415 for any other content type, a
 * charset other than UTF-8 or a content encoding; 413 past `limitBytes` (from Content-Length at once,
 * else while streaming); 400 for bytes that do not parse to an object, and for JSON nested too deep
 * or holding too many values, or a form with too many parameters (checked before parsing, see
 * {@link DEFAULT_INPUT_LIMITS}), so hostile shapes never reach the signature code.
 */
export async function readObjectBody(ctx: Context, limitBytes: number): Promise<Record<string, unknown>> {
  const format = bodyFormatOf(ctx);
  const raw = await readRawBody(ctx.req, limitBytes);
  const text = decodeUtf8(raw);
  return format === 'json' ? parseJsonObject(text) : parseForm(text);
}

/**
 * Reads a form body as text, for a route whose signature covers the form as sent (Twilio's
 * `X-Twilio-Signature`): the same content-type, size, UTF-8 and parameter-count checks as
 * {@link readObjectBody}, and 415 for JSON.
 */
export async function readFormText(ctx: Context, limitBytes: number): Promise<string> {
  if (bodyFormatOf(ctx) !== 'form') {
    throw new GatewayHttpError(
      415,
      'unsupported_media_type',
      'expected Content-Type application/x-www-form-urlencoded',
    );
  }
  const text = decodeUtf8(await readRawBody(ctx.req, limitBytes));
  assertFormWithinLimits(text);
  return text;
}

function bodyFormatOf(ctx: Context): BodyFormat {
  const header = ctx.get('content-type');
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  const format = mediaTypes[type];
  if (format === undefined) {
    throw new GatewayHttpError(
      415,
      'unsupported_media_type',
      'expected Content-Type application/json or application/x-www-form-urlencoded',
    );
  }
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new GatewayHttpError(415, 'unsupported_media_type', 'only the UTF-8 charset is accepted');
  }
  const encoding = ctx.get('content-encoding').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    throw new GatewayHttpError(415, 'unsupported_media_type', 'compressed bodies are not accepted');
  }
  return format;
}

function tooLarge(limitBytes: number): GatewayHttpError {
  // The connection closes after the answer, so the rest of the body cannot hold it open for reuse.
  return new GatewayHttpError(413, 'payload_too_large', `request body exceeds ${limitBytes} bytes`, {
    headers: { connection: 'close' },
  });
}

/**
 * Collects the request body up to `limitBytes`; past it, the rest is discarded as it arrives (until
 * the connection closes after the 413, or the server's request timeout cuts it).
 */
function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return Promise.reject(tooLarge(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.resume();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(
        new GatewayHttpError(400, 'bad_request', 'the request body could not be read', { cause: error }),
      );
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** Stateless when decoding whole buffers, so one instance serves every request. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch (error) {
    throw new GatewayHttpError(400, 'bad_request', 'the body is not valid UTF-8', { cause: error });
  }
}

function parseJsonObject(text: string): Record<string, unknown> {
  assertJsonWithinLimits(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GatewayHttpError(400, 'bad_request', 'the body is not valid JSON', { cause: error });
  }
  if (!isRecord(value)) throw new GatewayHttpError(400, 'bad_request', 'the JSON body must be an object');
  return value;
}

/** Parses bracket-notation form or query text (`a[b]=c`) into a plain object; 400 past the parameter limit. */
export function parseForm(text: string): Record<string, unknown> {
  assertFormWithinLimits(text);
  return qs.parse(text, QS_PARSE_OPTIONS);
}
