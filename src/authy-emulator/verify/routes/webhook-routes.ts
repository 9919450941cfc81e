import type { ApiRoute } from '../../api-route';
import { VERIFY_WEBHOOK_EVENTS } from '../../../shared/verify-events';
import { verifyErrors } from '../errors';
import { VerifyParams } from '../form';
import { pathService, pathWebhook, renderContext } from '../lookups';
import { listPage } from '../paging';
import { renderWebhook } from '../render';
import type { VerifyWebhook } from '../resources';
import type { VerifyState } from '../verify-state';
import { verifyRouting } from './verify-route';

const BASE = '/v2/Services/:serviceSid/Webhooks';

/** Webhooks of a Service: create, list, fetch, update, delete. */
export function webhookRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const { get, post, del, account } = verifyRouting(getVerify);
  return [
    post(BASE, 'v2.webhooks.create', account, (ctx, verify) => {
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
      ctx.body = renderWebhook(webhook, renderContext(ctx, verify));
    }),
    get(BASE, 'v2.webhooks.list', account, (ctx, verify) => {
      const items = verify.store.webhooksOf(pathService(ctx, verify).sid);
      ctx.body = listPage(ctx, verify, { key: 'webhooks', items, render: renderWebhook });
    }),
    get(`${BASE}/:webhookSid`, 'v2.webhooks.fetch', account, (ctx, verify) => {
      ctx.body = renderWebhook(pathWebhook(ctx, verify), renderContext(ctx, verify));
    }),
    post(`${BASE}/:webhookSid`, 'v2.webhooks.update', account, (ctx, verify) => {
      const webhook = pathWebhook(ctx, verify);
      const params = VerifyParams.of(ctx);
      const friendlyName = params.optional('FriendlyName', 64);
      if (friendlyName !== undefined && friendlyName.trim() !== '') webhook.friendlyName = friendlyName;
      webhook.eventTypes = eventTypes(params, false) ?? webhook.eventTypes;
      webhook.url = webhookUrl(params, false) ?? webhook.url;
      webhook.status = params.oneOf('Status', ['enabled', 'disabled'] as const) ?? webhook.status;
      webhook.version = params.oneOf('Version', ['v1', 'v2'] as const) ?? webhook.version;
      webhook.updatedAt = verify.now();
      ctx.body = renderWebhook(webhook, renderContext(ctx, verify));
    }),
    del(`${BASE}/:webhookSid`, 'v2.webhooks.delete', account, (ctx, verify) => {
      verify.store.webhooks.delete(pathWebhook(ctx, verify).sid);
      ctx.status = 204;
    }),
  ];
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
