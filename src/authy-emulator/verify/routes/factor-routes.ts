import type { Context } from 'koa';
import type { ApiRoute } from '../../api-route';
import { routeParam } from '../../params';
import { callerOf } from '../auth';
import { verifyErrors } from '../errors';
import { createFactor, deleteFactor, totpIssuer, updateFactor, verifyFactor } from '../factors';
import { VerifyParams } from '../form';
import { pathEntity, pathFactor, pathService, renderContext } from '../lookups';
import { listPage } from '../paging';
import { renderFactor } from '../render';
import type { VerifyState } from '../verify-state';
import { verifyRouting } from './verify-route';

const BASE = '/v2/Services/:serviceSid/Entities/:identity/Factors';

/**
 * Factors: create (the account, or the device with an enrollment access token for its identity),
 * list, fetch, update/verify (`AuthPayload`), delete; the device's JWT covers its own factor.
 */
export function factorRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const { get, post, del, account, device, accessToken } = verifyRouting(getVerify);
  return [
    post(BASE, 'v2.factors.create', accessToken, (ctx, verify) => {
      const service = pathService(ctx, verify);
      const identity = routeParam(ctx, 'identity');
      const params = VerifyParams.of(ctx);
      checkEnrollmentToken(ctx, service.sid, identity, params);
      const factor = createFactor(verify, service, identity, params);
      ctx.status = 201;
      ctx.body = renderFactor(factor, renderContext(ctx, verify), { issuer: totpIssuer(service) });
    }),
    get(BASE, 'v2.factors.list', account, (ctx, verify) => {
      const items = verify.store.factorsOf(pathEntity(ctx, verify));
      ctx.body = listPage(ctx, verify, {
        key: 'factors',
        items,
        render: (factor, at) => renderFactor(factor, at),
      });
    }),
    get(`${BASE}/:factorSid`, 'v2.factors.fetch', device, (ctx, verify) => {
      ctx.body = renderFactor(pathFactor(ctx, verify), renderContext(ctx, verify));
    }),
    post(`${BASE}/:factorSid`, 'v2.factors.update', device, (ctx, verify) => {
      const factor = pathFactor(ctx, verify);
      const params = VerifyParams.of(ctx);
      updateFactor(verify, factor, params);
      const authPayload = params.optional('AuthPayload', 4096);
      if (authPayload !== undefined && authPayload !== '') verifyFactor(verify, factor, authPayload);
      ctx.body = renderFactor(factor, renderContext(ctx, verify));
    }),
    del(`${BASE}/:factorSid`, 'v2.factors.delete', device, (ctx, verify) => {
      deleteFactor(verify, pathFactor(ctx, verify));
      ctx.status = 204;
    }),
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
