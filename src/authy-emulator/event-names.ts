import { REPORTING_ONLY_EVENT_NAMES, WEBHOOK_EVENT_NAMES } from '../shared/authy-events';

export { REPORTING_ONLY_EVENT_NAMES, WEBHOOK_EVENT_NAMES };

/** Every event name the emulator knows; the index of a name is its compact code in the event store. */
export const EVENT_NAMES = [...WEBHOOK_EVENT_NAMES, ...REPORTING_ONLY_EVENT_NAMES] as const;

export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const codes = new Map<string, number>(EVENT_NAMES.map((name, index) => [name, index]));

/** The compact code of an event name (its index in {@link EVENT_NAMES}). */
export function eventCode(name: EventName): number {
  return codes.get(name)!;
}

/** True for any event name the emulator knows. */
export function isEventName(value: string): value is EventName {
  return codes.has(value);
}

/** True for the names a webhook may subscribe to (docs/authy-api.md#23-event-names). */
export function isWebhookEventName(value: string): value is WebhookEventName {
  return (WEBHOOK_EVENT_NAMES as readonly string[]).includes(value);
}
