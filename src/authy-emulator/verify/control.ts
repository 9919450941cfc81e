import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { parseControl } from '../control/validation';
import { ControlError } from '../errors';
import { routeParam } from '../params';
import { answerChallenge, signedFields } from './challenges';
import { EmulatedPushDevice } from './device';
import { TwilioError } from './errors';
import { createFactor, verifyFactor } from './factors';
import { VerifyParams } from './form';
import { challengeStatus } from './render';
import type { Challenge, Factor, VerifyEntity, VerifyService } from './resources';
import { totpCode } from './totp';
import type { VerifyState } from './verify-state';

const BASE = '/_emulator/verify/services/:serviceSid/entities/:identity';

const EnrollSchema = z.strictObject({
  accessToken: z.string().min(1),
  friendlyName: z.string().min(1).max(64).default('Emulated phone'),
  notificationPlatform: z.enum(['fcm', 'apn', 'none']).default('fcm'),
});
const RespondSchema = z.strictObject({ status: z.enum(['approved', 'denied']) });

/**
 * The person holding the phone, for Verify v2: enroll a push device with the access token the
 * application showed, read the code a TOTP app shows now, answer a push challenge. Each acts through
 * the same rules as the REST API, so webhooks (`factor.created`, `factor.verified`,
 * `challenge.approved|denied`) follow as they would from a real device.
 */
export function mountVerifyControl(router: Router, getVerify: () => VerifyState): void {
  router.post(`${BASE}/push-enroll`, (ctx) => {
    const verify = getVerify();
    const service = controlService(ctx, verify);
    const identity = routeParam(ctx, 'identity');
    const body = parseControl(EnrollSchema, ctx.request.body, 'push enrollment');
    checkAccessToken(verify, service, identity, body.accessToken);
    const device = new EmulatedPushDevice();
    const factor = asControlError(() =>
      createFactor(
        verify,
        service,
        identity,
        VerifyParams.from([
          ['FriendlyName', body.friendlyName],
          ['FactorType', 'push'],
          ['Binding.Alg', 'ES256'],
          ['Binding.PublicKey', device.publicKey],
          ['Config.AppId', 'com.twofold.emulated'],
          ['Config.NotificationPlatform', body.notificationPlatform],
          ['Config.SdkVersion', '0.9.0'],
          ...(body.notificationPlatform === 'none'
            ? []
            : [
                ['Config.NotificationToken', `emulated-push-token-${identity}-0000000000000000`] as [
                  string,
                  string,
                ],
              ]),
        ]),
      ),
    );
    verify.store.devices.set(factor.sid, device);
    verifyFactor(verify, factor, device.factorProof(factor.sid));
    ctx.body = { factorSid: factor.sid };
  });

  router.get(`${BASE}/factors/:factorSid/code`, (ctx) => {
    const verify = getVerify();
    const factor = controlFactor(ctx, verify);
    if (factor.totp === undefined)
      throw new ControlError(409, 'not_totp', `factor ${factor.sid} is a ${factor.type} factor, not totp`);
    ctx.body = { code: totpCode(factor.totp, verify.now()) };
  });

  router.post(`${BASE}/challenges/:challengeSid/respond`, (ctx) => {
    const verify = getVerify();
    const challenge = controlChallenge(ctx, verify);
    const { status } = parseControl(RespondSchema, ctx.request.body, 'answer');
    const factor = verify.store.factors.get(challenge.factorSid);
    const device = verify.store.devices.get(challenge.factorSid);
    if (factor === undefined || device === undefined)
      throw new ControlError(
        409,
        'no_emulated_device',
        `challenge ${challenge.sid} is not to a device enrolled through the control API`,
      );
    const current = challengeStatus(challenge, verify.now());
    if (current !== 'pending')
      throw new ControlError(
        409,
        'challenge_not_pending',
        `challenge ${challenge.sid} is ${current}, not pending`,
      );
    const authPayload = device.jwt({ typ: 'JWT' }, { ...signedFields(verify, challenge), status });
    asControlError(() => answerChallenge(verify, challenge, factor, { authPayload }));
    ctx.body = { challengeSid: challenge.sid, status: challengeStatus(challenge, verify.now()) };
  });
}

function controlService(ctx: Context, verify: VerifyState): VerifyService {
  const sid = routeParam(ctx, 'serviceSid');
  const service = verify.store.services.get(sid);
  if (service === undefined) throw new ControlError(404, 'service_not_found', `no Verify service ${sid}`);
  return service;
}

function controlEntity(ctx: Context, verify: VerifyState): VerifyEntity {
  const service = controlService(ctx, verify);
  const identity = routeParam(ctx, 'identity');
  const entity = verify.store.entity(service.sid, identity);
  if (entity === undefined)
    throw new ControlError(404, 'entity_not_found', `no entity ${identity} in ${service.sid}`);
  return entity;
}

function controlFactor(ctx: Context, verify: VerifyState): Factor {
  return controlEntityItem(ctx, verify, verify.store.factors, 'factor');
}

function controlChallenge(ctx: Context, verify: VerifyState): Challenge {
  return controlEntityItem(ctx, verify, verify.store.challenges, 'challenge');
}

/** The path's factor or challenge (`:factorSid`, `:challengeSid`) of the path's entity, or a 404 naming it. */
function controlEntityItem<T extends { entitySid: string }>(
  ctx: Context,
  verify: VerifyState,
  items: Map<string, T>,
  kind: 'factor' | 'challenge',
): T {
  const entity = controlEntity(ctx, verify);
  const sid = routeParam(ctx, `${kind}Sid`);
  const item = items.get(sid);
  if (item === undefined || item.entitySid !== entity.sid)
    throw new ControlError(404, `${kind}_not_found`, `no ${kind} ${sid} of ${entity.identity}`);
  return item;
}

/** The device only enrolls with a live access token issued for this Service and identity. */
function checkAccessToken(
  verify: VerifyState,
  service: VerifyService,
  identity: string,
  value: string,
): void {
  const token = verify.store.accessTokenByValue(value);
  if (token === undefined || token.serviceSid !== service.sid || token.identity !== identity)
    throw new ControlError(
      403,
      'access_token_invalid',
      'the access token was not issued for this Service and identity',
    );
  if (verify.now() > token.createdAt + token.ttl * 1000)
    throw new ControlError(
      403,
      'access_token_expired',
      'the access token has expired; ask the application for a new one',
    );
}

/** A Verify rule refusing the device's action, as a control API error naming Twilio's code. */
function asControlError<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof TwilioError)
      throw new ControlError(error.status, `twilio_${error.code}`, error.message);
    throw error;
  }
}
