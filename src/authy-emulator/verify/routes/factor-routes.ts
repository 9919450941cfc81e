import type { Context } from 'koa';
import type { ApiRoute } from '../../api-route';
import { routeParam } from '../../params';
import { callerOf, verifyAuth } from '../auth';
import { verifyErrors } from '../errors';
import { createFactor, deleteFactor, totpIssuer, updateFactor, verifyFactor } from '../factors';
import { VerifyParams } from '../form';
import { originOf, pathEntity, pathFactor, pathService } from '../lookups';
import { listPage } from '../paging';
import { renderFactor } from '../render';
import type { VerifyState } from '../verify-state';

const BASE = '/v2/Services/:serviceSid/Entities/:identity/Factors';

/**
 * Factors: create (the account, or the device with an enrollment access token for its identity),
 * list, fetch, update/verify (`AuthPayload`), delete; the device's JWT covers its own factor.
 */
export function factorRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const account = verifyAuth(getVerify, 'none');
  const device = verifyAuth(getVerify, 'device');
  const render = (ctx: Context, verify: VerifyState) => (factor: Parameters<typeof renderFactor>[0]) =>
    renderFactor(factor, originOf(ctx), verify.credentials.accountSid);
  return [
    {
      method: 'post',
      path: BASE,
      endpoint: 'v2.factors.create',
      guard: verifyAuth(getVerify, 'access-token'),
      handle(ctx) {
        const verify = getVerify();
        const service = pathService(ctx, verify);
        const identity = routeParam(ctx, 'identity');
        const params = VerifyParams.of(ctx);
        checkEnrollmentToken(ctx, service.sid, identity, params);
        const factor = createFactor(verify, service, identity, params);
        ctx.status = 201;
        ctx.body = renderFactor(factor, originOf(ctx), verify.credentials.accountSid, {
          issuer: totpIssuer(service),
        });
      },
    },
    {
      method: 'get',
      path: BASE,
      endpoint: 'v2.factors.list',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const { entity } = pathEntity(ctx, verify);
        ctx.body = listPage(ctx, VerifyParams.of(ctx), {
          key: 'factors',
          items: verify.store.factorsOf(entity),
          render: render(ctx, verify),
        });
      },
    },
    {
      method: 'get',
      path: `${BASE}/:factorSid`,
      endpoint: 'v2.factors.fetch',
      guard: device,
      handle(ctx) {
        const verify = getVerify();
        ctx.body = render(ctx, verify)(pathFactor(ctx, verify).factor);
      },
    },
    {
      method: 'post',
      path: `${BASE}/:factorSid`,
      endpoint: 'v2.factors.update',
      guard: device,
      handle(ctx) {
        const verify = getVerify();
        const { factor } = pathFactor(ctx, verify);
        const params = VerifyParams.of(ctx);
        updateFactor(verify, factor, params);
        const authPayload = params.optional('AuthPayload', 4096);
        if (authPayload !== undefined && authPayload !== '') verifyFactor(verify, factor, authPayload);
        ctx.body = render(ctx, verify)(factor);
      },
    },
    {
      method: 'delete',
      path: `${BASE}/:factorSid`,
      endpoint: 'v2.factors.delete',
      guard: device,
      handle(ctx) {
        const verify = getVerify();
        deleteFactor(verify, pathFactor(ctx, verify).factor);
        ctx.status = 204;
      },
    },
  ];
}

/** An enrollment access token creates one push factor for the identity and Service it was issued for. */
function checkEnrollmentToken(
  ctx: Context,
  serviceSid: string,
  identity: string,
  params: VerifyParams,
): void {
  const caller = callerOf(ctx);
  if (caller.kind !== 'access-token') return;
  const token = caller.accessToken;
  if (token.serviceSid !== serviceSid || token.identity !== identity)
    throw verifyErrors.unauthorizedFactorCreation('the access token was issued for another identity');
  if (params.get('FactorType') !== token.factorType)
    throw verifyErrors.unauthorizedFactorCreation('the access token only creates push factors');
}
