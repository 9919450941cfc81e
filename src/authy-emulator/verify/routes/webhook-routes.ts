import type { Context } from 'koa';
import type { ApiRoute } from '../../api-route';
import { routeParam } from '../../params';
import { verifyAuth } from '../auth';
import { verifyErrors } from '../errors';
import { VerifyParams } from '../form';
import { originOf, pathService } from '../lookups';
import { listPage } from '../paging';
import { VERIFY_WEBHOOK_EVENTS } from '../../../shared/verify-events';
import { renderWebhook } from '../render';
import type { VerifyWebhook } from '../resources';
import type { VerifyState } from '../verify-state';

const BASE = '/v2/Services/:serviceSid/Webhooks';

/** Webhooks of a Service: create, list, fetch, update, delete. */
export function webhookRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const account = verifyAuth(getVerify, 'none');
  const render = (ctx: Context, verify: VerifyState) => (webhook: VerifyWebhook) =>
    renderWebhook(webhook, originOf(ctx), verify.credentials.accountSid);
  return [
    {
      method: 'post',
      path: BASE,
      endpoint: 'v2.webhooks.create',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const service = pathService(ctx, verify);
        const params = VerifyParams.of(ctx);
        const now = verify.now();
        const webhook: VerifyWebhook = {
          sid: verify.store.newSid('YW'),
          serviceSid: service.sid,
          friendlyName: params.required('FriendlyName', 64),
          eventTypes: eventTypes(params, true)!,
          url: webhookUrl(params, true)!,
          status: params.oneOf('Status', ['enabled', 'disabled'] as const) ?? 'enabled',
          version: params.oneOf('Version', ['v1', 'v2'] as const) ?? 'v2',
          createdAt: now,
          updatedAt: now,
        };
        verify.store.webhooks.set(webhook.sid, webhook);
        ctx.status = 201;
        ctx.body = render(ctx, verify)(webhook);
      },
    },
    {
      method: 'get',
      path: BASE,
      endpoint: 'v2.webhooks.list',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const service = pathService(ctx, verify);
        ctx.body = listPage(ctx, VerifyParams.of(ctx), {
          key: 'webhooks',
          items: verify.store.webhooksOf(service.sid),
          render: render(ctx, verify),
        });
      },
    },
    {
      method: 'get',
      path: `${BASE}/:webhookSid`,
      endpoint: 'v2.webhooks.fetch',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        ctx.body = render(ctx, verify)(pathWebhook(ctx, verify));
      },
    },
    {
      method: 'post',
      path: `${BASE}/:webhookSid`,
      endpoint: 'v2.webhooks.update',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const webhook = pathWebhook(ctx, verify);
        const params = VerifyParams.of(ctx);
        const friendlyName = params.optional('FriendlyName', 64);
        if (friendlyName !== undefined && friendlyName.trim() !== '') webhook.friendlyName = friendlyName;
        webhook.eventTypes = eventTypes(params, false) ?? webhook.eventTypes;
        webhook.url = webhookUrl(params, false) ?? webhook.url;
        webhook.status = params.oneOf('Status', ['enabled', 'disabled'] as const) ?? webhook.status;
        webhook.version = params.oneOf('Version', ['v1', 'v2'] as const) ?? webhook.version;
        webhook.updatedAt = verify.now();
        ctx.body = render(ctx, verify)(webhook);
      },
    },
    {
      method: 'delete',
      path: `${BASE}/:webhookSid`,
      endpoint: 'v2.webhooks.delete',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        verify.store.webhooks.delete(pathWebhook(ctx, verify).sid);
        ctx.status = 204;
      },
    },
  ];
}

function pathWebhook(ctx: Context, verify: VerifyState): VerifyWebhook {
  const service = pathService(ctx, verify);
  const webhook = verify.store.webhooks.get(routeParam(ctx, 'webhookSid'));
  if (webhook === undefined || webhook.serviceSid !== service.sid)
    throw verifyErrors.notFound(ctx.path.replace(/^\/v2/, ''));
  return webhook;
}

/** `EventTypes` (repeated): known types or `*`; unknown ones answer 400 / 60306. */
function eventTypes(params: VerifyParams, required: boolean): string[] | undefined {
  const types = params.all('EventTypes');
  if (types.length === 0) {
    if (required) throw verifyErrors.invalidParameter('EventTypes is required');
    return undefined;
  }
  const unknown = types.filter(
    (type) => type !== '*' && !(VERIFY_WEBHOOK_EVENTS as readonly string[]).includes(type),
  );
  if (unknown.length > 0) throw verifyErrors.invalidRequest(`unknown EventTypes: ${unknown.join(', ')}`);
  return [...new Set(types)];
}

function webhookUrl(params: VerifyParams, required: boolean): string | undefined {
  const value = required ? params.required('WebhookUrl', 2048) : params.optional('WebhookUrl', 2048);
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw verifyErrors.invalidParameter('WebhookUrl must be an http(s) URL');
}
