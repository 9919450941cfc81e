import { REPORTING_ONLY_EVENT_NAMES, WEBHOOK_EVENT_NAMES } from '../shared/authy-events';
import { VERIFY_WEBHOOK_EVENTS } from '../shared/verify-events';

/**
 * Authy webhook event names the gateway knows (docs/authy-api.md#23-event-names): the 23 subscribable ones published by
 * Twilio's samples plus three that exist as Reporting events. All are accepted; only the
 * {@link ACTIONABLE_EVENTS} reach a workflow, the rest are recorded only.
 */
export const KNOWN_EVENTS = [...WEBHOOK_EVENT_NAMES, ...REPORTING_ONLY_EVENT_NAMES] as const;

/** Events an onboarding acts on; the OneTouch callback counts as an approval response too. */
export const ACTIONABLE_EVENTS = [
  'device_registration_completed',
  'one_touch_request_responded',
  'user_phone_changed',
] as const;
export type ActionableEvent = (typeof ACTIONABLE_EVENTS)[number];

/** The inbox `event` of a OneTouch callback (its body has no event name of its own). */
export const ONETOUCH_CALLBACK_EVENT = 'onetouch_callback';

const known = new Set<string>([...KNOWN_EVENTS, ...VERIFY_WEBHOOK_EVENTS]);

/** True for a name on either list of docs/authy-api.md#23-event-names. */
export function isKnownEvent(name: string): boolean {
  return known.has(name);
}

/**
 * A bounded metrics label for an event name: the name itself when known, else `unrecognised`, so a
 * sender cannot grow the label set.
 */
export function eventLabel(name: string): string {
  return known.has(name) || name === ONETOUCH_CALLBACK_EVENT ? name : 'unrecognised';
}
