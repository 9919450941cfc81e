import type { ReportingEvent } from '../../src/authy-emulator/event-objects';
import { useEmulator } from './helpers';

// Reference: docs/authy-api.md sections 2.3 (event names), 2.5 and 3.4 (object
// shapes, unprefixed keys, hashed phone numbers). Every action taken through the emulator must show
// up as a reporting event, so what a sync stores can be checked against what happened.

const USER_KEYS = ['authy_id', 'authy_ids', 'banned', 'country_code', 'locale', 'phone_number'];
const APP_KEYS = ['account_sid', 'device_app', 'id', 'name', 'type'];

describe('events of actions (docs/authy-api.md §2.3, §2.5, §3.4)', () => {
  const emu = useEmulator();

  it('when a person goes through every action, then each appears once, newest first, with the documented objects', async () => {
    const created = await emu.api<{ user: { id: number } }>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        user: { email: 'all@example.com', cellphone: '555-909-1234', country_code: 1 },
      }),
    });
    const id = created.body.user.id;
    await emu.api(`/protected/json/sms/${id}`);
    await emu.api(`/protected/json/call/${id}?force=true`);
    const { body: token } = await emu.control<{ token: string }>('GET', `/_emulator/users/${id}/token`);
    await emu.api(`/protected/json/verify/${token.token}/${id}`);
    await emu.api(`/protected/json/verify/1111111/${id}`);
    await emu.control('POST', `/_emulator/users/${id}/install`, { device_type: 'android' });
    const approval = await emu.api<{ approval_request: { uuid: string } }>(
      `/onetouch/json/users/${id}/approval_requests`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'ok?' }),
      },
    );
    await emu.control('POST', `/_emulator/approval_requests/${approval.body.approval_request.uuid}/respond`, {
      status: 'approved',
    });
    await emu.control('POST', `/_emulator/users/${id}/phone`, { countryCode: 1, cellphone: '5559095678' });
    await emu.api(`/protected/json/users/${id}/remove`, { method: 'POST' });

    const { body } = await emu.api<{ events: ReportingEvent[] }>(
      '/protected/json/reporting/events?per_page=100',
    );
    const names = body.events.map((e) => e.event).reverse();
    expect(names).toEqual([
      'user_added',
      'totp_token_sent',
      'totp_token_sent_via_call',
      'token_verified',
      'token_invalid',
      'device_registration_completed',
      'one_touch_request_responded',
      'user_phone_changed',
      'user_removed',
    ]);
    for (const event of body.events) {
      expect(Object.keys(event.objects.app).sort()).toEqual(APP_KEYS);
      expect(Object.keys(event.objects.user ?? {}).sort()).toEqual(USER_KEYS);
      expect(event.objects.user?.authy_id).toBe(id);
      expect(event.objects.user?.authy_ids).toEqual([id]);
      expect(event.objects.user?.phone_number).toMatch(/^[0-9a-f]{64}$/);
    }
    const byName = new Map(body.events.map((e) => [e.event, e]));
    expect(Object.keys(byName.get('device_registration_completed')?.objects.device ?? {}).sort()).toEqual(
      [
        'creation_date',
        'device_app',
        'device_type',
        'errors',
        'id',
        'ip',
        'last_used_date',
        'name',
        'sync_date',
        'user_agent',
        'version',
      ].sort(),
    );
    expect(
      Object.keys(byName.get('one_touch_request_responded')?.objects.onetouch_request ?? {}).sort(),
    ).toEqual(
      [
        'device_geolocation',
        'device_signing_time',
        'errors',
        'expiration_timestamp',
        'seconds_to_expire',
        'status',
        'uuid',
      ].sort(),
    );
    expect(Object.keys(byName.get('user_phone_changed')?.objects.phone_change ?? {}).sort()).toEqual(
      ['current_phone_number', 'id', 'new_phone_number', 'status'].sort(),
    );
    const everything = JSON.stringify(body);
    expect(everything).not.toMatch(/5559091234|909-1234|5559095678|all@example\.com/);
    expect(new Set(body.events.map((e) => e.request_id)).size).toBe(body.events.length);
  });

  it('when the same event kind is queried by its prefixed object attribute, then action events are found too', async () => {
    const created = await emu.api<{ user: { id: number } }>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'q@example.com', cellphone: '5559091000', country_code: 351 } }),
    });
    await emu.control('POST', '/_emulator/reporting/seed', {
      count: 500,
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const mine = await emu.api<{ events: ReportingEvent[] }>(
      `/protected/json/reporting/events?query[objects.user.i_authy_id][eq]=${created.body.user.id}`,
    );
    expect(mine.body.events.map((e) => e.event)).toEqual(['user_added']);
    const portuguese = await emu.api<{ events: ReportingEvent[] }>(
      '/protected/json/reporting/events?query[objects.user.i_country_code][eq]=351',
    );
    expect(portuguese.body.events).toHaveLength(1);
  });
});
