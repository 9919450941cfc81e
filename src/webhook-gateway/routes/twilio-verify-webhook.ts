import type { Middleware } from 'koa';
import { z } from 'zod';
import type { NewInboxEvent } from '../../db/webhook-inbox';
import type { Logger } from '../../logger';
import { formParamsOf, isValidTwilioSignature } from '../../twilio/signature';
import { readFormText } from '../body';
import { GatewayHttpError, NOT_CONFIGURED_MESSAGE } from '../errors';
import type { Intake } from '../intake';
import type { InboxPayload } from '../schemas';
import { firstIssue } from '../schemas';
import { VerificationError } from '../verification-error';

/** Route of Twilio Verify webhooks (`factor.*`, `challenge.*`), registered with `twofold webhooks register --provider verify`. */
export const VERIFY_WEBHOOK_PATH = '/webhooks/twilio/verify';

/** What the Verify route needs: the auth token that signs deliveries, the public URL, intake and limits. */
export interface VerifyWebhookRouteDeps {
  /** TWILIO_AUTH_TOKEN; empty when not configured (deliveries then get 503). Never logged. */
  authToken: string;
  /** GATEWAY_PUBLIC_URL without a trailing slash: the signed URL is this + the route path. */
  publicUrl: string;
  intake: Intake;
  bodyLimitBytes: number;
  log: Logger;
}

const text = (max: number) => z.string().min(1).max(max);
const sid = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `expected a ${prefix} SID`);

/**
 * The fields of a Verify webhook twofold reads (https://www.twilio.com/docs/verify/api/webhooks;
 * docs/verify.md, "Webhooks"). Each must be sent once; other fields are signed over and ignored.
 */
const VerifyWebhookSchema = z.object({
  uuid: text(200),
  type: text(64),
  account_sid: sid('AC').optional(),
  service_sid: sid('VA').optional(),
  entity_identity: text(64).optional(),
  factor_sid: sid('YF').optional(),
  factor_type: text(32).optional(),
  challenge_sid: sid('YC').optional(),
  created_date: z.string().max(64).optional(),
});
type VerifyWebhook = z.infer<typeof VerifyWebhookSchema>;

/** Event times PostgreSQL can store and that make sense; anything else is unknown. */
function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const time = new Date(value).getTime();
  return time >= Date.UTC(2000, 0, 1) && time <= Date.UTC(9999, 11, 31) ? new Date(time) : undefined;
}

/**
 * Turns a verified Verify delivery into an inbox event, identified by Twilio's per-event `uuid` (the
 * same for every retry). `factor.verified` and `challenge.approved|denied` are actionable and need
 * their identity and SIDs (400 without); every other event is recorded only.
 */
export function verifyInboxEvent(hook: VerifyWebhook): NewInboxEvent {
  const payload: InboxPayload = {};
  let actionable = false;
  const need = (value: string | undefined, field: string): string => {
    if (value === undefined) throw new GatewayHttpError(400, 'invalid_claims', `${hook.type} needs ${field}`);
    return value;
  };
  switch (hook.type) {
    case 'factor.verified':
      need(hook.entity_identity, 'entity_identity');
      payload.factorSid = need(hook.factor_sid, 'factor_sid');
      if (hook.factor_type !== undefined) payload.factorType = hook.factor_type;
      actionable = true;
      break;
    case 'challenge.approved':
    case 'challenge.denied':
      need(hook.entity_identity, 'entity_identity');
      payload.approvalUuid = need(hook.challenge_sid, 'challenge_sid');
      payload.approvalStatus = hook.type === 'challenge.approved' ? 'approved' : 'denied';
      actionable = true;
      break;
    default:
      break;
  }
  const occurredAt = parseTime(hook.created_date);
  return {
    deliveryId: `verify:${hook.uuid}`,
    source: 'webhook',
    event: hook.type,
    ...(hook.entity_identity === undefined ? {} : { authyId: hook.entity_identity }),
    payload,
    ...(occurredAt ? { occurredAt } : {}),
    state: actionable ? 'pending' : 'not_actionable',
  };
}

/**
 * `POST /webhooks/twilio/verify`: checks `X-Twilio-Signature` (HMAC-SHA1 keyed with the auth token
 * over GATEWAY_PUBLIC_URL + the path + the sorted form parameters, never the Host header), validates,
 * then records the event in the inbox before answering 200. A repeated delivery (same `uuid`) answers
 * 200 `duplicate` and has no second effect.
 */
export function verifyWebhookHandler(deps: VerifyWebhookRouteDeps): Middleware {
  const url = `${deps.publicUrl}${VERIFY_WEBHOOK_PATH}`;
  return async (ctx) => {
    const body = await readFormText(ctx, deps.bodyLimitBytes);
    if (!deps.authToken) {
      deps.log.warn('Verify webhook refused: TWILIO_AUTH_TOKEN is not configured');
      throw new GatewayHttpError(503, 'not_configured', NOT_CONFIGURED_MESSAGE);
    }
    const signature = ctx.get('x-twilio-signature');
    if (signature === '') throw new VerificationError('missing_signature');
    const params = formParamsOf(body);
    if (!isValidTwilioSignature({ authToken: deps.authToken, url, params, signature })) {
      throw new VerificationError('bad_signature');
    }
    if (Object.values(params).some((value) => typeof value !== 'string')) {
      throw new GatewayHttpError(400, 'bad_request', 'a field was sent more than once');
    }
    const hook = VerifyWebhookSchema.safeParse(params);
    if (!hook.success) throw new GatewayHttpError(400, 'bad_request', firstIssue(hook.error));
    ctx.body = await deps.intake.record(verifyInboxEvent(hook.data));
  };
}
