import type { ApiRoute } from '../../api-route';
import { verifyErrors } from '../errors';
import { VerifyParams } from '../form';
import { pathService, renderContext } from '../lookups';
import { listPage } from '../paging';
import { renderService } from '../render';
import type { VerifyService } from '../resources';
import type { VerifyState } from '../verify-state';
import { verifyRouting } from './verify-route';

/** Services: create, list, fetch (the Push SDK fetches its Service with a device token). */
export function serviceRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const { get, post, account, device } = verifyRouting(getVerify);
  return [
    post('/v2/Services', 'v2.services.create', account, (ctx, verify) => {
      const service = newService(verify, VerifyParams.of(ctx));
      verify.store.services.set(service.sid, service);
      ctx.status = 201;
      ctx.body = renderService(service, renderContext(ctx, verify));
    }),
    get('/v2/Services', 'v2.services.list', account, (ctx, verify) => {
      const items = [...verify.store.services.values()];
      ctx.body = listPage(ctx, verify, { key: 'services', items, render: renderService });
    }),
    get('/v2/Services/:serviceSid', 'v2.services.fetch', device, (ctx, verify) => {
      ctx.body = renderService(pathService(ctx, verify), renderContext(ctx, verify));
    }),
  ];
}

function newService(verify: VerifyState, params: VerifyParams): VerifyService {
  const now = verify.now();
  const includeDate = params.oneOf('Push.IncludeDate', ['true', 'false'] as const);
  const issuer = params.optional('Totp.Issuer', 64);
  if (issuer !== undefined && issuer.includes(':'))
    throw verifyErrors.invalidParameter('Totp.Issuer must not contain ":"');
  return {
    sid: verify.store.newSid('VA'),
    friendlyName: params.required('FriendlyName', 32),
    totp: {
      issuer: issuer ?? null,
      timeStep: params.integer('Totp.TimeStep', 20, 60) ?? null,
      codeLength: params.integer('Totp.CodeLength', 3, 8) ?? null,
      skew: params.integer('Totp.Skew', 0, 2) ?? null,
    },
    push: {
      includeDate: includeDate === 'true',
      apnCredentialSid: params.optional('Push.ApnCredentialSid', 34) ?? null,
      fcmCredentialSid: params.optional('Push.FcmCredentialSid', 34) ?? null,
    },
    codeLength: params.integer('CodeLength', 4, 10) ?? 6,
    createdAt: now,
    updatedAt: now,
  };
}
