import type { ApiRoute } from '../../api-route';
import { createEntity, deleteEntity } from '../entities';
import { VerifyParams } from '../form';
import { pathEntity, pathService, renderContext } from '../lookups';
import { listPage } from '../paging';
import { renderEntity } from '../render';
import type { VerifyState } from '../verify-state';
import { verifyRouting } from './verify-route';

const BASE = '/v2/Services/:serviceSid/Entities';

/** Entities: create (409 / 60301 when the identity exists), list, fetch, delete (with its factors). */
export function entityRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const { get, post, del, account } = verifyRouting(getVerify);
  return [
    post(BASE, 'v2.entities.create', account, (ctx, verify) => {
      const service = pathService(ctx, verify);
      const entity = createEntity(verify, service, VerifyParams.of(ctx).required('Identity', 64));
      ctx.status = 201;
      ctx.body = renderEntity(entity, renderContext(ctx, verify));
    }),
    get(BASE, 'v2.entities.list', account, (ctx, verify) => {
      const items = verify.store.entitiesOf(pathService(ctx, verify).sid);
      ctx.body = listPage(ctx, verify, { key: 'entities', items, render: renderEntity });
    }),
    get(`${BASE}/:identity`, 'v2.entities.fetch', account, (ctx, verify) => {
      ctx.body = renderEntity(pathEntity(ctx, verify), renderContext(ctx, verify));
    }),
    del(`${BASE}/:identity`, 'v2.entities.delete', account, (ctx, verify) => {
      deleteEntity(verify, pathEntity(ctx, verify));
      ctx.status = 204;
    }),
  ];
}
