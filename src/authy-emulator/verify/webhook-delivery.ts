import type { DeliveryJob } from '../delivery/deliverer';
import type { VerifyWebhookEvent } from '../../shared/verify-events';
import { iso } from './render';
import type { Challenge, Factor, VerifyWebhook } from './resources';
import { signVerifyWebhook } from './webhook-signature';

/** What happened, as a Verify webhook delivery reports it. */
export interface VerifyEvent {
  /** One per event: the same for every webhook, retry and duplicate (receivers dedupe on it). */
  uuid: string;
  type: VerifyWebhookEvent;
  accountSid: string;
  factor: Factor;
  challenge?: Challenge;
  at: number;
}

/**
 * The form fields of a delivery. Twilio documents `uuid`, `type`, `account_sid`, `service_sid`,
 * `entity_identity`, `factor_sid` and `factor_type`; the rest are the emulator's choice
 * (docs/emulator.md, "Verify webhooks").
 */
export function verifyEventFields(event: VerifyEvent): Map<string, string> {
  const { factor, challenge } = event;
  const fields = new Map<string, string>([
    ['uuid', event.uuid],
    ['type', event.type],
    ['account_sid', event.accountSid],
    ['service_sid', factor.serviceSid],
    ['entity_identity', factor.identity],
    ['factor_sid', factor.sid],
    ['factor_type', factor.type],
    ['factor_friendly_name', factor.friendlyName],
    ['created_date', iso(event.at)],
  ]);
  if (challenge !== undefined) {
    fields.set('challenge_sid', challenge.sid);
    fields.set(
      'challenge_details',
      JSON.stringify({
        message: challenge.details.message,
        date: iso(challenge.createdAt),
        fields: challenge.details.fields,
      }),
    );
    if (challenge.hiddenDetails !== null)
      fields.set('challenge_hidden_details', JSON.stringify(challenge.hiddenDetails));
    if (challenge.metadata !== null) fields.set('challenge_metadata', JSON.stringify(challenge.metadata));
  }
  return fields;
}

/** A delivery of `event` to `webhook`: a signed form POST, built once so retries send the same bytes. */
export function verifyWebhookJob(event: VerifyEvent, webhook: VerifyWebhook, authToken: string): DeliveryJob {
  const fields = verifyEventFields(event);
  const signature = signVerifyWebhook(authToken, webhook.url, fields);
  const body = new URLSearchParams([...fields]).toString();
  return {
    kind: 'verify',
    id: event.uuid,
    event: event.type,
    webhookId: webhook.sid,
    url: webhook.url,
    build: () => ({
      method: 'POST',
      url: webhook.url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'user-agent': 'TwilioProxy/1.1 (twofold emulator)',
        'x-twilio-signature': signature,
      },
      body,
    }),
  };
}

/** Whether a webhook wants deliveries of `type`. */
export function subscribes(webhook: VerifyWebhook, type: VerifyWebhookEvent): boolean {
  return (
    webhook.status === 'enabled' && (webhook.eventTypes.includes('*') || webhook.eventTypes.includes(type))
  );
}
