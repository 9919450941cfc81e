import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ControlError } from '../errors';
import { expiresAtOf } from '../onetouch/approval-store';
import type { ApprovalRequest } from '../onetouch/approval-store';
import { oneTouchCallbackJob } from '../onetouch/callback';
import { parsePhone, phoneHash } from '../phone';
import { routeParam } from '../params';
import type { EmulatorState } from '../state';
import { userEventObject } from '../users/routes';
import { DEVICE_TYPES } from '../users/user-store';
import type { EmulatedUser } from '../users/user-store';
import { parseControl } from './validation';

const InstallSchema = z.strictObject({
  device_type: z.enum(DEVICE_TYPES).default('android'),
  // What the person's phone reports about itself: any text, as a real device may send.
  name: z.string().max(200).optional(),
  user_agent: z.string().max(200).optional(),
});
const PhoneChangeSchema = z.strictObject({
  countryCode: z.union([z.number().int(), z.string()]),
  cellphone: z.union([z.number().int(), z.string()]),
});
const RespondSchema = z.strictObject({ status: z.enum(['approved', 'denied']) });

/** The person holding the phone: install, change number, read a token, answer OneTouch (docs/contract.md#6-authy-emulator). */
export function mountPeopleControl(router: Router, state: EmulatorState): void {
  const findUser = (ctx: Context): EmulatedUser => {
    const user = state.users.get(routeParam(ctx, 'authyId'));
    if (user === undefined)
      throw new ControlError(404, 'user_not_found', `no active user ${routeParam(ctx, 'authyId')}`);
    return user;
  };

  router.get('/_emulator/users/:authyId', (ctx) => {
    ctx.body = { user: state.users.describe(findUser(ctx)) };
  });

  router.post('/_emulator/users/:authyId/install', (ctx) => {
    const user = findUser(ctx);
    const {
      device_type: type,
      name,
      user_agent: userAgent,
    } = parseControl(InstallSchema, ctx.request.body, 'install request');
    const device = state.users.install(user, type);
    const created = new Date(device.createdAt).toISOString();
    const event = state.record('device_registration_completed', {
      user: userEventObject(user),
      device: {
        creation_date: created,
        device_app: 'authy',
        device_type: device.type,
        errors: [],
        id: device.id,
        ip: '203.0.113.10',
        last_used_date: created,
        name: name ?? (device.type === 'iphone' || device.type === 'ipad' ? 'iPhone' : 'Android'),
        sync_date: created,
        user_agent: userAgent ?? `Authy/25.1 (${device.type})`,
        version: '25.1.0',
      },
    });
    ctx.body = {
      user: state.users.describe(user),
      device: event.objects.device,
      request_id: event.request_id,
    };
  });

  router.get('/_emulator/users/:authyId/token', (ctx) => {
    const user = findUser(ctx);
    ctx.body = { token: user.token ?? state.users.issueToken(user) };
  });

  router.post('/_emulator/users/:authyId/phone', (ctx) => {
    const user = findUser(ctx);
    const body = parseControl(PhoneChangeSchema, ctx.request.body, 'phone change');
    const phone = parsePhone(body.countryCode, body.cellphone);
    if ('invalid' in phone)
      throw new ControlError(400, 'invalid_input', `invalid phone change: ${phone.invalid} is invalid`);
    const before = phoneHash(user.phone);
    if (!state.users.changePhone(user, phone)) {
      throw new ControlError(409, 'phone_taken', 'another active user already has this phone number');
    }
    const event = state.record('user_phone_changed', {
      user: userEventObject(user),
      phone_change: {
        current_phone_number: before,
        id: state.users.newId(),
        new_phone_number: phoneHash(phone),
        status: 'approved',
      },
    });
    ctx.body = { user: state.users.describe(user), request_id: event.request_id };
  });

  router.get('/_emulator/users/:authyId/approval_requests', (ctx) => {
    const user = findUser(ctx);
    ctx.body = {
      approval_requests: state.approvals.forUser(user.authyId).map((r) => approvalSummary(state, r)),
    };
  });

  router.post('/_emulator/approval_requests/:uuid/respond', (ctx) => {
    const uuid = routeParam(ctx, 'uuid');
    const request = state.approvals.get(uuid);
    if (request === undefined)
      throw new ControlError(404, 'approval_request_not_found', `no approval request ${uuid}`);
    const { status } = parseControl(RespondSchema, ctx.request.body, 'answer');
    const current = state.approvals.status(request);
    if (current !== 'pending') {
      throw new ControlError(
        409,
        'approval_request_not_pending',
        `approval request ${uuid} is ${current}, not pending`,
      );
    }
    state.approvals.answer(request, status);
    const user = state.users.get(request.authyId);
    const event = state.record('one_touch_request_responded', {
      ...(user === undefined ? {} : { user: userEventObject(user) }),
      onetouch_request: {
        device_geolocation: null,
        device_signing_time: Math.floor(request.answer!.at / 1000),
        errors: [],
        expiration_timestamp: expiresAtOf(request) === null ? null : Math.floor(expiresAtOf(request)! / 1000),
        seconds_to_expire: request.secondsToExpire,
        status,
        uuid,
      },
    });
    const { oneTouchCallbackUrl: url, oneTouchCallbackMethod: method } = state.settings;
    if (url !== null) {
      state.deliverer.enqueue(
        oneTouchCallbackJob(request, {
          url,
          method,
          apiKey: state.keys.apiKey,
          customerUuid: state.customerUuid,
          now: state.now,
        }),
      );
    }
    ctx.body = {
      approval_request: approvalSummary(state, request),
      callback: url === null ? null : { url, method },
      request_id: event.request_id,
    };
  });
}

function approvalSummary(state: EmulatorState, request: ApprovalRequest) {
  const expiresAt = expiresAtOf(request);
  return {
    uuid: request.uuid,
    authy_id: request.authyId,
    status: state.approvals.status(request),
    created_at: new Date(request.createdAt).toISOString(),
    expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
  };
}
