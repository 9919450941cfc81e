import type { Context } from 'koa';
import qs from 'qs';
import { isRecord } from '../shared/is-record';

const QS_OPTIONS = { depth: 8, arrayLimit: 100, parameterLimit: 2000 };

/**
 * The request's parameters, wherever the client put them (docs/authy-api.md#11-requests-and-authentication): the query string parsed
 * with bracket notation, merged with a form (brackets) or JSON body; body values win.
 */
export function requestParams(ctx: Context): Record<string, unknown> {
  const query = qs.parse(ctx.querystring, QS_OPTIONS);
  // Forms are parsed again from the raw body: the body parser's qs keeps its default arrayLimit of
  // 20, which turns a longer `events[]` list (23 webhook events) into an object with numeric keys.
  const rawBody = (ctx.request as { rawBody?: unknown }).rawBody;
  const body: unknown =
    ctx.request.is('application/x-www-form-urlencoded') && typeof rawBody === 'string'
      ? qs.parse(rawBody, QS_OPTIONS)
      : ctx.request.body;
  return isRecord(body) ? { ...query, ...body } : { ...query };
}

/** A path parameter captured by @koa/router ('' when absent). */
export function routeParam(ctx: Context, name: string): string {
  const params = (ctx as Context & { params?: Record<string, string | undefined> }).params;
  return params?.[name] ?? '';
}

/** A boolean parameter as clients send it: true/false, "true"/"false", 1/0. */
export function booleanParam(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string' && typeof value !== 'number') return fallback;
  const text = String(value).toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return fallback;
}
