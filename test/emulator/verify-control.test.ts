import { DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import { isValidTwilioSignature } from '../../src/twilio/signature';
import { useEmulator } from './helpers';
import { closeAfterEach } from '../harness/lifecycle';
import { waitForDefined } from '../harness/wait-for';
import type { ControlErrorBody } from './helpers';
import { startReceiver } from './receiver';
import type { Receiver } from './receiver';
import { formFields, sdkAuthorization, TestPushDevice, v2 } from './verify-support';

// The control API plays the person for Verify v2: enroll a push device with the access token the
// application shows, read the TOTP code the app shows, answer a push challenge.

const START = Date.parse('2026-03-02T10:00:00Z');

describe('Verify v2 control API (the person holding the phone)', () => {
  let clock: number;
  let receiver: Receiver;
  let serviceSid: string;
  const closeAfter = closeAfterEach();
  beforeEach(() => {
    clock = START;
  });
  const emu = useEmulator({ now: () => clock, webhookRetry: { initialDelayMs: 20, maxDelayMs: 50 } });
  beforeEach(async () => {
    receiver = await closeAfter(startReceiver());
    const service = await v2(emu.url, 'POST', '/v2/Services', { form: 'FriendlyName=control' });
    serviceSid = String(service.body.sid);
    await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/Webhooks`, {
      form: [
        ['FriendlyName', 'gateway'],
        ['EventTypes', '*'],
        ['WebhookUrl', `${receiver.url}/webhooks/twilio/verify`],
      ],
    });
  });

  const control = (path: string) => `/_emulator/verify/services/${serviceSid}/entities/${path}`;
  /** The person answers a push challenge on the phone. */
  const respond = (identity: string, challengeSid: string, status: 'approved' | 'denied') =>
    emu.control<ControlErrorBody>('POST', control(`${identity}/challenges/${challengeSid}/respond`), {
      status,
    });
  const accessToken = async (identity: string) => {
    const created = await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/AccessTokens`, {
      form: [
        ['Identity', identity],
        ['FactorType', 'push'],
      ],
    });
    expect(created.status).toBe(201);
    return String(created.body.token);
  };
  const enroll = async (identity: string) => {
    const { status, body } = await emu.control<{ factorSid: string }>(
      'POST',
      control(`${identity}/push-enroll`),
      {
        accessToken: await accessToken(identity),
      },
    );
    expect(status).toBe(200);
    return body.factorSid;
  };
  const pushChallenge = async (identity: string, factorSid: string) => {
    const created = await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/Entities/${identity}/Challenges`, {
      form: [
        ['FactorSid', factorSid],
        ['Details.Message', 'Approve sign-in?'],
      ],
    });
    expect(created.status).toBe(201);
    return String(created.body.sid);
  };
  /** Deliveries of `type`, each with its signature checked by the gateway's own validator. */
  const delivered = (type: string) =>
    receiver.received
      .map((request) => ({
        params: formFields(request.body),
        valid: isValidTwilioSignature({
          authToken: DEV_TWILIO_AUTH_TOKEN,
          url: receiver.url + request.url,
          params: formFields(request.body),
          signature: String(request.headers['x-twilio-signature'] ?? ''),
        }),
      }))
      .filter((delivery) => delivery.params.type === type);

  it('when the person enrolls with the access token, then a verified push factor exists and factor.created, factor.verified arrive signed', async () => {
    const factorSid = await enroll('person-0001');

    const factor = await v2(
      emu.url,
      'GET',
      `/v2/Services/${serviceSid}/Entities/person-0001/Factors/${factorSid}`,
    );
    expect(factor.body).toMatchObject({ status: 'verified', factor_type: 'push', identity: 'person-0001' });
    expect((factor.body.config as Record<string, unknown>).credential_sid).toMatch(/^CR/);
    const created = await waitForDefined(() => delivered('factor.created')[0], { what: 'factor.created' });
    const verified = await waitForDefined(() => delivered('factor.verified')[0], { what: 'factor.verified' });
    expect(created.valid && verified.valid).toBe(true);
    expect(verified.params).toMatchObject({
      factor_sid: factorSid,
      entity_identity: 'person-0001',
      factor_type: 'push',
    });
    expect(verified.params.uuid).not.toBe(created.params.uuid);
  });

  it('when the access token is for another identity, expired or unknown, then the enrollment is refused and no factor is made', async () => {
    const other = await accessToken('person-0002');
    const wrong = await emu.control<ControlErrorBody>('POST', control('person-0001/push-enroll'), {
      accessToken: other,
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('access_token_invalid');

    const token = await accessToken('person-0001');
    clock += 61_000;
    const expired = await emu.control<ControlErrorBody>('POST', control('person-0001/push-enroll'), {
      accessToken: token,
    });
    expect(expired.status).toBe(403);
    expect(expired.body.error.code).toBe('access_token_expired');

    const unknownService = await emu.control<ControlErrorBody>(
      'POST',
      `/_emulator/verify/services/VA${'0'.repeat(32)}/entities/person-0001/push-enroll`,
      { accessToken: token },
    );
    expect(unknownService.status).toBe(404);
    const malformed = await emu.control<ControlErrorBody>('POST', control('person-0001/push-enroll'), {
      token,
    });
    expect(malformed.status).toBe(400);
    const entity = await v2(emu.url, 'GET', `/v2/Services/${serviceSid}/Entities/person-0001`);
    expect(entity.status).toBe(404);
  });

  it.each(['approved', 'denied'] as const)(
    'when the person answers a push challenge %s, then the challenge reads so and a signed challenge webhook arrives',
    async (answer) => {
      const factorSid = await enroll('person-0003');
      const challengeSid = await pushChallenge('person-0003', factorSid);
      clock += 10_000;

      const responded = await respond('person-0003', challengeSid, answer);
      expect(responded).toEqual({ status: 200, body: { challengeSid, status: answer } });

      const challenge = await v2(
        emu.url,
        'GET',
        `/v2/Services/${serviceSid}/Entities/person-0003/Challenges/${challengeSid}`,
      );
      expect(challenge.body).toMatchObject({ status: answer, date_responded: '2026-03-02T10:00:10Z' });
      expect(challenge.headers.get('twilio-verify-signature-fields')).toBeNull();
      const webhook = await waitForDefined(() => delivered(`challenge.${answer}`)[0], {
        what: 'challenge webhook',
      });
      expect(webhook.valid).toBe(true);
      expect(webhook.params).toMatchObject({ challenge_sid: challengeSid, factor_sid: factorSid });
      expect(JSON.parse(webhook.params.challenge_details!)).toMatchObject({ message: 'Approve sign-in?' });

      const again = await respond('person-0003', challengeSid, 'approved');
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('challenge_not_pending');
    },
  );

  it('when five minutes pass without an answer, then the challenge reads expired and can no longer be answered', async () => {
    const factorSid = await enroll('person-0004');
    const challengeSid = await pushChallenge('person-0004', factorSid);
    clock += 5 * 60_000 + 1;

    const challenge = await v2(
      emu.url,
      'GET',
      `/v2/Services/${serviceSid}/Entities/person-0004/Challenges/${challengeSid}`,
    );
    expect(challenge.body.status).toBe('expired');
    const late = await respond('person-0004', challengeSid, 'approved');
    expect(late.status).toBe(409);
    const listed = await v2(
      emu.url,
      'GET',
      `/v2/Services/${serviceSid}/Entities/person-0004/Challenges?Status=expired`,
    );
    expect((listed.body.challenges as { sid: string }[]).map((item) => item.sid)).toEqual([challengeSid]);
    expect(delivered('challenge.approved')).toEqual([]);
  });

  it("when the person reads the TOTP code, then it is the app's code for the factor's seed and settings now", async () => {
    clock = 1111111109 * 1000;
    const factor = await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/Entities/person-0005/Factors`, {
      form: [
        ['FriendlyName', 'app'],
        ['FactorType', 'totp'],
        ['Binding.Secret', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'],
        ['Config.CodeLength', '8'],
      ],
    });
    const code = await emu.control('GET', control(`person-0005/factors/${String(factor.body.sid)}/code`));
    expect(code).toEqual({ status: 200, body: { code: '07081804' } });

    const pushSid = await enroll('person-0006');
    const notTotp = await emu.control<ControlErrorBody>(
      'GET',
      control(`person-0006/factors/${pushSid}/code`),
    );
    expect(notTotp.status).toBe(409);
    expect(notTotp.body.error.code).toBe('not_totp');
    const missing = await emu.control<ControlErrorBody>(
      'GET',
      control(`person-0005/factors/${pushSid}/code`),
    );
    expect(missing.status).toBe(404);
  });

  it('when a challenge goes to a device the tests hold, then the control API will not answer for it', async () => {
    const device = new TestPushDevice();
    const token = await accessToken('person-0007');
    const factor = await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/Entities/person-0007/Factors`, {
      authorization: sdkAuthorization(token),
      form: [
        ['FriendlyName', 'own'],
        ['FactorType', 'push'],
        ['Binding.PublicKey', device.publicKey],
        ['Config.AppId', 'com.example'],
        ['Config.NotificationPlatform', 'none'],
        ['Config.SdkVersion', '0.9.0'],
      ],
    });
    const factorSid = String(factor.body.sid);
    await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/Entities/person-0007/Factors/${factorSid}`, {
      form: [['AuthPayload', device.proof(factorSid)]],
    });
    const challengeSid = await pushChallenge('person-0007', factorSid);
    const refused = await respond('person-0007', challengeSid, 'approved');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('no_emulated_device');
  });
});
