import type { ApiRoute } from '../../api-route';
import { routeParam } from '../../params';
import { verifyAuth } from '../auth';
import { checkIdentity } from '../entities';
import { verifyErrors } from '../errors';
import { VerifyParams } from '../form';
import { originOf, pathService } from '../lookups';
import { renderAccessToken } from '../render';
import type { AccessToken } from '../resources';
import type { VerifyState } from '../verify-state';

const BASE = '/v2/Services/:serviceSid/AccessTokens';

/**
 * AccessTokens: the application backend asks for one per push enrollment and hands it to the device,
 * which creates its factor with it. The token is opaque (Twilio's is a JWE); it expires after `Ttl`
 * seconds (60–300, default 60).
 */
export function accessTokenRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const account = verifyAuth(getVerify, 'none');
  return [
    {
      method: 'post',
      path: BASE,
      endpoint: 'v2.access_tokens.create',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const service = pathService(ctx, verify);
        const params = VerifyParams.of(ctx);
        const identity = params.get('Identity');
        const factorType = params.get('FactorType');
        if (identity === undefined || identity === '')
          throw verifyErrors.accessTokenInvalid('Identity is required');
        if (factorType !== 'push') throw verifyErrors.accessTokenInvalid('FactorType must be push');
        checkIdentity(identity);
        const token: AccessToken = {
          sid: verify.store.newSid('YK'),
          serviceSid: service.sid,
          identity,
          factorType,
          factorFriendlyName: params.optional('FactorFriendlyName', 64) ?? null,
          ttl: params.integer('Ttl', 60, 300) ?? 60,
          token: `emu.${verify.store.bytes(32).toString('base64url')}`,
          createdAt: verify.now(),
        };
        verify.store.addAccessToken(token);
        ctx.status = 201;
        ctx.body = renderAccessToken(token, originOf(ctx), verify.credentials.accountSid);
      },
    },
    {
      method: 'get',
      path: `${BASE}/:accessTokenSid`,
      endpoint: 'v2.access_tokens.fetch',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const service = pathService(ctx, verify);
        const token = verify.store.accessTokens.get(routeParam(ctx, 'accessTokenSid'));
        if (token === undefined || token.serviceSid !== service.sid)
          throw verifyErrors.notFound(ctx.path.replace(/^\/v2/, ''));
        ctx.body = renderAccessToken(token, originOf(ctx), verify.credentials.accountSid);
      },
    },
  ];
}
