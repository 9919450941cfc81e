import type { ApiRoute } from '../../api-route';
import { verifyAuth } from '../auth';
import { verifyErrors } from '../errors';
import { VerifyParams } from '../form';
import { originOf, pathService } from '../lookups';
import { listPage } from '../paging';
import { renderService } from '../render';
import type { VerifyService } from '../resources';
import type { VerifyState } from '../verify-state';

/** Services: create, list, fetch (the Push SDK fetches its Service with a device token). */
export function serviceRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const account = verifyAuth(getVerify, 'none');
  const render = (verify: VerifyState, origin: string) => (service: VerifyService) =>
    renderService(service, origin, verify.credentials.accountSid);
  return [
    {
      method: 'post',
      path: '/v2/Services',
      endpoint: 'v2.services.create',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const service = newService(verify, VerifyParams.of(ctx));
        verify.store.services.set(service.sid, service);
        ctx.status = 201;
        ctx.body = render(verify, originOf(ctx))(service);
      },
    },
    {
      method: 'get',
      path: '/v2/Services',
      endpoint: 'v2.services.list',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        ctx.body = listPage(ctx, VerifyParams.of(ctx), {
          key: 'services',
          items: [...verify.store.services.values()],
          render: render(verify, originOf(ctx)),
        });
      },
    },
    {
      method: 'get',
      path: '/v2/Services/:serviceSid',
      endpoint: 'v2.services.fetch',
      guard: verifyAuth(getVerify, 'device'),
      handle(ctx) {
        const verify = getVerify();
        ctx.body = render(verify, originOf(ctx))(pathService(ctx, verify));
      },
    },
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
