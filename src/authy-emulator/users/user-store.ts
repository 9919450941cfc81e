import { hash32 } from '../random';
import type { SeededRandom } from '../random';
import { phoneHash, phoneKey } from '../phone';
import type { Phone } from '../phone';

/** Device types the emulator's people install the app on (docs/authy-api.md#25-event-attributes `s_device_type`). */
export const DEVICE_TYPES = ['android', 'iphone', 'ipad', 'android_tablet', 'authy_chrome'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** A device the person installed the app on. */
export interface EmulatedDevice {
  id: number;
  type: DeviceType;
  /** Epoch ms. */
  createdAt: number;
}

/** One person known to the emulated application. */
export interface EmulatedUser {
  authyId: number;
  phone: Phone;
  /** Every email registered with this phone, first one first (docs/authy-api.md#14-users keeps extra emails). */
  emails: string[];
  /** Installed the app (docs/authy-api.md#14-users `registered`). */
  registered: boolean;
  /** Has verified a valid token once (docs/authy-api.md#14-users `confirmed`). */
  confirmed: boolean;
  devices: EmulatedDevice[];
  /** Removed from the application: answers 60026 until registered again. */
  removed: boolean;
  /** The code the person can read on their phone right now, and those already used. */
  token?: string;
  usedTokens: Set<string>;
  installLinksSent: number;
  smsSent: number;
  callsSent: number;
  createdAt: number;
}

/**
 * The application's people, keyed by phone (docs/authy-api.md#14-users: same country code and cellphone, same
 * authy id, also after a removal). Ids start at a seed-dependent base below the synthetic range.
 */
export class UserStore {
  private readonly byPhone = new Map<string, number>();
  private readonly byId = new Map<number, EmulatedUser>();
  private nextId: number;
  private nextDeviceId: number;

  constructor(
    seed: number,
    private readonly random: SeededRandom,
    private readonly now: () => number,
  ) {
    this.nextId = 1_000_000 + (hash32(seed, 0, 21) % 8_000_000);
    this.nextDeviceId = 100_000_000 + (hash32(seed, 0, 22) % 100_000_000);
  }

  /** Registers a phone: `created` is false when it was already an active user of the application. */
  register(phone: Phone, email: string): { user: EmulatedUser; created: boolean } {
    const key = phoneKey(phone);
    const known = this.byPhone.get(key);
    const existing = known === undefined ? undefined : this.byId.get(known);
    if (existing !== undefined) {
      if (!existing.emails.includes(email)) existing.emails.push(email);
      const created = existing.removed;
      existing.removed = false;
      return { user: existing, created };
    }
    const user: EmulatedUser = {
      authyId: this.nextId,
      phone,
      emails: [email],
      registered: false,
      confirmed: false,
      devices: [],
      removed: false,
      usedTokens: new Set(),
      installLinksSent: 0,
      smsSent: 0,
      callsSent: 0,
      createdAt: this.now(),
    };
    this.nextId += 1 + (this.random.nextUint32() % 7);
    this.byPhone.set(key, user.authyId);
    this.byId.set(user.authyId, user);
    return { user, created: true };
  }

  /** An active (not removed) user. */
  get(authyId: number | string): EmulatedUser | undefined {
    const id = typeof authyId === 'number' ? authyId : /^\d{1,12}$/.test(authyId) ? Number(authyId) : NaN;
    const user = this.byId.get(id);
    return user === undefined || user.removed ? undefined : user;
  }

  /** The person installs the app on a device. */
  install(user: EmulatedUser, type: DeviceType): EmulatedDevice {
    const device: EmulatedDevice = { id: this.nextDeviceId, type, createdAt: this.now() };
    this.nextDeviceId += 1;
    user.devices.push(device);
    user.registered = true;
    return device;
  }

  /** Moves a user to a new phone; false when another active user already has it. */
  changePhone(user: EmulatedUser, phone: Phone): boolean {
    const key = phoneKey(phone);
    const holder = this.byPhone.get(key);
    if (holder !== undefined && holder !== user.authyId && this.get(holder) !== undefined) return false;
    this.byPhone.delete(phoneKey(user.phone));
    this.byPhone.set(key, user.authyId);
    user.phone = phone;
    return true;
  }

  /** A fresh opaque id (phone change ids). */
  newId(): string {
    return this.random.uuid();
  }

  /** A fresh 7-digit code (what an SMS or the app shows); replaces the previous one. */
  issueToken(user: EmulatedUser): string {
    let token: string;
    do token = String(this.random.int(0, 9_999_999)).padStart(7, '0');
    while (user.usedTokens.has(token));
    user.token = token;
    return token;
  }

  /** Everything about a user the control API may show: phones only as digests. */
  describe(user: EmulatedUser) {
    return {
      authy_id: user.authyId,
      registered: user.registered,
      confirmed: user.confirmed,
      devices: user.devices.map((d) => ({
        id: d.id,
        type: d.type,
        created_at: new Date(d.createdAt).toISOString(),
      })),
      country_code: user.phone.countryCode,
      phone_hash: phoneHash(user.phone),
      emails: user.emails.length,
      install_links_sent: user.installLinksSent,
      sms_sent: user.smsSent,
      calls_sent: user.callsSent,
    };
  }
}
