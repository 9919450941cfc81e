import { startOnboarding } from '../../src/client/onboarding';
import type { StartedOnboarding } from '../../src/client/onboarding';
import type { OnboardingStage, OnboardingStatus } from '../../src/shared/onboarding';
import { statusQuery } from '../../src/workflows/onboarding/messages';
import { createFullStackHarness } from '../harness/full-stack';
import { useForAll } from '../harness/lifecycle';
import { freshOnboardingInput, uniquePhone } from '../harness/onboarding';
import { signalsOf } from './support/targets';
import { waitFor } from '../harness/wait-for';

const h = useForAll(() => createFullStackHarness({ name: 'gateway-e2e', databaseLabel: 'gw' }));

async function startUser(): Promise<StartedOnboarding> {
  // FAST_TIMING polls every minute: within these tests only the gateway's signals can move a run.
  return startOnboarding(h.temporal.client, freshOnboardingInput('gw-e2e'), { taskQueue: h.taskQueue });
}

/**
 * Polls the status query. Gateway-driven steps get 55 s: generous for a busy 2-core machine, yet under
 * FAST_TIMING's 60 s status polls, so a step reached in time was reached through the gateway and not
 * the workflow's safety-net poll. Registration (no gateway involved) may take longer under load.
 */
function stageOf(
  started: StartedOnboarding,
  accept: (status: OnboardingStatus) => boolean,
  what: string,
  timeoutMs = 55_000,
) {
  return waitFor(() => started.handle.query(statusQuery), accept, { timeoutMs, intervalMs: 100, what });
}

function registered(started: StartedOnboarding) {
  return stageOf(
    started,
    (s) => s.stage === 'awaiting_device' && s.authyId !== undefined,
    'awaiting_device',
    120_000,
  );
}

const atStage = (stage: OnboardingStage) => (status: OnboardingStatus) => status.stage === stage;

/**
 * The person installs the app and answers the push in the emulator; the deliveries reach the run only
 * through the gateway. Resolves with the status that showed the push, once the run ends `answer`ed.
 */
async function installAndAnswer(
  started: StartedOnboarding,
  authyId: string,
  answer: 'approved' | 'denied',
): Promise<OnboardingStatus> {
  await h.emulator.control('POST', `/users/${authyId}/install`);
  const approving = await stageOf(
    started,
    (s) => s.stage === 'awaiting_approval' && s.approvalUuid !== undefined,
    'an approval request',
  );
  await h.emulator.control('POST', `/approval_requests/${approving.approvalUuid!}/respond`, {
    status: answer,
  });
  const end = answer === 'approved' ? 'enabled' : 'denied';
  await stageOf(started, atStage(end), end);
  return approving;
}

async function inboxStates(authyId: string): Promise<{ event: string; state: string }[]> {
  const { rows } = await h.db.pool.query<{ event: string; state: string }>(
    'SELECT event, state FROM webhook_inbox WHERE authy_id = $1 ORDER BY event',
    [authyId],
  );
  return rows;
}

describe('emulator → gateway → onboarding workflow (end to end)', () => {
  jest.setTimeout(300_000);

  it('when the person installs the app and approves, then signed deliveries through the gateway move the onboarding to enabled', async () => {
    const started = await startUser();
    const waiting = await registered(started);
    const authyId = waiting.authyId!;

    const approving = await installAndAnswer(started, authyId, 'approved');

    const settled = await waitFor(
      () => inboxStates(authyId),
      (rows) => rows.length === 3 && rows.every((row) => row.state !== 'pending'),
      { what: 'three settled deliveries', timeoutMs: 60_000 },
    );
    expect(settled).toEqual([
      { event: 'device_registration_completed', state: 'delivered' },
      // Whichever of the two approval reports came second found the onboarding already finished.
      {
        event: 'one_touch_request_responded',
        state: expect.stringMatching(/^(delivered|no_target)$/) as unknown,
      },
      { event: 'onetouch_callback', state: expect.stringMatching(/^(delivered|no_target)$/) as unknown },
    ]);
    const signals = await signalsOf(started.handle);
    const approvalIds = new Set(
      signals.filter((s) => s.name === 'approvalResponded').map((s) => s.payload.eventId),
    );
    expect(signals.filter((s) => s.name === 'deviceRegistered')).toHaveLength(1);
    expect(approvalIds).toEqual(new Set([`approval:${approving.approvalUuid!}:approved`]));
  });

  it('when the phone changes and the person then denies, then the change is on the customer record and the onboarding ends denied', async () => {
    const started = await startUser();
    const waiting = await registered(started);
    const authyId = waiting.authyId!;

    await h.emulator.control('POST', `/users/${authyId}/phone`, {
      countryCode: '1',
      cellphone: uniquePhone(),
    });
    await stageOf(started, (s) => s.phoneChanges === 1, 'the phone change to reach the workflow');
    const { rows } = await h.db.pool.query<{ user_id: string; masked_phone: string | null }>(
      'SELECT user_id, masked_phone FROM onboarding_phone_changes WHERE authy_id = $1',
      [authyId],
    );
    expect(rows).toHaveLength(1);
    // The emulator reports phone numbers as SHA-256 digests (as Authy's data does): nothing to mask, nothing kept.
    expect(rows[0]!.masked_phone).toBeNull();
    expect(rows[0]!.user_id).toBe(started.workflowId.replace(/^onboarding-/, ''));

    await installAndAnswer(started, authyId, 'denied');
  });
});
