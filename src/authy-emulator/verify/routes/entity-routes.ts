import type { ApiRoute } from '../../api-route';
import { verifyAuth } from '../auth';
import { createEntity, deleteEntity } from '../entities';
import { VerifyParams } from '../form';
import { originOf, pathEntity, pathService } from '../lookups';
import { listPage } from '../paging';
import { renderEntity } from '../render';
import type { VerifyState } from '../verify-state';

const BASE = '/v2/Services/:serviceSid/Entities';

/** Entities: create (409 / 60301 when the identity exists), list, fetch, delete (with its factors). */
export function entityRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const account = verifyAuth(getVerify, 'none');
  return [
    {
      method: 'post',
      path: BASE,
      endpoint: 'v2.entities.create',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const service = pathService(ctx, verify);
        const identity = VerifyParams.of(ctx).required('Identity', 64);
        const entity = createEntity(verify, service, identity);
        ctx.status = 201;
        ctx.body = renderEntity(entity, originOf(ctx), verify.credentials.accountSid);
      },
    },
    {
      method: 'get',
      path: BASE,
      endpoint: 'v2.entities.list',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        const service = pathService(ctx, verify);
        ctx.body = listPage(ctx, VerifyParams.of(ctx), {
          key: 'entities',
          items: verify.store.entitiesOf(service.sid),
          render: (entity) => renderEntity(entity, originOf(ctx), verify.credentials.accountSid),
        });
      },
    },
    {
      method: 'get',
      path: `${BASE}/:identity`,
      endpoint: 'v2.entities.fetch',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        ctx.body = renderEntity(pathEntity(ctx, verify).entity, originOf(ctx), verify.credentials.accountSid);
      },
    },
    {
      method: 'delete',
      path: `${BASE}/:identity`,
      endpoint: 'v2.entities.delete',
      guard: account,
      handle(ctx) {
        const verify = getVerify();
        deleteEntity(verify, pathEntity(ctx, verify).entity);
        ctx.status = 204;
      },
    },
  ];
}
