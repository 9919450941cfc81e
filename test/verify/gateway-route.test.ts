import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { DEV_TWILIO_ACCOUNT_SID, DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import type { OnboardingStatus } from '../../src/shared/onboarding';
import { twilioSignature } from '../../src/twilio/signature';
import { verifyIdentity } from '../../src/verify/identity';
import { statusQuery } from '../../src/workflows/onboarding/messages';
import type { IsolatedDatabase } from '../harness/isolated-database';
import { waitFor } from '../harness/wait-for';
import { startVerifyGatewayStack } from './gateway';
import type { VerifyGatewayStack, VerifyTestGateway } from './gateway';
import type { VerifyOnboardingHarness } from './harness';

// POST /webhooks/twilio/verify (docs/verify.md, "Webhooks"): X-Twilio-Signature over
// GATEWAY_PUBLIC_URL + path + sorted form parameters, recorded before 200, applied once, 4xx JSON
// errors and no signal for bad input; and the emulator's own deliveries end to end.

const PATH = '/webhooks/twilio/verify';
let db: IsolatedDatabase;
let h: VerifyOnboardingHarness;
let gateway: VerifyTestGateway;
let stack: VerifyGatewayStack;

beforeAll(async () => {
  stack = await startVerifyGatewayStack({
    databaseLabel: 'verifygw',
    harness: { defaultFactorType: 'push' },
  });
  ({ db, h, gateway } = stack);
}, 120_000);
afterAll(() => stack.close());

type Form = Record<string, string>;

function factorVerifiedForm(
  identity: string,
  factorSid: string,
  uuid = randomUUID(),
): Form & { uuid: string } {
  return {
    uuid,
    type: 'factor.verified',
    account_sid: DEV_TWILIO_ACCOUNT_SID,
    service_sid: h.serviceSid,
    entity_identity: identity,
    factor_sid: factorSid,
    factor_type: 'push',
    created_date: new Date().toISOString(),
  };
}

async function post(
  form: Form | string,
  options: { signature?: string | null; signedUrl?: string; token?: string; contentType?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  const signed =
    options.signature === undefined
      ? twilioSignature(
          options.token ?? DEV_TWILIO_AUTH_TOKEN,
          options.signedUrl ?? `${gateway.url}${PATH}`,
          typeof form === 'string' ? {} : form,
        )
      : options.signature;
  const response = await fetch(`${gateway.url}${PATH}`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      ...(signed === null ? {} : { 'x-twilio-signature': signed }),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function inboxRows(uuid: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'select count(*)::int as n from webhook_inbox where delivery_id = $1',
    [`verify:${uuid}`],
  );
  return rows[0]!.n;
}

async function signalsNamed(handle: WorkflowHandle, name: string): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name)
    .length;
}

/** A push onboarding waiting for its device, with the device's factor created (but not signalled yet). */
async function pushRunWithFactor() {
  const started = await h.start({ factorType: 'push' });
  const identity = verifyIdentity(started.input.userId);
  await h.waitForStage(started, 'awaiting_device', 60_000);
  const token = await h.verify.createAccessToken(h.serviceSid, { identity });
  const factorSid = await h.enrolPush(identity, token.token);
  return { started, identity, factorSid };
}

const stageOf = (handle: WorkflowHandle, accept: (s: OnboardingStatus) => boolean, what: string) =>
  // Under FAST_TIMING's 60 s polls: a step reached in time came through the gateway.
  waitFor(() => handle.query(statusQuery), accept, { timeoutMs: 55_000, intervalMs: 100, what });

describe('POST /webhooks/twilio/verify: bad input', () => {
  const uuid = randomUUID();
  const form = () => factorVerifiedForm(verifyIdentity('nobody-at-all'), `YF${'a'.repeat(32)}`, uuid);

  it.each([
    ['no signature', 401, { signature: null }],
    ['a wrong signature', 401, { token: 'not-the-auth-token' }],
    ['a signature over another URL', 401, { signedUrl: `https://elsewhere.example${PATH}` }],
    ['a JSON content type', 415, { contentType: 'application/json' }],
  ] as const)(
    'when a delivery has %s, then it answers %i with a JSON error and records nothing',
    async (_what, status, options) => {
      const answer = await post(form(), options);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({
        error: { code: expect.any(String) as string, message: expect.any(String) as string },
      });
      expect(await inboxRows(uuid)).toBe(0);
    },
  );

  it('when the body is truncated after signing, then it answers 401 and records nothing', async () => {
    const full = form();
    const signature = twilioSignature(DEV_TWILIO_AUTH_TOKEN, `${gateway.url}${PATH}`, full);
    const encoded = new URLSearchParams(full).toString();
    const answer = await post(encoded.slice(0, Math.floor(encoded.length / 2)), { signature });
    expect(answer.status).toBe(401);
    expect(await inboxRows(uuid)).toBe(0);
  });

  it('when the body is 1 MiB, then it answers 413 and records nothing', async () => {
    const big = { ...form(), padding: 'x'.repeat(1024 * 1024) };
    const answer = await post(big);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(await inboxRows(uuid)).toBe(0);
  });

  it('when a signed challenge event lacks its challenge SID or repeats a field, then it answers 400', async () => {
    const noChallenge = { ...form(), type: 'challenge.approved' };
    expect((await post(noChallenge)).status).toBe(400);
    const other = randomUUID();
    // One form for the body and the signature: form() stamps created_date with the current time.
    const fields = form();
    const repeated = `${new URLSearchParams(fields).toString()}&uuid=${other}`;
    const signature = twilioSignature(DEV_TWILIO_AUTH_TOKEN, `${gateway.url}${PATH}`, {
      ...fields,
      uuid: [uuid, other],
    });
    expect((await post(repeated, { signature })).status).toBe(400);
    expect(await inboxRows(uuid)).toBe(0);
  });

  it('when a signed event nobody acts on arrives (factor.created), then it is recorded only', async () => {
    const created = { ...form(), uuid: randomUUID(), type: 'factor.created' };
    expect(await post(created)).toEqual({ status: 200, body: { status: 'recorded' } });
    const { rows } = await db.pool.query<{ state: string }>(
      'select state from webhook_inbox where delivery_id = $1',
      [`verify:${created.uuid}`],
    );
    expect(rows).toEqual([{ state: 'not_actionable' }]);
  });
});

describe('POST /webhooks/twilio/verify: delivery to the run', () => {
  it('when factor.verified is delivered twice, then the second is a duplicate and the run gets one signal', async () => {
    const { started, identity, factorSid } = await pushRunWithFactor();
    const delivery = factorVerifiedForm(identity, factorSid);
    expect(await post(delivery)).toEqual({ status: 200, body: { status: 'recorded' } });
    expect(await post(delivery)).toEqual({ status: 200, body: { status: 'duplicate' } });
    await stageOf(started.handle, (s) => s.stage === 'awaiting_approval', 'awaiting_approval');
    expect(await signalsNamed(started.handle, 'factorVerified')).toBe(1);
    expect(await inboxRows(delivery.uuid)).toBe(1);
    await started.handle.signal('cancel', { reason: 'test over' });
  });

  it("when the emulator's own webhooks reach the gateway, then a push onboarding goes from device to enabled", async () => {
    const hook = await h.verify.createWebhook(h.serviceSid, {
      friendlyName: 'twofold gateway',
      url: `${gateway.url}${PATH}`,
      eventTypes: ['factor.verified', 'challenge.approved', 'challenge.denied'],
    });
    try {
      const started = await h.start({ factorType: 'push' });
      const identity = verifyIdentity(started.input.userId);
      await h.waitForStage(started, 'awaiting_device', 60_000);
      const token = await h.verify.createAccessToken(h.serviceSid, { identity });
      await h.enrolPush(identity, token.token);
      const approving = await stageOf(
        started.handle,
        (s) => s.stage === 'awaiting_approval' && s.challengeSid !== undefined,
        'a push challenge',
      );
      await h.answer(identity, approving.challengeSid!, 'approved');
      await stageOf(started.handle, (s) => s.stage === 'enabled', 'enabled');
      expect(await signalsNamed(started.handle, 'factorVerified')).toBe(1);
      expect(await signalsNamed(started.handle, 'approvalResponded')).toBe(1);
    } finally {
      await h.verify.deleteWebhook(h.serviceSid, hook.sid);
    }
  });
});
