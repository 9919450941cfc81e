import type { WorkflowHandle } from '@temporalio/client';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';
import type { OnboardingStatus } from '../../src/shared/onboarding';
import { verifyIdentity } from '../../src/verify/identity';
import { getEnrollmentUpdate, statusQuery } from '../../src/workflows/onboarding/messages';
import { registerGatewayWebhook } from '../harness/full-stack';
import type { IsolatedDatabase } from '../harness/isolated-database';
import { unusedPort } from '../harness/ports';
import { waitFor } from '../harness/wait-for';
import { startVerifyGatewayStack } from './gateway';
import type { VerifyGatewayStack } from './gateway';
import type { VerifyOnboardingHarness } from './harness';

// A migration's steady state (docs/verify.md, "Running both during a migration"): one worker and one
// gateway, an Authy onboarding and a Verify one side by side, each moved only by its provider's
// deliveries through the gateway (FAST_TIMING polls every 60 s, later than every wait below).

let db: IsolatedDatabase;
let h: VerifyOnboardingHarness;
let stack: VerifyGatewayStack;

beforeAll(async () => {
  const port = await unusedPort();
  const publicUrl = `http://127.0.0.1:${port}`;
  stack = await startVerifyGatewayStack({
    databaseLabel: 'sidebyside',
    port,
    harness: { emulator: { oneTouchCallbackUrl: `${publicUrl}/webhooks/authy/onetouch` } },
    async beforeGateway(harness) {
      const signingKey = await registerGatewayWebhook(harness.emulator.url, publicUrl, 'side-by-side');
      await harness.verify.createWebhook(harness.serviceSid, {
        friendlyName: 'side-by-side',
        url: `${publicUrl}/webhooks/twilio/verify`,
        eventTypes: ['factor.verified', 'challenge.approved', 'challenge.denied'],
      });
      return { webhookKeys: { current: signingKey }, apiKey: DEV_AUTHY_API_KEY };
    },
  });
  ({ db, h } = stack);
}, 120_000);
afterAll(() => stack.close());

const stageOf = (handle: WorkflowHandle, accept: (s: OnboardingStatus) => boolean, what: string) =>
  waitFor(() => handle.query(statusQuery), accept, { timeoutMs: 55_000, intervalMs: 100, what });

it('when an Authy and a Verify push onboarding run on one worker and one gateway, then the deliveries of each provider bring both to enabled', async () => {
  const authy = await h.start({ provider: 'authy' });
  const verify = await h.start({ factorType: 'push' });
  const identity = verifyIdentity(verify.input.userId);

  const authyWaiting = await stageOf(
    authy.handle,
    (s) => s.stage === 'awaiting_device' && s.authyId !== undefined,
    'the Authy registration',
  );
  await h.waitForStage(verify, 'awaiting_device', 55_000);

  // Authy: the app install reaches the gateway as device_registration_completed.
  await h.emulator.control('POST', `/users/${authyWaiting.authyId}/install`);
  // Verify: the Push SDK enrols with the token; factor.verified reaches the gateway.
  const enrollment = await verify.handle.executeUpdate(getEnrollmentUpdate, { args: [] });
  if (enrollment.factorType !== 'push') throw new Error('expected a push enrollment');
  await h.enrolPush(identity, enrollment.accessToken);

  const authyPush = await stageOf(authy.handle, (s) => s.approvalUuid !== undefined, 'the OneTouch push');
  const verifyPush = await stageOf(
    verify.handle,
    (s) => s.challengeSid !== undefined,
    'the Verify challenge',
  );
  await h.emulator.control('POST', `/approval_requests/${authyPush.approvalUuid}/respond`, {
    status: 'approved',
  });
  await h.answer(identity, verifyPush.challengeSid!, 'approved');

  expect(await stageOf(authy.handle, (s) => s.stage === 'enabled', 'Authy enabled')).toMatchObject({
    provider: 'authy',
    approvalAttempts: 1,
  });
  expect(await stageOf(verify.handle, (s) => s.stage === 'enabled', 'Verify enabled')).toMatchObject({
    provider: 'verify',
    approvalAttempts: 1,
  });
  const { rows } = await db.pool.query<{ event: string; state: string }>(
    `select event, state from webhook_inbox where event in ('device_registration_completed', 'factor.verified', 'challenge.approved') order by event`,
  );
  expect(rows).toEqual([
    { event: 'challenge.approved', state: 'delivered' },
    { event: 'device_registration_completed', state: 'delivered' },
    { event: 'factor.verified', state: 'delivered' },
  ]);
}, 120_000);
