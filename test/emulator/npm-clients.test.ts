import authy from 'authy';
import { Client } from 'authy-client';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';
import { startEmulator, useEmulator } from './helpers';
import { closeAfterEach } from '../harness/lifecycle';
import type { RunningEmulator } from './helpers';
import { oneTouchCallbackOf } from './authy-client-callback';
import { startReceiver } from './receiver';
import type { Receiver } from './receiver';

// Reference: docs/authy-api.md#18-third-party-clients — two clients written against the
// live API drive the emulator; their own response checks are the witnesses of fidelity.

type Answer = Record<string, unknown>;

/** Calls a legacy `authy` method (node-style callback): resolves with its answer, rejects with `{ body }` = its error. */
function legacy<T extends unknown[]>(
  call: (...args: [...T, (error: unknown, response: Answer) => void]) => void,
  ...args: T
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    call(...args, (error: unknown, response: Answer) => {
      if (error) reject(Object.assign(new Error('authy call failed'), { body: error }));
      else resolve(response);
    });
  });
}

describe('npm `authy` (legacy client, api_key in the query, form bodies) against the emulator (1.8)', () => {
  const emu = useEmulator();

  it('when it registers, reads status, sends an SMS, verifies, runs OneTouch and deletes, then every call succeeds', async () => {
    const client = authy(DEV_AUTHY_API_KEY, emu.url);
    const created = await legacy(
      client.register_user.bind(client),
      'legacy@example.com',
      '555-600-1000',
      '1',
      true,
    );
    const user = created.user as { id: number };
    expect(created.message).toBe('User created successfully.');
    expect(Number.isInteger(user.id)).toBe(true);
    const again = await legacy(
      client.register_user.bind(client),
      'other@example.com',
      '5556001000',
      '1',
      false,
    );
    expect((again.user as { id: number }).id).toBe(user.id);

    const before = await legacy(client.user_status.bind(client), user.id);
    expect(before.status).toEqual(expect.objectContaining({ authy_id: user.id, registered: false }));

    const sms = await legacy(client.request_sms.bind(client), user.id, true);
    expect(sms.message).toBe('SMS token was sent');
    const { body } = await emu.control<{ token: string }>('GET', `/_emulator/users/${user.id}/token`);
    const verified = await legacy(client.verify.bind(client), user.id, body.token, true);
    expect(verified.token).toBe('is valid');
    await expect(legacy(client.verify.bind(client), user.id, '1234567', true)).rejects.toMatchObject({
      body: { error_code: '60020' },
    });

    await emu.control('POST', `/_emulator/users/${user.id}/install`, { device_type: 'android' });
    const approval = await legacy(
      client.send_approval_request.bind(client),
      user.id,
      { message: 'Approve login', details: { Username: 'legacy' }, seconds_to_expire: 600 },
      { ref: 'abc' },
      [{ res: 'default', url: 'https://example.com/logo.png' }],
    );
    const uuid = (approval.approval_request as { uuid: string }).uuid;
    const pending = await legacy(client.check_approval_status.bind(client), uuid);
    expect(pending.approval_request).toEqual(
      expect.objectContaining({ status: 'pending', seconds_to_expire: 600 }),
    );
    await emu.control('POST', `/_emulator/approval_requests/${uuid}/respond`, { status: 'approved' });
    const approved = await legacy(client.check_approval_status.bind(client), uuid);
    expect((approved.approval_request as Answer).status).toBe('approved');

    const deleted = await legacy(client.delete_user.bind(client), user.id);
    expect(deleted.success).toBe(true);
    await expect(legacy(client.user_status.bind(client), user.id)).rejects.toMatchObject({
      body: { error_code: '60026' },
    });
  });

  it('when its API key is wrong, then it gets the 60001 error body', async () => {
    const client = authy('not-the-key', emu.url);
    await expect(legacy(client.user_status.bind(client), 1)).rejects.toMatchObject({
      body: { error_code: '60001', success: false },
    });
  });
});

describe('npm `authy-client` (strict response checks, JSON bodies) against the emulator (1.8)', () => {
  let emu: RunningEmulator;
  let receiver: Receiver;
  const closeAfter = closeAfterEach();
  beforeEach(async () => {
    receiver = await closeAfter(startReceiver());
    emu = await closeAfter(startEmulator({ oneTouchCallbackUrl: `${receiver.url}/authy/callback` }));
  });

  it('when it registers, reads status, sends an SMS, verifies, runs OneTouch and deletes, then its assertions all pass', async () => {
    const client = new Client({ key: DEV_AUTHY_API_KEY }, { host: emu.url });
    const created = await client.registerUser({
      countryCode: 'US',
      email: 'strict@example.com',
      phone: '7754615609',
    });
    const authyId = created.user.id;
    expect(Number.isInteger(authyId)).toBe(true);
    const status = await client.getUserStatus({ authyId });
    expect(status.status).toEqual(expect.objectContaining({ registered: false, has_hard_token: false }));

    const sms = await client.requestSms({ authyId });
    expect(sms.message).toBe('SMS token was sent');
    const { body } = await emu.control<{ token: string }>('GET', `/_emulator/users/${authyId}/token`);
    const verified = await client.verifyToken({ authyId, token: body.token });
    expect(verified.token).toBe('is valid');

    await emu.control('POST', `/_emulator/users/${authyId}/install`, { device_type: 'iphone' });
    const ignored = await client.requestSms({ authyId });
    expect(ignored.ignored).toBe(true);
    const call = await client.requestCall({ authyId }, { force: true });
    expect(call.message).toBe('Call started...');

    const approval = await client.createApprovalRequest(
      {
        authyId,
        message: 'Approve the transfer',
        details: { visible: { Amount: '12.00 EUR', Recipient: 'Bob' }, hidden: { transfer: 'T-1' } },
        logos: [{ res: 'default', url: 'https://example.com/logo.png' }],
      },
      { ttl: 600 },
    );
    const fetched = await client.getApprovalRequest({ id: approval.approval_request.uuid });
    expect(fetched.approval_request.status).toBe('pending');

    const deleted = await client.deleteUser({ authyId });
    expect(deleted.success).toBe(true);
    await expect(client.getUserStatus({ authyId })).rejects.toThrow();
  });

  it("when the emulator sends a OneTouch callback, then authy-client's verifyCallback accepts it", async () => {
    const { client, callback } = await oneTouchCallbackOf(emu, receiver, {
      user: { email: 'cb@example.com', phone: '7754615610' },
      message: 'Sign in',
      visible: { Username: 'carol', Location: 'Porto, PT' },
      status: 'denied',
    });
    await expect(client.verifyCallback(callback)).resolves.toBe(callback);
    const tampered = { ...callback, body: { ...(callback.body as Answer), status: 'approved' } };
    await expect(client.verifyCallback(tampered)).rejects.toThrow();
  });
});
