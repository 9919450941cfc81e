import type { Deliverer } from './delivery/deliverer';
import type { EventName } from './event-names';
import { isWebhookEventName } from './event-names';
import { appObject } from './event-objects';
import type { EmulatedApp, EventObjects, ReportingEvent } from './event-objects';
import type { ReportingLog } from './reporting/reporting-log';
import type { EmulatorSettings } from './settings';
import { webhookDeliveryJob } from './webhooks/webhook-delivery';
import type { WebhookRegistry } from './webhooks/webhook-registry';

/**
 * Records what just happened as a reporting event and delivers it to every webhook subscribed to
 * its name: the one path by which actions become observable.
 */
export function recordEvent(
  deps: {
    app: EmulatedApp;
    reporting: ReportingLog;
    webhooks: WebhookRegistry;
    deliverer: Deliverer;
    settings: EmulatorSettings;
    now: () => number;
  },
  event: EventName,
  objects: Omit<EventObjects, 'app'>,
): ReportingEvent {
  const record = deps.reporting.append(event, { app: appObject(deps.app), ...objects });
  if (isWebhookEventName(event)) {
    for (const webhook of deps.webhooks.subscribedTo(event)) {
      deps.deliverer.enqueue(
        webhookDeliveryJob(record, webhook, {
          contentType: deps.settings.webhookContentType,
          now: deps.now(),
        }),
      );
    }
  }
  return record;
}
