import twilio from 'twilio';
import { DEV_TWILIO_ACCOUNT_SID, DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import { startEmulator, useEmulator } from './helpers';
import { closeAfterEach } from '../harness/lifecycle';
import { waitForDefined } from '../harness/wait-for';
import type { RunningEmulator } from './helpers';
import { startReceiver } from './receiver';
import type { Receiver } from './receiver';
import { formFields, sdkAuthorization, TestPushDevice, v2, verifyClient } from './verify-support';

// Bad input, limits, forged device answers and configured faults: every answer is Twilio's error
// body { code, message, more_info, status } with the HTTP status it names.

type TwilioErrorBody = { code: number; message: string; more_info: string; status: number };
/** The arguments of {@link v2} after the emulator's URL. */
type V2Call = Parameters<typeof v2> extends [string, ...infer Rest] ? Rest : never;

function expectTwilioError(
  answer: { status: number; body: Record<string, unknown> },
  status: number,
  code: number,
): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual({
    code,
    message: expect.any(String) as string,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  } satisfies TwilioErrorBody);
}

describe('Verify v2 emulator: bad input, limits and faults', () => {
  let clock: number;
  let serviceSid: string;
  beforeEach(() => {
    clock = Date.parse('2026-03-02T10:00:00Z');
  });
  const emu = useEmulator({ now: () => clock, webhookRetry: { initialDelayMs: 20, maxDelayMs: 40 } });
  beforeEach(async () => {
    serviceSid = String(
      (await v2(emu.url, 'POST', '/v2/Services', { form: 'FriendlyName=errors' })).body.sid,
    );
  });

  const entityPath = (identity: string) => `/v2/Services/${serviceSid}/Entities/${identity}`;

  /** The form that enrols a push factor bound to `publicKey`, as the SDK sends it. */
  const pushFactorForm = (publicKey: string): [string, string][] => [
    ['FriendlyName', 'phone'],
    ['FactorType', 'push'],
    ['Binding.PublicKey', publicKey],
    ['Config.AppId', 'com.example'],
    ['Config.NotificationPlatform', 'none'],
    ['Config.SdkVersion', '1'],
  ];

  /** Expects the v2 call to be answered with Twilio's error `code` and HTTP `status`. */
  const refuses = async (status: number, code: number, ...call: V2Call) =>
    expectTwilioError(await v2(emu.url, ...call), status, code);

  /** A push factor of a test-held device, verified; returns the device and the factor's SIDs. */
  async function pushFactor(identity: string) {
    const device = new TestPushDevice();
    const created = await v2(emu.url, 'POST', `${entityPath(identity)}/Factors`, {
      form: [
        ['FriendlyName', 'phone'],
        ['FactorType', 'push'],
        ['Binding.Alg', 'ES256'],
        ['Binding.PublicKey', device.publicKey],
        ['Config.AppId', 'com.example'],
        ['Config.NotificationPlatform', 'none'],
        ['Config.SdkVersion', '0.9.0'],
      ],
    });
    expect(created.status).toBe(201);
    const factorSid = String(created.body.sid);
    const credentialSid = String((created.body.config as Record<string, unknown>).credential_sid);
    return { device, factorSid, credentialSid };
  }

  it('when a request has no or wrong credentials, then 401 / 20003 with a Basic challenge', async () => {
    const none = await fetch(`${emu.url}/v2/Services/${serviceSid}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expectTwilioError(
      { status: none.status, body: (await none.json()) as Record<string, unknown> },
      401,
      20003,
    );
    const wrong = await v2(emu.url, 'GET', `/v2/Services/${serviceSid}`, {
      authorization: `Basic ${Buffer.from(`${DEV_TWILIO_ACCOUNT_SID}:nope`).toString('base64')}`,
    });
    expectTwilioError(wrong, 401, 20003);
    const garbage = await v2(emu.url, 'GET', `/v2/Services/${serviceSid}`, { authorization: 'Basic %%%' });
    expectTwilioError(garbage, 401, 20003);
  });

  it('when the path is unknown, the body over 1 MiB or a parameter missing or malformed, then a Twilio 4xx error', async () => {
    await refuses(404, 20404, 'GET', '/v2/Nothing/Here');
    await refuses(404, 20404, 'DELETE', '/v2/Services');
    await refuses(404, 20404, 'GET', `/v2/Services/VA${'f'.repeat(32)}`);
    await refuses(413, 60300, 'POST', '/v2/Services', {
      rawBody: `FriendlyName=${'a'.repeat(1024 * 1024 + 10)}`,
    });
    await refuses(400, 60300, 'POST', '/v2/Services', { form: [] });
    await refuses(400, 60300, 'POST', '/v2/Services', { form: 'FriendlyName=x&Totp.TimeStep=90' });
    const entities = `/v2/Services/${serviceSid}/Entities`;
    await refuses(400, 60300, 'POST', entities, { form: 'Identity=short' });
    await refuses(400, 60300, 'POST', entities, { form: 'Identity=ada@example.com' });
    const factors = `${entityPath('user-0000-0001')}/Factors`;
    const badKey = pushFactorForm(Buffer.from('not a key').toString('base64'));
    await refuses(400, 60314, 'POST', factors, { form: badKey });
    const badMetadata = `FriendlyName=x&FactorType=totp&Metadata=${encodeURIComponent('{"os": 1}')}`;
    await refuses(400, 60300, 'POST', factors, { form: badMetadata });
    await refuses(400, 60300, 'GET', `${entities}?PageSize=0`);
    await refuses(400, 60306, 'GET', `${entities}?PageToken=PTnothing`);
  });

  it('when a challenge goes to an unverified factor, then 403 / 60318 and none is made', async () => {
    const { factorSid } = await pushFactor('user-0000-0002');
    const challenges = `${entityPath('user-0000-0002')}/Challenges`;
    const unverified = await v2(emu.url, 'POST', challenges, {
      form: [
        ['FactorSid', factorSid],
        ['Details.Message', 'Hi'],
      ],
    });
    expectTwilioError(unverified, 403, 60318);
    expect((await v2(emu.url, 'GET', challenges)).body.challenges).toEqual([]);
  });

  it('when a push factor proof or answer is forged, tampered or repeated, then 403 (60311, 60324, 60322) and only the genuine one counts; a challenge without message or past 60 min is 400', async () => {
    const { device, factorSid, credentialSid } = await pushFactor('user-0000-0003');
    await v2(emu.url, 'POST', `${entityPath('user-0000-0003')}/Factors/${factorSid}`, {
      form: [['AuthPayload', new TestPushDevice().proof(factorSid)]],
    }).then((answer) => expectTwilioError(answer, 403, 60311));
    const verified = await v2(emu.url, 'POST', `${entityPath('user-0000-0003')}/Factors/${factorSid}`, {
      form: [['AuthPayload', device.proof(factorSid)]],
    });
    expect(verified.body.status).toBe('verified');

    const challenges = `${entityPath('user-0000-0003')}/Challenges`;
    expectTwilioError(
      await v2(emu.url, 'POST', challenges, { form: [['FactorSid', factorSid]] }),
      400,
      60300,
    );
    const tooLate = new Date(clock + 61 * 60_000).toISOString();
    expectTwilioError(
      await v2(emu.url, 'POST', challenges, {
        form: [
          ['FactorSid', factorSid],
          ['Details.Message', 'Hi'],
          ['ExpirationDate', tooLate],
        ],
      }),
      400,
      60300,
    );
    const created = await v2(emu.url, 'POST', challenges, {
      form: [
        ['FactorSid', factorSid],
        ['Details.Message', 'Log in?'],
        ['Details.Fields', '{"label": "IP", "value": "1.2.3.4"}'],
      ],
    });
    const challengeSid = String(created.body.sid);
    const path = `${challenges}/${challengeSid}`;
    const auth = sdkAuthorization(device.authToken(credentialSid, Math.floor(clock / 1000)));
    const fetched = await v2(emu.url, 'GET', path, { authorization: auth });
    const fields = fetched.headers.get('twilio-verify-signature-fields')!.split(',');

    const forged = new TestPushDevice().answer(fetched.body, fields, 'approved');
    expectTwilioError(
      await v2(emu.url, 'POST', path, { authorization: auth, form: [['AuthPayload', forged]] }),
      403,
      60324,
    );
    const tampered = device.answer(
      { ...fetched.body, details: { message: 'Something else' } },
      fields,
      'approved',
    );
    expectTwilioError(
      await v2(emu.url, 'POST', path, { authorization: auth, form: [['AuthPayload', tampered]] }),
      403,
      60324,
    );
    const strange = device.jws({ typ: 'JWT', alg: 'ES256' }, { status: 'maybe' });
    expectTwilioError(
      await v2(emu.url, 'POST', path, { authorization: auth, form: [['AuthPayload', strange]] }),
      403,
      60324,
    );
    expect((await v2(emu.url, 'GET', path)).body.status).toBe('pending');

    const genuine = device.answer(fetched.body, fields, 'denied');
    const answered = await v2(emu.url, 'POST', path, {
      authorization: auth,
      form: [['AuthPayload', genuine]],
    });
    expect(answered.body.status).toBe('denied');
    expectTwilioError(
      await v2(emu.url, 'POST', path, { authorization: auth, form: [['AuthPayload', genuine]] }),
      403,
      60322,
    );
  });

  it("when a device JWT is outside its time window , names another factor or is signed by another key, then 401 / 20003 (with the server's Date when out of time)", async () => {
    const { device, credentialSid, factorSid } = await pushFactor('user-0000-0004');
    const factorPath = `${entityPath('user-0000-0004')}/Factors/${factorSid}`;
    const inTime = await v2(emu.url, 'GET', factorPath, {
      authorization: sdkAuthorization(device.authToken(credentialSid, Math.floor(clock / 1000))),
    });
    expect(inTime.status).toBe(200);
    const stale = await v2(emu.url, 'GET', factorPath, {
      authorization: sdkAuthorization(device.authToken(credentialSid, Math.floor(clock / 1000) - 3600)),
    });
    expectTwilioError(stale, 401, 20003);
    expect(stale.headers.get('date')).toBe(new Date(clock).toUTCString());

    const other = await pushFactor('user-0000-0005');
    const crossed = await v2(emu.url, 'GET', `${entityPath('user-0000-0005')}/Factors/${other.factorSid}`, {
      authorization: sdkAuthorization(device.authToken(credentialSid, Math.floor(clock / 1000))),
    });
    expectTwilioError(crossed, 401, 20003);
    const selfSigned = new TestPushDevice().authToken(credentialSid, Math.floor(clock / 1000));
    expectTwilioError(
      await v2(emu.url, 'GET', factorPath, { authorization: sdkAuthorization(selfSigned) }),
      401,
      20003,
    );
  });

  it('when wrong TOTP codes keep coming, then each answers 200 unverified until five, then 429 / 60310', async () => {
    const created = await v2(emu.url, 'POST', `${entityPath('user-0000-0006')}/Factors`, {
      form: [
        ['FriendlyName', 'app'],
        ['FactorType', 'totp'],
      ],
    });
    const path = `${entityPath('user-0000-0006')}/Factors/${String(created.body.sid)}`;
    const { body } = await emu.control<{ code: string }>(
      'GET',
      `/_emulator/verify/services/${serviceSid}/entities/user-0000-0006/factors/${String(created.body.sid)}/code`,
    );
    const wrong = body.code === '123456' ? '654321' : '123456';
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const answer = await v2(emu.url, 'POST', path, { form: [['AuthPayload', wrong]] });
      expect([answer.status, answer.body.status]).toEqual([200, 'unverified']);
    }
    expectTwilioError(await v2(emu.url, 'POST', path, { form: [['AuthPayload', body.code]] }), 429, 60310);
  });

  it('when the access token names another identity or factor type, then 403 / 60313; an unknown one 401', async () => {
    const token = await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/AccessTokens`, {
      form: 'Identity=user-0000-0007&FactorType=push',
    });
    const authorization = sdkAuthorization(String(token.body.token));
    const push = pushFactorForm(new TestPushDevice().publicKey);
    const factorsOf = (identity: string) => `${entityPath(identity)}/Factors`;
    await refuses(403, 60313, 'POST', factorsOf('user-0000-0008'), { authorization, form: push });
    const totp = 'FriendlyName=x&FactorType=totp';
    await refuses(403, 60313, 'POST', factorsOf('user-0000-0007'), { authorization, form: totp });
    const unknown = sdkAuthorization('made-up');
    await refuses(401, 20003, 'POST', factorsOf('user-0000-0007'), { authorization: unknown, form: push });
    await refuses(400, 60305, 'POST', `/v2/Services/${serviceSid}/AccessTokens`, { form: 'FactorType=push' });
  });

  it('when faults are configured for a v2 endpoint, then the client gets Twilio-shaped 429 (with Retry-After) and 5xx answers', async () => {
    const faults = await emu.control('POST', '/_emulator/faults', {
      api: [
        { endpoint: 'v2.entities.create', tooManyRequests: { rate: 1, retryAfter: 3 } },
        { endpoint: 'v2.services.fetch', errorRate: 1, errorStatus: 503 },
      ],
    });
    expect(faults.status).toBe(200);
    const limited = await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/Entities`, {
      form: [['Identity', 'user-0000-0009']],
    });
    expectTwilioError(limited, 429, 20429);
    expect(limited.headers.get('retry-after')).toBe('3');
    const client = verifyClient(emu.url);
    await expect(client.verify.v2.services(serviceSid).fetch()).rejects.toMatchObject({
      status: 503,
      code: 20500,
    });
    await expect(client.verify.v2.services(serviceSid).fetch()).rejects.toBeInstanceOf(twilio.RestException);
    const log = await emu.control<{ requests: { endpoint: string; fault: string }[] }>(
      'GET',
      '/_emulator/requests?pathPrefix=/v2',
    );
    expect(
      log.body.requests
        .filter((request) => request.fault !== null)
        .map((request) => [request.endpoint, request.fault]),
    ).toEqual([
      ['v2.entities.create', '429'],
      ['v2.services.fetch', '5xx'],
      ['v2.services.fetch', '5xx'],
    ]);
  });

  it('when the emulator is reset, then Verify services are gone', async () => {
    await emu.control('POST', '/_emulator/reset');
    expectTwilioError(await v2(emu.url, 'GET', `/v2/Services/${serviceSid}`), 404, 20404);
  });
});

describe('Verify webhook deliveries: retries and delivery faults', () => {
  let emu: RunningEmulator;
  let receiver: Receiver;
  const closeAfter = closeAfterEach();

  async function setUp(answer: (n: number) => number) {
    emu = await closeAfter(
      startEmulator({ webhookRetry: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 5 } }),
    );
    receiver = await closeAfter(startReceiver({ answer }));
    const service = await v2(emu.url, 'POST', '/v2/Services', { form: [['FriendlyName', 'deliveries']] });
    const serviceSid = String(service.body.sid);
    await v2(emu.url, 'POST', `/v2/Services/${serviceSid}/Webhooks`, {
      form: [
        ['FriendlyName', 'gw'],
        ['EventTypes', 'factor.created'],
        ['WebhookUrl', `${receiver.url}/hook`],
      ],
    });
    return serviceSid;
  }
  const createTotpFactor = (serviceSid: string) =>
    v2(emu.url, 'POST', `/v2/Services/${serviceSid}/Entities/user-0000-0010/Factors`, {
      form: [
        ['FriendlyName', 'app'],
        ['FactorType', 'totp'],
      ],
    });
  type Deliveries = {
    stats: { verify: Record<string, number> };
    deliveries: { status: string; attempts: number }[];
  };

  it('when the receiver fails twice, then the third attempt delivers the same signed bytes', async () => {
    const serviceSid = await setUp((n) => (n <= 2 ? 500 : 200));
    await createTotpFactor(serviceSid);
    const record = await waitForDefined(async () => {
      const { body } = await emu.control<Deliveries>('GET', '/_emulator/deliveries?kind=verify');
      return body.deliveries.find((delivery) => delivery.status === 'delivered');
    });
    expect(record.attempts).toBe(3);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((request) => request.body)).size).toBe(1);
    expect(new Set(receiver.received.map((request) => request.headers['x-twilio-signature'])).size).toBe(1);
    const params = formFields(receiver.received[0]!.body);
    expect(
      twilio.validateRequest(
        DEV_TWILIO_AUTH_TOKEN,
        String(receiver.received[2]!.headers['x-twilio-signature']),
        `${receiver.url}/hook`,
        params,
      ),
    ).toBe(true);
  });

  it('when webhooks are disabled or subscribed to other events, then only matching enabled ones get deliveries', async () => {
    const serviceSid = await setUp(() => 200);
    const webhooks = `/v2/Services/${serviceSid}/Webhooks`;
    const disabled = await v2(emu.url, 'POST', webhooks, {
      form: [
        ['FriendlyName', 'off'],
        ['EventTypes', '*'],
        ['WebhookUrl', `${receiver.url}/off`],
        ['Status', 'disabled'],
      ],
    });
    const challengesOnly = await v2(emu.url, 'POST', webhooks, {
      form: [
        ['FriendlyName', 'challenges'],
        ['EventTypes', 'challenge.approved'],
        ['WebhookUrl', `${receiver.url}/challenges`],
      ],
    });
    expect([disabled.status, challengesOnly.status]).toEqual([201, 201]);
    await createTotpFactor(serviceSid);

    // Deliveries are recorded when the event happens, so the list is complete once the call returned.
    const { body } = await emu.control<{ deliveries: { webhook_id: string; event: string }[] }>(
      'GET',
      '/_emulator/deliveries?kind=verify',
    );
    expect(body.deliveries.map((delivery) => delivery.event)).toEqual(['factor.created']);
    expect(body.deliveries[0]!.webhook_id).not.toBe(disabled.body.sid);
    expect(body.deliveries[0]!.webhook_id).not.toBe(challengesOnly.body.sid);
  });

  it('when deliveries are duplicated or dropped by fault, then duplicates share the uuid and drops are counted', async () => {
    const serviceSid = await setUp(() => 200);
    await emu.control('POST', '/_emulator/faults', { verifyWebhookDeliveries: { duplicateRate: 1 } });
    await createTotpFactor(serviceSid);
    await waitForDefined(() => (receiver.received.length === 2 ? true : undefined), { what: 'two copies' });
    const [first, second] = receiver.received.map((request) => formFields(request.body));
    expect(first!.uuid).toBe(second!.uuid);

    await emu.control('POST', '/_emulator/faults', { verifyWebhookDeliveries: { dropRate: 1 } });
    await createTotpFactor(serviceSid);
    const { body } = await emu.control<Deliveries>('GET', '/_emulator/deliveries?kind=verify');
    expect(body.stats.verify).toMatchObject({ enqueued: 2, droppedByFault: 1, duplicatedByFault: 1 });
  });
});
