import qs from 'qs';
import type { ReportingEvent } from '../../src/authy-emulator/event-objects';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';
import { registerUser, startEmulator, useEmulator } from './helpers';
import { closeAfterEach } from '../harness/lifecycle';
import { waitForDefined } from '../harness/wait-for';
import type { AuthyErrorBody, ControlErrorBody, RunningEmulator } from './helpers';
import { independentSignature } from './independent-signature';
import { startReceiver } from './receiver';
import type { Receiver } from './receiver';

// Reference: docs/authy-api.md sections 1.6 (approval requests), 1.7 (callbacks).
interface ApprovalBody {
  approval_request: Record<string, unknown> & { status: string; processed_at: string | null; uuid: string };
  success: boolean;
}
interface CallbackBody {
  approval_request: {
    expiration_timestamp: number | null;
    logos: unknown;
    transaction: Record<string, unknown>;
  };
  authy_id: number;
  callback_action: string;
  device_uuid: string;
  signature: string;
  status: string;
  uuid: string;
}

const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 50, maxAttempts: 5, timeoutMs: 2_000 };

describe('OneTouch approval requests (docs/authy-api.md §1.6)', () => {
  let clock: number;
  let authyId: number;
  beforeEach(() => {
    clock = Date.parse('2026-03-01T10:00:00.000Z');
  });
  const emu = useEmulator({ now: () => clock });
  beforeEach(async () => {
    authyId = await registeredUser(emu, '5553330001');
  });

  async function create(body: Record<string, unknown>, id = authyId) {
    return emu.api<{ approval_request: { uuid: string }; success: boolean }>(
      `/onetouch/json/users/${id}/approval_requests`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
  }

  it('when a request is created, then it answers its uuid and reads back pending with the 1.6 fields', async () => {
    const created = await create({ message: 'Log in to Example', details: { Account: 'alice' } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      approval_request: { uuid: created.body.approval_request.uuid },
      success: true,
    });
    const { status, body } = await emu.api<ApprovalBody>(
      `/onetouch/json/approval_requests/${created.body.approval_request.uuid}`,
    );
    expect(status).toBe(200);
    expect(Object.keys(body.approval_request).sort()).toEqual(
      [
        '_app_name',
        '_app_serial_id',
        '_authy_id',
        '_id',
        '_user_email',
        'app_id',
        'created_at',
        'notified',
        'processed_at',
        'seconds_to_expire',
        'status',
        'updated_at',
        'user_id',
        'uuid',
      ].sort(),
    );
    expect(body.approval_request).toEqual(
      expect.objectContaining({
        _authy_id: authyId,
        _user_email: 'person@example.com',
        created_at: '2026-03-01T10:00:00Z',
        processed_at: null,
        seconds_to_expire: 86_400,
        status: 'pending',
      }),
    );
  });

  it('when seconds_to_expire passes, then the pending request reads expired; 0 never expires', async () => {
    const short = (await create({ message: 'short', seconds_to_expire: 120 })).body.approval_request.uuid;
    const daily = (await create({ message: 'default' })).body.approval_request.uuid;
    const forever = (await create({ message: 'forever', seconds_to_expire: 0 })).body.approval_request.uuid;
    const statusOf = async (uuid: string) =>
      (await emu.api<ApprovalBody>(`/onetouch/json/approval_requests/${uuid}`)).body.approval_request;
    clock += 119_999;
    expect((await statusOf(short)).status).toBe('pending');
    clock += 1;
    expect(await statusOf(short)).toEqual(
      expect.objectContaining({ status: 'expired', processed_at: '2026-03-01T10:02:00Z' }),
    );
    clock += 86_400_000;
    expect((await statusOf(daily)).status).toBe('expired');
    clock += 10 * 365 * 86_400_000;
    expect((await statusOf(forever)).status).toBe('pending');
    const answer = await emu.control<ControlErrorBody>(
      'POST',
      `/_emulator/approval_requests/${short}/respond`,
      {
        status: 'approved',
      },
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toContain('expired');
  });

  it('when the user has not installed the app, then creating a request fails with 60050', async () => {
    const other = await emu.api<{ user: { id: number } }>('/protected/json/users/new', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: 'b@example.com', cellphone: '5553330002', country_code: 1 } }),
    });
    const { status, body } = await emu.api<AuthyErrorBody>(
      `/onetouch/json/users/${other.body.user.id}/approval_requests`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hi' }),
      },
    );
    expect(status).toBe(400);
    expect(body.error_code).toBe('60050');
  });

  it('when the message is missing or seconds_to_expire is not a whole number, then 400 / 60004', async () => {
    for (const body of [
      {},
      { message: '' },
      { message: 'x', seconds_to_expire: 'soon' },
      { message: 'x', details: 'y' },
    ]) {
      const answer = await emu.api<AuthyErrorBody>(`/onetouch/json/users/${authyId}/approval_requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect({ body, status: answer.status, code: answer.body.error_code }).toEqual({
        body,
        status: 400,
        code: '60004',
      });
    }
  });

  it('when the uuid is unknown, then 404 / 60049 with errors {} (1.2)', async () => {
    const { status, body } = await emu.api<AuthyErrorBody>('/onetouch/json/approval_requests/nope-1');
    expect(status).toBe(404);
    expect(body).toEqual({
      message: 'Approval request not found: nope-1',
      errors: {},
      success: false,
      error_code: '60049',
    });
  });

  it('when the person answers, then the status changes once; a second answer is 409; bad input 400', async () => {
    const uuid = (await create({ message: 'pay' })).body.approval_request.uuid;
    clock += 5_000;
    const denied = await emu.control<{ approval_request: { status: string } }>(
      'POST',
      `/_emulator/approval_requests/${uuid}/respond`,
      { status: 'denied' },
    );
    expect(denied.status).toBe(200);
    expect(denied.body.approval_request.status).toBe('denied');
    const read = await emu.api<ApprovalBody>(`/onetouch/json/approval_requests/${uuid}`);
    expect(read.body.approval_request).toEqual(
      expect.objectContaining({ status: 'denied', processed_at: '2026-03-01T10:00:05Z' }),
    );
    expect(
      (await emu.control('POST', `/_emulator/approval_requests/${uuid}/respond`, { status: 'approved' }))
        .status,
    ).toBe(409);
    expect(
      (await emu.control('POST', '/_emulator/approval_requests/unknown/respond', { status: 'approved' }))
        .status,
    ).toBe(404);
    expect(
      (await emu.control('POST', `/_emulator/approval_requests/${uuid}/respond`, { status: 'maybe' })).status,
    ).toBe(400);
    const events = await emu.api<{ events: ReportingEvent[] }>(
      '/protected/json/reporting/events?query[event][eq]=one_touch_request_responded',
    );
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0]?.objects.onetouch_request).toEqual(
      expect.objectContaining({ status: 'denied', uuid, seconds_to_expire: 86_400 }),
    );
    expect(events.body.events[0]?.objects.user?.authy_id).toBe(authyId);
  });

  it('when the control lists a user’s approval requests, then the simulated person can find what is pending', async () => {
    const uuid = (await create({ message: 'find me' })).body.approval_request.uuid;
    const listed = await emu.control<{ approval_requests: { uuid: string; status: string }[] }>(
      'GET',
      `/_emulator/users/${authyId}/approval_requests`,
    );
    expect(listed.body.approval_requests).toEqual([expect.objectContaining({ uuid, status: 'pending' })]);
  });
});

describe('OneTouch callbacks (docs/authy-api.md §1.7)', () => {
  let receiver: Receiver;
  let emu: RunningEmulator;
  const closeAfter = closeAfterEach();

  async function answered(method: 'POST' | 'GET', receiverAnswer?: (n: number) => number) {
    receiver = await closeAfter(
      startReceiver(receiverAnswer === undefined ? {} : { answer: receiverAnswer }),
    );
    emu = await closeAfter(
      startEmulator({
        oneTouchCallbackUrl: `${receiver.url}/webhooks/authy/onetouch`,
        oneTouchCallbackMethod: method,
        webhookRetry: FAST_RETRY,
      }),
    );
    const authyId = await registeredUser(emu, '5554440001');
    const created = await emu.api<{ approval_request: { uuid: string } }>(
      `/onetouch/json/users/${authyId}/approval_requests`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          message: 'Sign in to Example',
          details: { Username: 'alice', Location: 'Lisbon, PT' },
          hidden_details: { ip: '203.0.113.7' },
          logos: [{ res: 'default', url: 'https://example.com/logo.png' }],
          seconds_to_expire: 300,
        }),
      },
    );
    const uuid = created.body.approval_request.uuid;
    await emu.control('POST', `/_emulator/approval_requests/${uuid}/respond`, { status: 'approved' });
    return { authyId, uuid };
  }

  it('when a request is approved, then a POST JSON callback arrives with the 1.7 body, signed with the API key', async () => {
    const { authyId, uuid } = await answered('POST');
    const callback = await waitForDefined(() => receiver.received[0], { what: 'the OneTouch callback' });
    expect(callback.method).toBe('POST');
    expect(callback.url).toBe('/webhooks/authy/onetouch');
    expect(callback.headers['content-type']).toBe('application/json');
    const body = JSON.parse(callback.body) as CallbackBody;
    expect(body).toEqual({
      approval_request: {
        expiration_timestamp: expect.any(Number) as number,
        logos: [{ res: 'default', url: 'https://example.com/logo.png' }],
        transaction: expect.objectContaining({
          details: { Username: 'alice', Location: 'Lisbon, PT' },
          hidden_details: { ip: '203.0.113.7' },
          message: 'Sign in to Example',
          status: 'approved',
          uuid,
        }) as Record<string, unknown>,
      },
      authy_id: authyId,
      callback_action: 'approval_request_status',
      device_uuid: expect.any(String) as string,
      signature: expect.any(String) as string,
      status: 'approved',
      uuid,
    });
    const nonce = callback.headers['x-authy-signature-nonce'] as string;
    expect(nonce).toMatch(/^\d{10}$/);
    const expected = independentSignature({
      key: DEV_AUTHY_API_KEY,
      nonce,
      method: 'POST',
      url: `${receiver.url}/webhooks/authy/onetouch`,
      params: body,
    });
    expect(callback.headers['x-authy-signature']).toBe(expected);
  });

  it('when the app is configured for GET, then the callback carries everything in a signed query string', async () => {
    const { authyId, uuid } = await answered('GET');
    const callback = await waitForDefined(() => receiver.received[0], { what: 'the OneTouch callback' });
    expect(callback.method).toBe('GET');
    const target = new URL(callback.url, receiver.url);
    expect(target.pathname).toBe('/webhooks/authy/onetouch');
    const params = qs.parse(target.search.slice(1));
    expect(params).toEqual(
      expect.objectContaining({
        authy_id: String(authyId),
        status: 'approved',
        uuid,
        callback_action: 'approval_request_status',
      }),
    );
    const serialised = params.approval_request;
    if (typeof serialised !== 'string')
      throw new Error('approval_request should be a string in GET callbacks');
    expect(decodeURIComponent(serialised.replace(/\+/g, ' '))).toContain('"status"=>"approved"');
    const expected = independentSignature({
      key: DEV_AUTHY_API_KEY,
      nonce: callback.headers['x-authy-signature-nonce'] as string,
      method: 'GET',
      url: target.toString(),
      params,
    });
    expect(callback.headers['x-authy-signature']).toBe(expected);
  });

  it('when the receiver fails twice, then the callback is retried and delivered on the third attempt', async () => {
    await answered('POST', (n) => (n <= 2 ? 503 : 200));
    const stats = await waitForDefined(
      async () => {
        const answer = await emu.control<{ stats: { onetouch: { delivered: number; attempts: number } } }>(
          'GET',
          '/_emulator/deliveries?kind=onetouch',
        );
        return answer.body.stats.onetouch.delivered === 1 ? answer.body.stats.onetouch : undefined;
      },
      { what: 'the callback delivered' },
    );
    expect(stats.attempts).toBe(3);
    expect(receiver.received).toHaveLength(3);
    expect(
      new Set(receiver.received.map((r) => JSON.parse(r.body) as CallbackBody).map((b) => b.uuid)).size,
    ).toBe(1);
  });
});

/** Registers a phone and installs the app, so OneTouch requests can be sent to it. */
async function registeredUser(emu: RunningEmulator, cellphone: string): Promise<number> {
  const authyId = await registerUser(emu, cellphone);
  await emu.control('POST', `/_emulator/users/${authyId}/install`);
  return authyId;
}
