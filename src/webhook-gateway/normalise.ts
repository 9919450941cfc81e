import type { NewInboxEvent } from '../db/webhook-inbox';
import { GatewayHttpError } from './errors';
import { ONETOUCH_CALLBACK_EVENT } from './events';
import type { InboxPayload, OneTouchCallback, WebhookClaims } from './schemas';

/**
 * The masked form of a phone number kept on the customer record: the last four digits only, like
 * Authy's own `XXX-XXX-9302`. Hashed numbers (64 hex characters, as in Reporting data) and anything
 * with fewer than six digits yield nothing.
 */
export function maskPhone(raw: string | null | undefined): string | undefined {
  if (!raw || /^[0-9a-f]{64}$/i.test(raw.trim())) return undefined;
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 6) return undefined;
  return `XXX-XXX-${digits.slice(-4)}`;
}

/** Event times PostgreSQL can store and that make sense for Authy events; anything else is unknown. */
const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
const LATEST_EVENT_TIME = Date.UTC(9999, 11, 31);

function parseTime(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const time = new Date(value).getTime();
  return time >= EARLIEST_EVENT_TIME && time <= LATEST_EVENT_TIME ? new Date(time) : undefined;
}

function approvalStatus(value: string | null | undefined): 'approved' | 'denied' | undefined {
  return value === 'approved' || value === 'denied' ? value : undefined;
}

function invalid(message: string): GatewayHttpError {
  return new GatewayHttpError(400, 'invalid_claims', message);
}

/**
 * Turns verified webhook claims into an inbox event. The delivery id is the JWT `id` (else
 * `request_id` + event + time). Acting events missing what they need are malformed (400);
 * one_touch_request_responded with a status other than approved/denied is recorded only.
 */
export function webhookInboxEvent(claims: WebhookClaims): NewInboxEvent {
  const event = (claims.event ?? claims.name)!;
  const deliveryId =
    claims.id !== undefined
      ? `jwt:${claims.id}`
      : `rq:${claims.request_id ?? ''}:${event}:${claims.time ?? ''}`;
  const authyId = claims.objects?.user?.authy_id ?? undefined;
  const payload: InboxPayload = {};
  let actionable = false;
  switch (event) {
    case 'device_registration_completed':
      if (authyId === undefined) throw invalid(`${event} needs objects.user.authy_id`);
      actionable = true;
      break;
    case 'user_phone_changed': {
      if (authyId === undefined) throw invalid(`${event} needs objects.user.authy_id`);
      const masked = maskPhone(claims.objects?.phone_change?.new_phone_number);
      if (masked !== undefined) payload.maskedPhone = masked;
      actionable = true;
      break;
    }
    case 'one_touch_request_responded': {
      const request = claims.objects?.onetouch_request;
      const uuid = request?.uuid ?? undefined;
      if (uuid === undefined) throw invalid(`${event} needs objects.onetouch_request.uuid`);
      payload.approvalUuid = uuid;
      const status = approvalStatus(request?.status);
      if (status !== undefined) payload.approvalStatus = status;
      actionable = status !== undefined;
      break;
    }
    default:
      break;
  }
  const occurredAt = parseTime(claims.time);
  return {
    deliveryId,
    source: 'webhook',
    event,
    ...(authyId !== undefined ? { authyId } : {}),
    payload,
    ...(occurredAt ? { occurredAt } : {}),
    state: actionable ? 'pending' : 'not_actionable',
  };
}

/**
 * Turns a verified OneTouch callback into an inbox event, identified by approval uuid + status (the
 * same answer reported twice is one delivery). Statuses other than approved/denied are recorded only.
 */
export function oneTouchInboxEvent(callback: OneTouchCallback): NewInboxEvent {
  const status = approvalStatus(callback.status);
  const actionable =
    status !== undefined &&
    (callback.callback_action ?? 'approval_request_status') === 'approval_request_status';
  const payload: InboxPayload = { approvalUuid: callback.uuid };
  if (status !== undefined) payload.approvalStatus = status;
  return {
    deliveryId: `onetouch:${callback.uuid}:${callback.status}`,
    source: 'onetouch',
    event: ONETOUCH_CALLBACK_EVENT,
    authyId: callback.authy_id,
    payload,
    state: actionable ? 'pending' : 'not_actionable',
  };
}
