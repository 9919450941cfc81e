import type { Context } from 'koa';
import { routeParam } from '../params';
import { verifyErrors } from './errors';
import type { Challenge, Factor, VerifyEntity, VerifyService } from './resources';
import type { VerifyState } from './verify-state';

/** The resource a path names, or Twilio's 404 / 20404 naming the path. */
export function pathService(ctx: Context, verify: VerifyState): VerifyService {
  const service = verify.store.services.get(routeParam(ctx, 'serviceSid'));
  if (service === undefined) throw notFound(ctx);
  return service;
}

export function pathEntity(
  ctx: Context,
  verify: VerifyState,
): { service: VerifyService; entity: VerifyEntity } {
  const service = pathService(ctx, verify);
  const entity = verify.store.entity(service.sid, routeParam(ctx, 'identity'));
  if (entity === undefined) throw notFound(ctx);
  return { service, entity };
}

export function pathFactor(
  ctx: Context,
  verify: VerifyState,
): { service: VerifyService; entity: VerifyEntity; factor: Factor } {
  const { service, entity } = pathEntity(ctx, verify);
  const factor = verify.store.factors.get(routeParam(ctx, 'factorSid'));
  if (factor === undefined || factor.entitySid !== entity.sid) throw notFound(ctx);
  return { service, entity, factor };
}

export function pathChallenge(
  ctx: Context,
  verify: VerifyState,
): { service: VerifyService; entity: VerifyEntity; challenge: Challenge } {
  const { service, entity } = pathEntity(ctx, verify);
  const challenge = verify.store.challenges.get(routeParam(ctx, 'challengeSid'));
  if (challenge === undefined || challenge.entitySid !== entity.sid) throw notFound(ctx);
  return { service, entity, challenge };
}

function notFound(ctx: Context) {
  return verifyErrors.notFound(ctx.path.replace(/^\/v2/, ''));
}

/** The emulator's origin as the client called it: resource and page URLs are built from it. */
export function originOf(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}
