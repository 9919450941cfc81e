import type { Context } from 'koa';
import { routeParam } from '../params';
import { verifyErrors } from './errors';
import type { RenderContext } from './render';
import type { AccessToken, Challenge, Factor, VerifyEntity, VerifyService, VerifyWebhook } from './resources';
import type { VerifyState } from './verify-state';

// The resources a request path names (`:serviceSid`, `:identity`, `:factorSid`, …); one that does not
// exist, or belongs to another Service or entity, answers Twilio's 404 / 20404 naming the path.

export function pathService(ctx: Context, verify: VerifyState): VerifyService {
  const service = verify.store.services.get(routeParam(ctx, 'serviceSid'));
  if (service === undefined) throw notFound(ctx);
  return service;
}

export function pathEntity(ctx: Context, verify: VerifyState): VerifyEntity {
  const entity = verify.store.entity(pathService(ctx, verify).sid, routeParam(ctx, 'identity'));
  if (entity === undefined) throw notFound(ctx);
  return entity;
}

export function pathFactor(ctx: Context, verify: VerifyState): Factor {
  return pathChild(ctx, verify.store.factors, 'factorSid', 'entitySid', pathEntity(ctx, verify).sid);
}

export function pathChallenge(ctx: Context, verify: VerifyState): Challenge {
  return pathChild(ctx, verify.store.challenges, 'challengeSid', 'entitySid', pathEntity(ctx, verify).sid);
}

export function pathWebhook(ctx: Context, verify: VerifyState): VerifyWebhook {
  return pathChild(ctx, verify.store.webhooks, 'webhookSid', 'serviceSid', pathService(ctx, verify).sid);
}

export function pathAccessToken(ctx: Context, verify: VerifyState): AccessToken {
  return pathChild(
    ctx,
    verify.store.accessTokens,
    'accessTokenSid',
    'serviceSid',
    pathService(ctx, verify).sid,
  );
}

/**
 * The item the path parameter `param` names, when its `parentKey` holds the parent's sid (a factor's
 * `entitySid`, a webhook's `serviceSid`): another entity's or Service's item is not found either.
 */
function pathChild<K extends string, T extends Record<K, string>>(
  ctx: Context,
  items: Map<string, T>,
  param: string,
  parentKey: K,
  parentSid: string,
): T {
  const item = items.get(routeParam(ctx, param));
  if (item === undefined || item[parentKey] !== parentSid) throw notFound(ctx);
  return item;
}

function notFound(ctx: Context) {
  return verifyErrors.notFound(ctx.path.replace(/^\/v2/, ''));
}

/** What this request's answers are rendered for: the emulator's origin as the client called it, the account, now. */
export function renderContext(ctx: Context, verify: VerifyState): RenderContext {
  return {
    origin: `${ctx.protocol}://${ctx.host}`,
    accountSid: verify.credentials.accountSid,
    now: verify.now(),
  };
}
