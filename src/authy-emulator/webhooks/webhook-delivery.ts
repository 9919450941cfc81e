import jwt from 'jsonwebtoken';
import qs from 'qs';
import type { DeliveryJob } from '../delivery/deliverer';
import type { ReportingEvent } from '../event-objects';
import type { Webhook } from './webhook-registry';

/** How deliveries carry the JWT: form field `body` (default) or JSON `{ "body": … }`. */
export type WebhookContentType = 'form' | 'json';

/**
 * JWT claims of one delivery (docs/contract.md#5-webhook-gateway; Twilio publishes none, docs/authy-api.md#24-delivery-payload):
 * the reporting event plus `id` (one per event, the same for every retry and duplicate),
 * `webhook_id` and `iat`.
 */
export interface WebhookClaims {
  id: string;
  webhook_id: string;
  event: string;
  time: string;
  request_id: string;
  objects: ReportingEvent['objects'];
  iat: number;
}

/** The event id of the claims: the request id (unique per event) in UUID layout. */
export function webhookEventId(event: ReportingEvent): string {
  const h = event.request_id;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A delivery of `event` to `webhook`: signed once, so retries and duplicates send the same token. */
export function webhookDeliveryJob(
  event: ReportingEvent,
  webhook: Webhook,
  options: { contentType: WebhookContentType; now: number },
): DeliveryJob {
  const claims: WebhookClaims = {
    id: webhookEventId(event),
    webhook_id: webhook.id,
    event: event.event,
    time: event.time,
    request_id: event.request_id,
    objects: event.objects,
    iat: Math.floor(options.now / 1000),
  };
  const token = jwt.sign(claims, webhook.signing_key, { algorithm: 'HS256' });
  const json = options.contentType === 'json';
  const body = json ? JSON.stringify({ body: token }) : qs.stringify({ body: token });
  return {
    kind: 'webhooks',
    id: claims.id,
    event: event.event,
    webhookId: webhook.id,
    url: webhook.url,
    build: () => ({
      method: 'POST',
      url: webhook.url,
      headers: {
        'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
        'user-agent': 'twofold-authy-emulator/webhooks',
      },
      body,
    }),
  };
}
