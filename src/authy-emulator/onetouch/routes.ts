import type { ApiRoute } from '../api-route';
import { authyErrors } from '../errors';
import { isRecord } from '../../shared/is-record';
import { requestParams, routeParam } from '../params';
import type { EmulatorState } from '../state';
import { approvalRequestBody } from './approval-store';

/** Default `seconds_to_expire`: one day (docs/authy-api.md#16-onetouch-approval-requests). */
export const DEFAULT_SECONDS_TO_EXPIRE = 86_400;

/** OneTouch approval requests: create and get (docs/authy-api.md#16-onetouch-approval-requests). */
export function oneTouchRoutes(state: EmulatorState, guard: ApiRoute['guard']): ApiRoute[] {
  return [
    {
      method: 'post',
      path: '/onetouch/json/users/:authyId/approval_requests',
      endpoint: 'onetouch.create',
      guard,
      handle(ctx) {
        const user = state.users.get(routeParam(ctx, 'authyId'));
        if (user === undefined) throw authyErrors.userNotFound();
        const params = requestParams(ctx);
        const message = params.message;
        if (typeof message !== 'string' || message.trim() === '') {
          throw authyErrors.invalidParameter('message is required');
        }
        const details = optionalObject(params.details, 'details');
        const hiddenDetails = optionalObject(params.hidden_details, 'hidden_details');
        if (params.logos !== undefined && params.logos !== null && !Array.isArray(params.logos)) {
          throw authyErrors.invalidParameter('logos must be an array of { res, url }');
        }
        const secondsToExpire = secondsParam(params.seconds_to_expire);
        if (!user.registered) throw authyErrors.oneTouchUnregisteredUser();
        const request = state.approvals.create({
          authyId: user.authyId,
          email: user.emails[0]!,
          message,
          details,
          hiddenDetails,
          logos: Array.isArray(params.logos) ? (params.logos as unknown[]) : null,
          secondsToExpire,
        });
        ctx.body = { approval_request: { uuid: request.uuid }, success: true };
      },
    },
    {
      method: 'get',
      path: '/onetouch/json/approval_requests/:uuid',
      endpoint: 'onetouch.get',
      guard,
      handle(ctx) {
        const uuid = routeParam(ctx, 'uuid');
        const request = state.approvals.get(uuid);
        if (request === undefined) throw authyErrors.approvalRequestNotFound(uuid);
        ctx.body = approvalRequestBody(request, state.approvals.status(request), state.app);
      },
    },
  ];
}

function optionalObject(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  if (!isRecord(value)) throw authyErrors.invalidParameter(`${name} must be an object`);
  return value;
}

function secondsParam(value: unknown): number {
  if (value === undefined || value === null || value === '') return DEFAULT_SECONDS_TO_EXPIRE;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,10}$/.test(text)) {
    throw authyErrors.invalidParameter('seconds_to_expire must be a whole number of seconds (0 = never)');
  }
  return Number(text);
}
