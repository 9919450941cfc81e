import type { ApiRoute } from '../../api-route';
import { checkIdentity } from '../entities';
import { verifyErrors } from '../errors';
import { VerifyParams } from '../form';
import { pathAccessToken, pathService, renderContext } from '../lookups';
import { renderAccessToken } from '../render';
import type { AccessToken } from '../resources';
import type { VerifyState } from '../verify-state';
import { verifyRouting } from './verify-route';

const BASE = '/v2/Services/:serviceSid/AccessTokens';

/**
 * AccessTokens: the application backend asks for one per push enrollment and hands it to the device,
 * which creates its factor with it. The token is opaque (Twilio's is a JWE); it expires after `Ttl`
 * seconds (60–300, default 60).
 */
export function accessTokenRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const { get, post, account } = verifyRouting(getVerify);
  return [
    post(BASE, 'v2.access_tokens.create', account, (ctx, verify) => {
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
      ctx.body = renderAccessToken(token, renderContext(ctx, verify));
    }),
    get(`${BASE}/:accessTokenSid`, 'v2.access_tokens.fetch', account, (ctx, verify) => {
      ctx.body = renderAccessToken(pathAccessToken(ctx, verify), renderContext(ctx, verify));
    }),
  ];
}
