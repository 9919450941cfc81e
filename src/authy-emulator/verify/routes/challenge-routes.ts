import type { Context } from 'koa';
import type { ApiRoute } from '../../api-route';
import { routeParam } from '../../params';
import { callerOf } from '../auth';
import { answerChallenge, createChallenge, SIGNATURE_FIELDS } from '../challenges';
import { verifyErrors } from '../errors';
import { VerifyParams } from '../form';
import { pathChallenge, pathEntity, renderContext } from '../lookups';
import { listPage } from '../paging';
import { challengeStatus, renderChallenge, renderNotification } from '../render';
import type { Challenge } from '../resources';
import type { VerifyState } from '../verify-state';
import { verifyRouting } from './verify-route';

const BASE = '/v2/Services/:serviceSid/Entities/:identity/Challenges';
const STATUSES = ['pending', 'expired', 'approved', 'denied'] as const;

/**
 * Challenges: create, list (filters `FactorSid`, `Status`, `Order`), fetch (pending ones carry
 * `Twilio-Verify-Signature-Fields`), update (the answer), and Notifications (a push re-sent).
 */
export function challengeRoutes(getVerify: () => VerifyState): ApiRoute[] {
  const { get, post, account, device } = verifyRouting(getVerify);
  return [
    post(BASE, 'v2.challenges.create', account, (ctx, verify) => {
      const challenge = createChallenge(verify, pathEntity(ctx, verify), VerifyParams.of(ctx));
      ctx.status = 201;
      ctx.body = renderChallenge(challenge, renderContext(ctx, verify));
    }),
    get(BASE, 'v2.challenges.list', device, (ctx, verify) => {
      const entity = pathEntity(ctx, verify);
      const params = VerifyParams.of(ctx);
      const factorSid = params.get('FactorSid');
      const status = params.oneOf('Status', STATUSES);
      const order = params.oneOf('Order', ['asc', 'desc'] as const) ?? 'asc';
      const caller = callerOf(ctx);
      const items = verify.store
        .challengesOf(entity)
        .filter(
          (challenge) =>
            (factorSid === undefined || challenge.factorSid === factorSid) &&
            (caller.kind !== 'device' || challenge.factorSid === caller.factor.sid) &&
            (status === undefined || challengeStatus(challenge, verify.now()) === status),
        );
      if (order === 'desc') items.reverse();
      const filters: [string, string][] = [];
      if (factorSid !== undefined) filters.push(['FactorSid', factorSid]);
      if (status !== undefined) filters.push(['Status', status]);
      if (params.get('Order') !== undefined) filters.push(['Order', order]);
      ctx.body = listPage(ctx, verify, { key: 'challenges', items, render: renderChallenge, filters });
    }),
    get(`${BASE}/:challengeSid`, 'v2.challenges.fetch', device, (ctx, verify) => {
      const challenge = ownChallenge(ctx, verify);
      if (challengeStatus(challenge, verify.now()) === 'pending')
        ctx.set('Twilio-Verify-Signature-Fields', SIGNATURE_FIELDS.join(','));
      ctx.body = renderChallenge(challenge, renderContext(ctx, verify));
    }),
    post(`${BASE}/:challengeSid`, 'v2.challenges.update', device, (ctx, verify) => {
      const challenge = ownChallenge(ctx, verify);
      const params = VerifyParams.of(ctx);
      const authPayload = params.required('AuthPayload', 5456);
      const metadata = params.stringMap('Metadata', 1024);
      answerChallenge(verify, challenge, verify.store.factors.get(challenge.factorSid), {
        authPayload,
        ...(metadata === undefined ? {} : { metadata }),
      });
      ctx.body = renderChallenge(challenge, renderContext(ctx, verify));
    }),
    post(`${BASE}/:challengeSid/Notifications`, 'v2.notifications.create', account, (ctx, verify) => {
      const challenge = pathChallenge(ctx, verify);
      const ttl = VerifyParams.of(ctx).integer('Ttl', 0, 300) ?? 300;
      const factor = verify.store.factors.get(challenge.factorSid);
      if (factor?.push === undefined)
        throw verifyErrors.invalidRequest('notifications are sent for push challenges only');
      if (factor.push.notificationPlatform === 'none') throw verifyErrors.platformNone();
      if (challengeStatus(challenge, verify.now()) !== 'pending') throw verifyErrors.challengeResponded();
      const notification = {
        sid: verify.store.newSid('NT'),
        challengeSid: challenge.sid,
        ttl,
        createdAt: verify.now(),
      };
      verify.store.notifications.push(notification);
      ctx.status = 201;
      ctx.body = renderNotification(notification, challenge, renderContext(ctx, verify));
    }),
  ];
}

/** The path's challenge; a device token only reaches challenges to its own factor. */
function ownChallenge(ctx: Context, verify: VerifyState): Challenge {
  const challenge = pathChallenge(ctx, verify);
  const caller = callerOf(ctx);
  if (caller.kind === 'device' && caller.factor.sid !== challenge.factorSid)
    throw verifyErrors.notFound(
      `/Services/${routeParam(ctx, 'serviceSid')}/Entities/${routeParam(ctx, 'identity')}/Challenges/${challenge.sid}`,
    );
  return challenge;
}
