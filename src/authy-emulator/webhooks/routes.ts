import type { Context, Next } from 'koa';
import type { ApiRoute } from '../api-route';
import { sameSecret } from '../auth';
import { authyErrors } from '../errors';
import { isWebhookEventName } from '../event-names';
import type { WebhookEventName } from '../event-names';
import { requestParams, routeParam } from '../params';
import { isAuthyRequestSigned } from '../request-signature';
import type { EmulatorState } from '../state';

const BASE = '/dashboard/json/application/webhooks';
/** The URL Twilio's samples sign; accepted besides the URL actually called (docs/emulator.md). */
const CANONICAL_ORIGIN = 'https://api.authy.com';

/**
 * Webhooks API guard (docs/authy-api.md#21-webhook-management, #22-request-signing): `app_api_key` and `access_key` parameters, then
 * `X-Authy-Signature` = HMAC-SHA256 with the API signing key over nonce|METHOD|url|sorted params.
 */
export function webhooksApiGuard(state: EmulatorState) {
  return async function webhooksAuth(ctx: Context, next: Next): Promise<void> {
    const params = requestParams(ctx);
    const appApiKey = typeof params.app_api_key === 'string' ? params.app_api_key : '';
    const accessKey = typeof params.access_key === 'string' ? params.access_key : '';
    if (!sameSecret(appApiKey, state.keys.apiKey)) throw authyErrors.invalidApiKey();
    if (!sameSecret(accessKey, state.keys.accessKey)) throw authyErrors.accessKeyInvalid();
    const nonce = ctx.get('x-authy-signature-nonce');
    const signature = ctx.get('x-authy-signature');
    if (nonce === '' || signature === '') throw authyErrors.invalidSignature();
    const urls = [`${ctx.protocol}://${ctx.host}${ctx.path}`, `${CANONICAL_ORIGIN}${ctx.path}`];
    const valid = urls.some((url) =>
      isAuthyRequestSigned(
        { key: state.keys.apiSigningKey, nonce, method: ctx.method, url, params },
        signature,
      ),
    );
    if (!valid) throw authyErrors.invalidSignature();
    await next();
  };
}

/** Webhooks API: create, list, delete by path or by `webhook_id` parameter (docs/authy-api.md#21-webhook-management). */
export function webhookRoutes(state: EmulatorState): ApiRoute[] {
  const guard = webhooksApiGuard(state);
  const remove = (ctx: Context, id: unknown) => {
    if (typeof id !== 'string' || id === '') throw authyErrors.webhookDeletion('webhook_id is required', 400);
    if (!state.webhooks.delete(id)) throw authyErrors.webhookDeletion(`no webhook ${id}`);
    ctx.body = { message: 'Webhook deleted', success: true };
  };
  return [
    {
      method: 'post',
      path: BASE,
      endpoint: 'webhooks.create',
      guard,
      handle(ctx) {
        const params = requestParams(ctx);
        const name = typeof params.name === 'string' ? params.name.trim() : '';
        if (name === '') throw authyErrors.webhookCreation('name is required');
        const url = typeof params.url === 'string' ? params.url : '';
        if (!isHttpUrl(url)) throw authyErrors.webhookCreation('url must be an http(s) URL');
        const events = eventList(params.events);
        ctx.body = {
          webhook: state.webhooks.create({ name, url, events }),
          message: 'Webhook created',
          success: true,
        };
      },
    },
    {
      method: 'get',
      path: BASE,
      endpoint: 'webhooks.list',
      guard,
      handle(ctx) {
        ctx.body = { webhooks: state.webhooks.list(), message: 'Webhooks retrieved', success: true };
      },
    },
    {
      method: 'delete',
      path: `${BASE}/:webhookId`,
      endpoint: 'webhooks.delete',
      guard,
      handle: (ctx) => remove(ctx, routeParam(ctx, 'webhookId')),
    },
    {
      method: 'delete',
      path: BASE,
      endpoint: 'webhooks.delete',
      guard,
      handle: (ctx) => remove(ctx, requestParams(ctx).webhook_id),
    },
  ];
}

function eventList(value: unknown): WebhookEventName[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (list.length === 0) throw authyErrors.webhookCreation('events[] needs at least one event name');
  const unknown = list.filter((name) => typeof name !== 'string' || !isWebhookEventName(name));
  if (unknown.length > 0)
    throw authyErrors.webhookCreation(`unknown event names: ${unknown.map(String).join(', ')}`);
  return list as WebhookEventName[];
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
