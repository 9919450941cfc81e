import { eventCode, EVENT_NAMES } from '../event-names';
import type { EventName } from '../event-names';
import { appObject, userObject } from '../event-objects';
import type { EmulatedApp, EventObjects, ReportingEvent } from '../event-objects';
import { sha256 } from '../phone';
import { hash32, hashUnit, hex8 } from '../random';

/** Event names synthetic history is drawn from, with their relative weights. */
export const SYNTHETIC_EVENT_MIX: readonly (readonly [EventName, number])[] = [
  ['user_added', 10],
  ['device_registration_completed', 8],
  ['totp_token_sent', 20],
  ['totp_token_sent_via_call', 2],
  ['token_verified', 20],
  ['token_invalid', 4],
  ['one_touch_request_responded', 24],
  ['user_phone_changed', 2],
  ['user_removed', 2],
];

/** One `POST /_emulator/reporting/seed`: everything needed to rebuild any of its events later. */
export interface SyntheticBatch {
  firstSerial: number;
  count: number;
  seed: number;
  from: number;
  to: number;
  /** Synthetic people are authy ids userBase .. userBase + userCount - 1. */
  userBase: number;
  userCount: number;
}

/** Columns of a batch, sorted by time, ready for EventStore.insertBatch. */
export interface SyntheticColumns {
  times: Float64Array;
  serials: Uint32Array;
  codes: Uint8Array;
}

/** Salts of the per-event hashes, so each derived field is independent. */
const SALT = { time: 0, kind: 1, user: 2, id1: 3, id2: 4, id3: 5, outcome: 6, device: 7 } as const;

/**
 * A batch of `count` events over [from, to): event i falls at a hashed point of the i-th equal slice
 * of the window, so times come out sorted (no sort needed), spread, and identical for a given seed.
 */
export function generateSyntheticColumns(
  batch: SyntheticBatch,
  names: readonly EventName[] = SYNTHETIC_EVENT_MIX.map(([name]) => name),
): SyntheticColumns {
  const { count, seed, from, firstSerial } = batch;
  const span = batch.to - batch.from;
  const mix = SYNTHETIC_EVENT_MIX.filter(([name]) => names.includes(name));
  const cumulative = new Float64Array(mix.length);
  const mixCodes = new Uint8Array(mix.length);
  let total = 0;
  mix.forEach(([name, weight], index) => {
    total += weight;
    cumulative[index] = total;
    mixCodes[index] = eventCode(name);
  });
  const times = new Float64Array(count);
  const serials = new Uint32Array(count);
  const codes = new Uint8Array(count);
  for (let i = 0; i < count; i += 1) {
    const serial = firstSerial + i;
    times[i] = from + Math.floor(((i + hashUnit(seed, serial, SALT.time)) * span) / count);
    serials[i] = serial;
    const pick = hashUnit(seed, serial, SALT.kind) * total;
    let k = 0;
    while (k < cumulative.length - 1 && pick >= cumulative[k]!) k += 1;
    codes[i] = mixCodes[k]!;
  }
  return { times, serials, codes };
}

/** The request id of the event with this serial: 32 hex digits, unique because the serial is in it. */
export function requestIdFor(seed: number, serial: number): string {
  return (
    hex8(hash32(seed, serial, SALT.id1)) +
    hex8(hash32(seed, serial, SALT.id2)) +
    hex8(hash32(seed, serial, SALT.id3)) +
    hex8(serial)
  );
}

/** Rebuilds a synthetic event from its batch, serial, time and code: same inputs, same event. */
export function materializeSynthetic(
  batch: SyntheticBatch,
  app: EmulatedApp,
  serial: number,
  time: number,
  code: number,
): ReportingEvent {
  const { seed } = batch;
  const event = EVENT_NAMES[code]!;
  const authyId = batch.userBase + (hash32(seed, serial, SALT.user) % batch.userCount);
  const countryCode = 1;
  const user = userObject({ authyId, countryCode, phoneHash: syntheticPhoneHash(authyId) });
  const objects: EventObjects = { app: appObject(app), user };
  const seconds = Math.floor(time / 1000);
  const iso = new Date(time).toISOString();
  if (event === 'device_registration_completed') {
    const deviceId = 100_000 + (hash32(seed, serial, SALT.device) % 900_000_000);
    const ios = hash32(seed, serial, SALT.outcome) % 2 === 0;
    objects.device = {
      creation_date: iso,
      device_app: 'authy',
      device_type: ios ? 'iphone' : 'android',
      errors: [],
      id: deviceId,
      ip: `198.51.100.${hash32(seed, serial, SALT.device) % 250}`,
      last_used_date: iso,
      name: ios ? 'iPhone' : 'Android',
      sync_date: iso,
      user_agent: ios ? 'Authy/25.1 (iPhone; iOS 17.0)' : 'Authy/25.1 (Android 14)',
      version: '25.1.0',
    };
  } else if (event === 'one_touch_request_responded') {
    const approved = hashUnit(seed, serial, SALT.outcome) < 0.8;
    objects.onetouch_request = {
      device_geolocation: null,
      device_signing_time: seconds,
      errors: [],
      expiration_timestamp: seconds + 86_400 - 60,
      seconds_to_expire: 86_400,
      status: approved ? 'approved' : 'denied',
      uuid: uuidFor(seed, serial),
    };
  } else if (event === 'user_phone_changed') {
    objects.phone_change = {
      current_phone_number: sha256(`+1555${(authyId % 10_000_000).toString().padStart(7, '0')}9`),
      id: uuidFor(seed, serial),
      new_phone_number: user.phone_number,
      status: 'approved',
    };
  }
  return { event, time: iso, request_id: requestIdFor(seed, serial), objects };
}

function syntheticPhoneHash(authyId: number): string {
  return sha256(`+1555${(authyId % 10_000_000).toString().padStart(7, '0')}`);
}

function uuidFor(seed: number, serial: number): string {
  const h = hex8(hash32(seed, serial, SALT.id3)) + hex8(hash32(seed, serial, SALT.id1 + 10)) + hex8(serial);
  const tail = hex8(hash32(seed, serial, SALT.id2 + 10));
  const all = h + tail;
  return `${all.slice(0, 8)}-${all.slice(8, 12)}-${all.slice(12, 16)}-${all.slice(16, 20)}-${all.slice(20, 32)}`;
}
