import { Client } from 'authy-client';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';
import { waitForDefined } from '../harness/wait-for';
import type { RunningEmulator } from './helpers';
import type { Receiver } from './receiver';

/** A OneTouch callback as authy-client's `verifyCallback` takes it (an Express-like request). */
export interface CallbackRequest {
  body: unknown;
  headers: Record<string, unknown>;
  method: string;
  protocol: string;
  url: string;
}

/**
 * Through npm `authy-client` (docs/authy-api.md#18-third-party-clients): registers `user`, installs
 * the app, sends an approval request of `message` (and `visible` details), lets the person answer
 * `status`, and resolves with the OneTouch callback `receiver` got. Answers the client too, whose
 * `verifyCallback` the caller checks the callback with.
 */
export async function oneTouchCallbackOf(
  emu: RunningEmulator,
  receiver: Receiver,
  request: {
    user: { email: string; phone: string };
    message: string;
    visible?: Record<string, string>;
    status: 'approved' | 'denied';
  },
): Promise<{ client: Client; callback: CallbackRequest }> {
  const client = new Client({ key: DEV_AUTHY_API_KEY }, { host: emu.url });
  const { user } = await client.registerUser({ countryCode: 'US', ...request.user });
  await emu.control('POST', `/_emulator/users/${user.id}/install`);
  const { approval_request } = await client.createApprovalRequest({
    authyId: user.id,
    message: request.message,
    ...(request.visible ? { details: { visible: request.visible } } : {}),
  });
  await emu.control('POST', `/_emulator/approval_requests/${approval_request.uuid}/respond`, {
    status: request.status,
  });
  const received = await waitForDefined(() => receiver.received[0], { what: 'the OneTouch callback' });
  return {
    client,
    callback: {
      body: JSON.parse(received.body) as unknown,
      headers: received.headers,
      method: received.method,
      protocol: 'http',
      url: received.url,
    },
  };
}
