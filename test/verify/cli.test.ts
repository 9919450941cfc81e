import { randomUUID } from 'node:crypto';
import { verifyIdentity } from '../../src/verify/identity';
import { onboardingStartArgs, runCli } from '../harness/cli';
import { uniquePhone } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';
import { statusQuery } from '../../src/workflows/onboarding/messages';
import { createVerifyOnboardingHarness } from './harness';
import type { VerifyOnboardingHarness } from './harness';

// The operators' Verify commands (docs/verify.md, "Operating it") against the in-process emulator and
// a worker holding the Verify provider.

let h: VerifyOnboardingHarness;
beforeAll(async () => {
  h = await createVerifyOnboardingHarness();
}, 120_000);
afterAll(() => h.close());

const env = (extra: Record<string, string> = {}) => ({
  VERIFY_API_URL: h.emulator.url,
  TWILIO_ACCOUNT_SID: '',
  TWILIO_AUTH_TOKEN: '',
  TWILIO_API_KEY: '',
  TWILIO_API_SECRET: '',
  VERIFY_SERVICE_SID: '',
  TEMPORAL_TASK_QUEUE: h.taskQueue,
  ...extra,
});

describe('twofold verify and webhooks --provider verify', () => {
  it('when `verify service ensure` runs twice with a new name, then it creates the Service once and finds it after', async () => {
    const name = `tf-${randomUUID().slice(0, 8)}`;
    const first = await runCli(['verify', 'service', 'ensure', '--name', name, '--json'], env());
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout) as { sid: string; created: boolean };
    expect(created).toMatchObject({
      sid: expect.stringMatching(/^VA[0-9a-f]{32}$/) as string,
      created: true,
    });
    const second = await runCli(['verify', 'service', 'ensure', '--name', name], env());
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`found Verify Service ${created.sid}`);
    expect(second.stdout).toContain(`set VERIFY_SERVICE_SID=${created.sid}`);
  });

  it('when the real Verify URL is configured without credentials, then the command exits 78 naming the variable', async () => {
    const result = await runCli(
      ['verify', 'service', 'ensure'],
      env({ VERIFY_API_URL: 'https://verify.twilio.com' }),
    );
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('TWILIO_ACCOUNT_SID');
  });

  it('when a Verify webhook is registered, listed and deleted, then each step shows in the Service', async () => {
    const withService = env({ VERIFY_SERVICE_SID: h.serviceSid });
    const url = `http://127.0.0.1:1/webhooks/twilio/verify?test=${randomUUID()}`;
    const registered = await runCli(
      ['webhooks', 'register', '--provider', 'verify', '--url', url, '--json'],
      withService,
    );
    expect(registered.code).toBe(0);
    const { webhook } = JSON.parse(registered.stdout) as { webhook: { sid: string; event_types: string[] } };
    expect(webhook.event_types).toEqual(['factor.verified', 'challenge.approved', 'challenge.denied']);
    const listed = await runCli(['webhooks', 'list', '--provider', 'verify'], withService);
    expect(listed.stdout).toContain(webhook.sid);
    expect(
      (await runCli(['webhooks', 'delete', '--provider', 'verify', webhook.sid], withService)).code,
    ).toBe(0);
    expect((await runCli(['webhooks', 'list', '--provider', 'verify'], withService)).stdout).not.toContain(
      webhook.sid,
    );
    const bad = await runCli(
      ['webhooks', 'register', '--provider', 'verify', '--url', url, '--events', 'sms.sent'],
      withService,
    );
    expect(bad.code).toBe(2);
  });
});

describe('twofold onboarding start --provider verify, enrollment, submit-code', () => {
  it('when a TOTP onboarding is started and a wrong then the right code submitted, then the CLI reports each and the run is enabled', async () => {
    const userId = `cli-${randomUUID()}`;
    const person = { userId, email: 'cli@example.com', cellphone: uniquePhone() };
    const start = await runCli(
      onboardingStartArgs(person, '--provider', 'verify', '--factor-type', 'totp', '--json'),
      env(),
    );
    expect(start.code).toBe(0);
    const enrollment = await runCli(['onboarding', 'enrollment', userId, '--json'], env());
    expect(enrollment.code).toBe(0);
    expect(JSON.parse(enrollment.stdout)).toMatchObject({
      factorType: 'totp',
      uri: expect.stringMatching(/^otpauth:/) as string,
    });

    const handle = h.temporal.client.workflow.getHandle(`onboarding-${userId}`);
    const waiting = await waitFor(
      () => handle.query(statusQuery),
      (s) => s.factorSid !== undefined,
      {
        timeoutMs: 30_000,
        what: 'the TOTP factor',
      },
    );
    const code = await h.totpCode(verifyIdentity(userId), waiting.factorSid!);
    const wrong = String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');
    const refused = await runCli(['onboarding', 'submit-code', userId, wrong], env());
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stderr).toContain('wrong code');
    const accepted = await runCli(['onboarding', 'submit-code', userId, code, '--json'], env());
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout)).toEqual({ accepted: true });
    expect(await handle.result()).toMatchObject({ stage: 'enabled', provider: 'verify' });
    expect((await runCli(['onboarding', 'submit-code', userId, 'abc'], env())).code).toBe(2);
  });
});
