import type { EventName } from './event-names';

/**
 * The `objects` of an Authy event, with the unprefixed keys of Twilio's captured Reporting responses
 * (docs/authy-api.md#25-event-attributes, #34-event-records). Phone numbers are SHA-256 hex digests, never the raw number.
 */
export interface EventObjects {
  app: AppObject;
  user?: UserObject;
  device?: DeviceObject;
  onetouch_request?: OneTouchRequestObject;
  phone_change?: PhoneChangeObject;
}

/** `objects.app` (docs/authy-api.md#34-event-records). */
export interface AppObject {
  account_sid: string;
  device_app: null;
  id: number;
  name: string;
  type: 'full';
}

/** `objects.user` (docs/authy-api.md#25-event-attributes, #34-event-records). */
export interface UserObject {
  authy_id: number;
  authy_ids: number[];
  banned: boolean;
  country_code: number;
  locale: string;
  /** SHA-256 hex of the E.164 number (`+<country code><digits>`). */
  phone_number: string;
}

/** `objects.device` of device_registration_completed (docs/authy-api.md#34-event-records). */
export interface DeviceObject {
  creation_date: string;
  device_app: string;
  device_type: string;
  errors: string[];
  id: number;
  ip: string;
  last_used_date: string;
  name: string;
  sync_date: string;
  user_agent: string;
  version: string;
}

/** `objects.onetouch_request` of one_touch_request_responded (docs/authy-api.md#34-event-records). */
export interface OneTouchRequestObject {
  device_geolocation: null;
  device_signing_time: number;
  errors: string[];
  /** Unix seconds; null when the request never expires (`seconds_to_expire` 0). */
  expiration_timestamp: number | null;
  seconds_to_expire: number;
  status: 'pending' | 'approved' | 'denied' | 'expired';
  uuid: string;
}

/** `objects.phone_change` of user_phone_changed (docs/authy-api.md#25-event-attributes). */
export interface PhoneChangeObject {
  /** SHA-256 hex of the number before the change. */
  current_phone_number: string;
  id: string;
  /** SHA-256 hex of the number after the change. */
  new_phone_number: string;
  status: 'approved';
}

/** One event as the Reporting API returns it (docs/authy-api.md#34-event-records): exactly these four keys. */
export interface ReportingEvent {
  event: EventName;
  /** ISO 8601 with milliseconds, UTC. */
  time: string;
  request_id: string;
  objects: EventObjects;
}

/** The one Authy application the emulator plays. */
export interface EmulatedApp {
  id: number;
  name: string;
  accountSid: string;
  /** `app_id` of approval requests: a 24-hex string in Twilio's samples. */
  hexId: string;
}

/** The app as every event carries it. */
export function appObject(app: EmulatedApp): AppObject {
  return { account_sid: app.accountSid, device_app: null, id: app.id, name: app.name, type: 'full' };
}

/** A user as events carry it: the phone only as its digest. */
export function userObject(user: { authyId: number; countryCode: number; phoneHash: string }): UserObject {
  return {
    authy_id: user.authyId,
    authy_ids: [user.authyId],
    banned: false,
    country_code: user.countryCode,
    locale: 'en',
    phone_number: user.phoneHash,
  };
}
