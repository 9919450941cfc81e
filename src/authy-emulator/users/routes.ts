import type { Context } from 'koa';
import type { ApiRoute } from '../api-route';
import { authyErrors } from '../errors';
import { userObject } from '../event-objects';
import { isRecord } from '../../shared/is-record';
import { booleanParam, requestParams, routeParam } from '../params';
import { maskedCellphone, maskedPhone, parsePhone, phoneHash } from '../phone';
import type { EmulatorState } from '../state';
import type { EmulatedUser } from './user-store';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The `objects.user` of an event about this person. */
export function userEventObject(user: EmulatedUser) {
  return userObject({
    authyId: user.authyId,
    countryCode: user.phone.countryCode,
    phoneHash: phoneHash(user.phone),
  });
}

/** Users, one-time passwords and token verification (docs/authy-api.md#14-users, #15-one-time-passwords). */
export function userRoutes(state: EmulatorState, guard: ApiRoute['guard']): ApiRoute[] {
  const findUser = (ctx: Context): EmulatedUser => {
    const user = state.users.get(routeParam(ctx, 'authyId'));
    if (user === undefined) throw authyErrors.userNotFound();
    return user;
  };

  const removeUser = (ctx: Context) => {
    const user = findUser(ctx);
    state.record('user_removed', { user: userEventObject(user) });
    user.removed = true;
    ctx.body = { message: 'User removed from application', success: true };
  };

  const sendToken = (ctx: Context, channel: 'sms' | 'call') => {
    const user = findUser(ctx);
    const force = booleanParam(requestParams(ctx).force, false);
    const cellphone = maskedCellphone(user.phone);
    if (user.registered && !force) {
      ctx.body = {
        message:
          channel === 'sms'
            ? 'Ignored: SMS is not needed for smartphones. Pass force=true if you want to actually send it anyway.'
            : 'Call ignored. User is using  App Tokens and this call is not necessary. Pass force=true if you still want to call users that are using the App.',
        cellphone,
        device: user.devices.at(-1)?.type ?? null,
        ignored: true,
        success: true,
      };
      return;
    }
    state.users.issueToken(user);
    if (channel === 'sms') user.smsSent += 1;
    else user.callsSent += 1;
    state.record(channel === 'sms' ? 'totp_token_sent' : 'totp_token_sent_via_call', {
      user: userEventObject(user),
    });
    ctx.body = {
      success: true,
      message: channel === 'sms' ? 'SMS token was sent' : 'Call started...',
      cellphone,
    };
  };

  return [
    {
      method: 'post',
      path: '/protected/json/users/new',
      endpoint: 'users.new',
      guard,
      handle(ctx) {
        const params = requestParams(ctx);
        const input = isRecord(params.user) ? params.user : {};
        const email = typeof input.email === 'string' ? input.email.trim() : '';
        if (!EMAIL.test(email)) throw authyErrors.userNotValid('email');
        const phone = parsePhone(input.country_code, input.cellphone);
        if ('invalid' in phone) throw authyErrors.userNotValid(phone.invalid);
        const { user, created } = state.users.register(phone, email);
        if (created) state.record('user_added', { user: userEventObject(user) });
        if (booleanParam(params.send_install_link_via_sms, true)) user.installLinksSent += 1;
        ctx.body = { message: 'User created successfully.', user: { id: user.authyId }, success: true };
      },
    },
    {
      method: 'get',
      path: '/protected/json/users/:authyId/status',
      endpoint: 'users.status',
      guard,
      handle(ctx) {
        const user = findUser(ctx);
        ctx.body = {
          status: {
            authy_id: user.authyId,
            confirmed: user.confirmed,
            registered: user.registered,
            country_code: user.phone.countryCode,
            phone_number: maskedPhone(user.phone),
            devices: [...new Set(user.devices.map((device) => device.type))],
            has_hard_token: false,
            account_disabled: false,
          },
          message: 'User status.',
          success: true,
        };
      },
    },
    {
      method: 'post',
      path: '/protected/json/users/:authyId/remove',
      endpoint: 'users.delete',
      guard,
      handle: removeUser,
    },
    {
      method: 'post',
      path: '/protected/json/users/:authyId/delete',
      endpoint: 'users.delete',
      guard,
      handle: removeUser,
    },
    {
      method: 'post',
      path: '/protected/json/users/delete/:authyId',
      endpoint: 'users.delete',
      guard,
      handle: removeUser,
    },
    {
      method: 'get',
      path: '/protected/json/sms/:authyId',
      endpoint: 'sms',
      guard,
      handle: (ctx) => sendToken(ctx, 'sms'),
    },
    {
      method: 'get',
      path: '/protected/json/call/:authyId',
      endpoint: 'call',
      guard,
      handle: (ctx) => sendToken(ctx, 'call'),
    },
    {
      method: 'get',
      path: '/protected/json/verify/:token/:authyId',
      endpoint: 'verify',
      guard,
      handle(ctx) {
        const user = findUser(ctx);
        const token = routeParam(ctx, 'token');
        if (user.token === undefined || token !== user.token) {
          state.record('token_invalid', { user: userEventObject(user) });
          throw user.usedTokens.has(token) ? authyErrors.tokenReused() : authyErrors.tokenInvalid();
        }
        user.usedTokens.add(token);
        user.token = undefined;
        user.confirmed = true;
        state.record('token_verified', { user: userEventObject(user) });
        const device = user.devices.at(-1);
        ctx.body = {
          message: 'Token is valid.',
          token: 'is valid',
          // A string in Twilio's own fixture (docs/authy-api.md#15-one-time-passwords).
          success: 'true',
          device: {
            id: device?.id ?? null,
            os_type: device?.type ?? 'sms',
            registration_date: Math.floor((device?.createdAt ?? user.createdAt) / 1000),
            registration_method: null,
            registration_country: null,
            registration_region: null,
            registration_city: null,
            country: null,
            region: null,
            city: null,
            ip: null,
            last_account_recovery_at: null,
            last_sync_date: null,
          },
        };
      },
    },
  ];
}
