import type { Context } from 'koa';
import type { ApiRoute } from '../../api-route';
import { verifyAuth } from '../auth';
import type { VERIFY_ENDPOINTS } from '../endpoints';
import type { VerifyState } from '../verify-state';

/** A Verify handler: the request and the Verify state of the moment (a reset replaces it). */
export type VerifyHandler = (ctx: Context, verify: VerifyState) => void;

type RouteOf = (
  path: string,
  endpoint: (typeof VERIFY_ENDPOINTS)[number],
  guard: ApiRoute['guard'],
  handle: VerifyHandler,
) => ApiRoute;

/**
 * What the Verify route files build their routes with, in the style of @koa/router:
 * `post(path, endpoint, guard, handler)`, `get(…)`, `del(…)`, and the guards a route picks from —
 * `account` admits the account's credentials only, `device` also the Push SDK's device JWT,
 * `accessToken` also an enrollment access token (auth.ts).
 */
export function verifyRouting(getVerify: () => VerifyState) {
  const route =
    (method: ApiRoute['method']): RouteOf =>
    (path, endpoint, guard, handle) => ({
      method,
      path,
      endpoint,
      guard,
      handle: (ctx) => handle(ctx, getVerify()),
    });
  return {
    get: route('get'),
    post: route('post'),
    del: route('delete'),
    account: verifyAuth(getVerify, 'none'),
    device: verifyAuth(getVerify, 'device'),
    accessToken: verifyAuth(getVerify, 'access-token'),
  };
}
