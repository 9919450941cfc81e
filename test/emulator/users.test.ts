import type { ReportingEvent } from '../../src/authy-emulator/event-objects';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';
import { startEmulator } from './helpers';
import type { AuthyErrorBody, RunningEmulator } from './helpers';

// Reference: docs/authy-api.md sections 1.1–1.5 (users, SMS, calls, verify).
interface Created {
  message: string;
  user: { id: number };
  success: boolean;
}
interface Status {
  status: Record<string, unknown> & { registered: boolean; devices: string[]; confirmed: boolean };
  message: string;
  success: boolean;
}
type TokenAnswer = Record<string, unknown> & { message: string; cellphone: string; success: boolean };

describe('Users API (docs/authy-api.md §1.4)', () => {
  let emu: RunningEmulator;
  let phoneSeq = 0;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => {
    await emu.close();
  });

  const nextPhone = () => `555-01${String((phoneSeq += 1)).padStart(2, '0')}-${1000 + phoneSeq}`;

  async function register(cellphone = nextPhone(), email = 'person@example.com', countryCode: unknown = 1) {
    return emu.api<Created>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email, cellphone, country_code: countryCode } }),
    });
  }

  async function events(name: string): Promise<ReportingEvent[]> {
    const answer = await emu.api<{ events: ReportingEvent[] }>(
      `/protected/json/reporting/events?per_page=100&query[event][eq]=${name}`,
    );
    return answer.body.events;
  }

  it('when a user is registered, then 200 with the documented message and an integer user.id', async () => {
    const { status, body } = await register();
    expect(status).toBe(200);
    expect(body).toEqual({
      message: 'User created successfully.',
      user: { id: body.user.id },
      success: true,
    });
    expect(Number.isInteger(body.user.id)).toBe(true);
  });

  it('when the same phone registers again with another email, then the same authy id comes back (identity = phone)', async () => {
    const phone = nextPhone();
    const first = await register(phone, 'one@example.com');
    const again = await register(phone.replace(/-/g, '.'), 'two@example.com', '1');
    const other = await register(nextPhone(), 'one@example.com');
    expect(again.body.user.id).toBe(first.body.user.id);
    expect(other.body.user.id).not.toBe(first.body.user.id);
    expect(await events('user_added')).toHaveLength(2);
  });

  it('when params are form-encoded with brackets or sent in the query string, then they are accepted too (1.1)', async () => {
    const form = await emu.api<Created>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user%5Bemail%5D=f%40example.com&user%5Bcellphone%5D=555-777-0001&user%5Bcountry_code%5D=44',
    });
    expect(form.status).toBe(200);
    const query = await emu.api<Created>(
      '/protected/json/users/new?user[email]=q@example.com&user[cellphone]=5557770001&user[country_code]=44',
      { method: 'POST' },
    );
    expect(query.body.user.id).toBe(form.body.user.id);
  });

  it('when the phone, country code or email is invalid, then 400 / 60027 with the field echoed (1.2)', async () => {
    const badPhone = await emu.api<AuthyErrorBody>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'a@example.com', cellphone: '12ab', country_code: 1 } }),
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body).toEqual({
      cellphone: 'is invalid',
      message: 'User was not valid',
      success: false,
      errors: { cellphone: 'is invalid', message: 'User was not valid' },
      error_code: '60027',
    });
    const badEmail = await emu.api<AuthyErrorBody>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'nope', cellphone: '5551234567', country_code: 1 } }),
    });
    expect(badEmail.body.errors).toEqual({ email: 'is invalid', message: 'User was not valid' });
    const badCountry = await emu.api<AuthyErrorBody>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'a@example.com', cellphone: '5551234567', country_code: 'x' } }),
    });
    expect(badCountry.body.error_code).toBe('60027');
    const missing = await emu.api<AuthyErrorBody>('/protected/json/users/new', { method: 'POST' });
    expect(missing.status).toBe(400);
  });

  it('when a JSON body is malformed, then 400 with an Authy-shaped error, not a crash', async () => {
    const { status, body } = await emu.api<AuthyErrorBody>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":',
    });
    expect(status).toBe(400);
    expect(body.success).toBe(false);
    expect(body.error_code).toBe('60002');
  });

  it('when status is read, then it has the fields authy-client requires, and registered follows install', async () => {
    const { body } = await register('555-222-9302');
    const id = body.user.id;
    const before = await emu.api<Status>(`/protected/json/users/${id}/status`);
    expect(before.body).toEqual({
      status: {
        authy_id: id,
        confirmed: false,
        registered: false,
        country_code: 1,
        phone_number: 'XXX-XXX-9302',
        devices: [],
        has_hard_token: false,
        account_disabled: false,
      },
      message: 'User status.',
      success: true,
    });
    expect(
      (await emu.control('POST', `/_emulator/users/${id}/install`, { device_type: 'iphone' })).status,
    ).toBe(200);
    const after = await emu.api<Status>(`/protected/json/users/${id}/status`);
    expect(after.body.status.registered).toBe(true);
    expect(after.body.status.devices).toEqual(['iphone']);
  });

  it('when the user does not exist, then 404 / 60026 "User not found." everywhere (1.2)', async () => {
    const paths: [string, string][] = [
      ['GET', '/protected/json/users/999/status'],
      ['GET', '/protected/json/sms/999'],
      ['GET', '/protected/json/call/999'],
      ['GET', '/protected/json/verify/1234567/999'],
      ['POST', '/protected/json/users/999/remove'],
      ['POST', '/onetouch/json/users/999/approval_requests'],
    ];
    for (const [method, path] of paths) {
      const { status, body } = await emu.api<AuthyErrorBody>(path, { method });
      expect({ path, status, body }).toEqual({
        path,
        status: 404,
        body: {
          message: 'User not found.',
          errors: { message: 'User not found.' },
          success: false,
          error_code: '60026',
        },
      });
    }
  });

  it.each([
    '/protected/json/users/:id/remove',
    '/protected/json/users/:id/delete',
    '/protected/json/users/delete/:id',
  ])('when a user is deleted via %s, then it is gone and user_removed is recorded', async (template) => {
    const id = (await register()).body.user.id;
    const removed = await emu.api(template.replace(':id', String(id)), { method: 'POST' });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ message: 'User removed from application', success: true });
    expect((await emu.api(`/protected/json/users/${id}/status`)).status).toBe(404);
    const [event] = await events('user_removed');
    expect(event?.objects.user?.authy_id).toBe(id);
  });

  it('when a removed phone registers again, then it gets its old authy id back', async () => {
    const phone = nextPhone();
    const id = (await register(phone)).body.user.id;
    await emu.api(`/protected/json/users/${id}/remove`, { method: 'POST' });
    expect((await register(phone)).body.user.id).toBe(id);
    expect((await emu.api(`/protected/json/users/${id}/status`)).status).toBe(200);
  });
});

describe('One-time passwords and verify (docs/authy-api.md §1.5)', () => {
  let emu: RunningEmulator;
  let id: number;
  beforeEach(async () => {
    emu = await startEmulator();
    const created = await emu.api<Created>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'otp@example.com', cellphone: '5559990012', country_code: 57 } }),
    });
    id = created.body.user.id;
  });
  afterEach(async () => {
    await emu.close();
  });

  it('when an SMS is requested for a user without the app, then it is sent and totp_token_sent is recorded', async () => {
    const { status, body } = await emu.api<TokenAnswer>(`/protected/json/sms/${id}`);
    expect(status).toBe(200);
    expect(body).toEqual({ success: true, message: 'SMS token was sent', cellphone: '+57-XXX-XXX-0012' });
    const events = await emu.api<{ events: ReportingEvent[] }>(
      '/protected/json/reporting/events?query[event][eq]=totp_token_sent',
    );
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0]?.objects.user?.authy_id).toBe(id);
  });

  it('when the user has the app, then SMS and call are ignored unless force=true', async () => {
    await emu.control('POST', `/_emulator/users/${id}/install`, { device_type: 'android' });
    const ignored = await emu.api<TokenAnswer>(`/protected/json/sms/${id}`);
    expect(ignored.body).toEqual({
      message:
        'Ignored: SMS is not needed for smartphones. Pass force=true if you want to actually send it anyway.',
      cellphone: '+57-XXX-XXX-0012',
      device: 'android',
      ignored: true,
      success: true,
    });
    const call = await emu.api<TokenAnswer>(`/protected/json/call/${id}`);
    expect(call.body.ignored).toBe(true);
    const forced = await emu.api<TokenAnswer>(`/protected/json/sms/${id}?force=true`);
    expect(forced.body.message).toBe('SMS token was sent');
    const forcedCall = await emu.api<TokenAnswer>(`/protected/json/call/${id}?force=true`);
    expect(forcedCall.body.message).toBe('Call started...');
    const user = await emu.control<{ user: { sms_sent: number; calls_sent: number } }>(
      'GET',
      `/_emulator/users/${id}`,
    );
    expect(user.body.user).toEqual(expect.objectContaining({ sms_sent: 1, calls_sent: 1 }));
  });

  it('when the token the person received is verified, then "is valid" once, reuse is 60019, a wrong one 60020', async () => {
    await emu.api(`/protected/json/sms/${id}`);
    const { body: tokenBody } = await emu.control<{ token: string }>('GET', `/_emulator/users/${id}/token`);
    expect(tokenBody.token).toMatch(/^\d{7}$/);
    const valid = await emu.api<Record<string, unknown>>(`/protected/json/verify/${tokenBody.token}/${id}`);
    expect(valid.status).toBe(200);
    expect(valid.body).toEqual(
      expect.objectContaining({ message: 'Token is valid.', token: 'is valid', success: 'true' }),
    );
    const reused = await emu.api<AuthyErrorBody>(`/protected/json/verify/${tokenBody.token}/${id}`);
    expect(reused.status).toBe(401);
    expect(reused.body.error_code).toBe('60019');
    const wrong = await emu.api<AuthyErrorBody>(`/protected/json/verify/0000000/${id}`);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      message: 'Token is invalid',
      token: 'is invalid',
      success: false,
      errors: { message: 'Token is invalid' },
      error_code: '60020',
    });
    const status = await emu.api<Status>(`/protected/json/users/${id}/status`);
    expect(status.body.status.confirmed).toBe(true);
    const counts = await Promise.all(
      ['token_verified', 'token_invalid'].map(async (name) => {
        const answer = await emu.control<{ count: number }>(
          'GET',
          `/_emulator/reporting/count?event=${name}`,
        );
        return answer.body.count;
      }),
    );
    expect(counts).toEqual([1, 2]);
  });

  it('when the legacy client sends api_key as a query parameter, then it authenticates (1.8)', async () => {
    const response = await fetch(`${emu.url}/protected/json/users/${id}/status?api_key=${DEV_AUTHY_API_KEY}`);
    expect(response.status).toBe(200);
  });
});
