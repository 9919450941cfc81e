import twilio from 'twilio';
import { DEV_TWILIO_API_KEY, DEV_TWILIO_API_SECRET, DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import { startEmulator } from './helpers';
import { waitForDefined } from '../harness/wait-for';
import type { RunningEmulator } from './helpers';
import { startReceiver } from './receiver';
import type { Receiver } from './receiver';
import { formFields, sdkAuthorization, TestPushDevice, v2, verifyClient } from './verify-support';

// The official `twilio` npm package (client.verify.baseUrl pointed at the emulator) drives Verify v2;
// its own parsing of every answer is the witness that the emulator speaks Twilio's wire format.

type RestError = { status: number; code: number; moreInfo: string; message: string };

async function restError(call: Promise<unknown>): Promise<RestError> {
  try {
    await call;
  } catch (error) {
    return error as RestError;
  }
  throw new Error('expected the call to fail');
}

describe('twilio npm client against the Verify v2 emulator', () => {
  let emu: RunningEmulator;
  let receiver: Receiver;
  let client: twilio.Twilio;

  beforeEach(async () => {
    emu = await startEmulator({ webhookRetry: { initialDelayMs: 20, maxDelayMs: 50 } });
    receiver = await startReceiver();
    client = verifyClient(emu.url);
  });
  afterEach(async () => {
    await emu.close();
    await receiver.close();
  });

  /** Deliveries the receiver got, checked with twilio.validateRequest as a Twilio customer would. */
  const deliveries = () =>
    receiver.received.map((request) => {
      const params = formFields(request.body);
      const signature = String(request.headers['x-twilio-signature'] ?? '');
      return {
        params,
        valid: twilio.validateRequest(DEV_TWILIO_AUTH_TOKEN, signature, receiver.url + request.url, params),
      };
    });
  const deliveryOf = (type: string) =>
    waitForDefined(() => deliveries().find((delivery) => delivery.params.type === type), { what: type });

  it('when a service is created and fetched, then the client reads its TOTP settings and emulator URLs', async () => {
    const created = await client.verify.v2.services.create({
      friendlyName: 'twofold test',
      'totp.issuer': 'Twofold',
      'totp.timeStep': 60,
      'totp.codeLength': 8,
      'totp.skew': 0,
    });
    expect(created.sid).toMatch(/^VA[0-9a-f]{32}$/);
    const fetched = await client.verify.v2.services(created.sid).fetch();
    expect(fetched.friendlyName).toBe('twofold test');
    expect(fetched.totp).toEqual({ issuer: 'Twofold', time_step: 60, code_length: 8, skew: 0 });
    expect(fetched.dateCreated).toBeInstanceOf(Date);
    expect(fetched.url).toBe(`${emu.url}/v2/Services/${created.sid}`);
    expect(fetched.links.entities).toBe(`${emu.url}/v2/Services/${created.sid}/Entities`);
  });

  it('when a list spans pages, then the client follows next_page_url back to the emulator for every page', async () => {
    const service = await client.verify.v2.services.create({ friendlyName: 'paging' });
    const identities = Array.from({ length: 7 }, (_, i) => `paging-user-${i}`);
    for (const identity of identities)
      await client.verify.v2.services(service.sid).entities.create({ identity });

    const listed = await client.verify.v2.services(service.sid).entities.list({ pageSize: 3 });

    expect(listed.map((entity) => entity.identity)).toEqual(identities);
    const log = await emu.control<{ requests: { endpoint: string; query: string }[] }>(
      'GET',
      `/_emulator/requests?endpoint=v2.entities.list`,
    );
    expect(log.body.requests).toHaveLength(3);
    expect(log.body.requests.map((request) => new URLSearchParams(request.query).get('Page'))).toEqual([
      null,
      '1',
      '2',
    ]);
    const firstPage = await client.verify.v2.services(service.sid).entities.page({ pageSize: 3 });
    expect(firstPage.nextPageUrl).toMatch(
      new RegExp(`^${emu.url}/v2/Services/${service.sid}/Entities\\?PageSize=3&Page=1&PageToken=PT`),
    );
  });

  it('when entities are created, fetched, listed and removed, then a duplicate is 409 / 60301 and a removed one is a 404 RestException', async () => {
    const service = await client.verify.v2.services.create({ friendlyName: 'entities' });
    const entities = client.verify.v2.services(service.sid).entities;
    const entity = await entities.create({ identity: 'user-0001-abcd' });
    expect(entity.sid).toMatch(/^YE[0-9a-f]{32}$/);
    expect((await entities('user-0001-abcd').fetch()).sid).toBe(entity.sid);

    const duplicate = await restError(entities.create({ identity: 'user-0001-abcd' }));
    expect(duplicate).toBeInstanceOf(twilio.RestException);
    expect(duplicate).toMatchObject({
      status: 409,
      code: 60301,
      moreInfo: 'https://www.twilio.com/docs/errors/60301',
    });

    expect(await entities('user-0001-abcd').remove()).toBe(true);
    const missing = await restError(entities('user-0001-abcd').fetch());
    expect(missing).toBeInstanceOf(twilio.RestException);
    expect(missing).toMatchObject({
      status: 404,
      code: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
    expect(missing.message).toBe(
      `The requested resource /Services/${service.sid}/Entities/user-0001-abcd was not found`,
    );
  });

  it('when a TOTP factor is made under a new identity, then the entity appears, a wrong code leaves it unverified and the current code verifies it', async () => {
    const service = await client.verify.v2.services.create({ friendlyName: 'Twofold Bank' });
    await client.verify.v2.services(service.sid).webhooks.create({
      friendlyName: 'gateway',
      eventTypes: ['factor.created', 'factor.verified'],
      webhookUrl: `${receiver.url}/webhooks/twilio/verify?tenant=a`,
    });
    const entity = client.verify.v2.services(service.sid).entities('totp-user-0001');
    const factor = await entity.newFactors.create({ friendlyName: 'Ada’s phone', factorType: 'totp' });

    const binding = factor.binding as { secret: string; uri: string };
    expect(factor.status).toBe('unverified');
    expect(binding.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(binding.uri).toBe(
      `otpauth://totp/Twofold%20Bank:Ada%E2%80%99s%20phone?secret=${binding.secret}&issuer=Twofold%20Bank&algorithm=SHA1&digits=6&period=30`,
    );
    expect(factor.config).toEqual({ alg: 'sha1', skew: 1, code_length: 6, time_step: 30 });
    expect((await entity.fetch()).identity).toBe('totp-user-0001');

    const { body } = await emu.control<{ code: string }>(
      'GET',
      `/_emulator/verify/services/${service.sid}/entities/totp-user-0001/factors/${factor.sid}/code`,
    );
    const wrong = body.code === '000000' ? '111111' : '000000';
    const afterWrong = await entity.factors(factor.sid).update({ authPayload: wrong });
    expect(afterWrong.status).toBe('unverified');
    const afterRight = await entity.factors(factor.sid).update({ authPayload: body.code });
    expect(afterRight.status).toBe('verified');
    expect((afterRight as unknown as Record<string, unknown>).binding).toBeUndefined();

    const created = await deliveryOf('factor.created');
    const verified = await deliveryOf('factor.verified');
    expect(created.valid && verified.valid).toBe(true);
    expect(verified.params).toMatchObject({
      account_sid: client.accountSid,
      service_sid: service.sid,
      entity_identity: 'totp-user-0001',
      factor_sid: factor.sid,
      factor_type: 'totp',
    });
    expect(JSON.stringify(verified.params)).not.toContain(binding.secret);

    const challenges = entity.challenges;
    const approved = await challenges.create({ factorSid: factor.sid, authPayload: body.code });
    expect(approved.status).toBe('approved');
    expect(approved.factorType).toBe('totp');
    const pending = await challenges.create({ factorSid: factor.sid, authPayload: wrong });
    expect(pending.status).toBe('pending');
  });

  it('when a device enrolls with an access token and answers a push challenge, then the client sees each step and the webhooks validate', async () => {
    const service = await client.verify.v2.services.create({ friendlyName: 'push' });
    await client.verify.v2.services(service.sid).webhooks.create({
      friendlyName: 'all',
      eventTypes: ['*'],
      webhookUrl: `${receiver.url}/hook`,
    });
    const identity = 'push-user-0001';
    const token = await client.verify.v2
      .services(service.sid)
      .accessTokens.create({ identity, factorType: 'push', factorFriendlyName: 'Ada phone', ttl: 120 });
    expect(token.sid).toMatch(/^YK/);
    expect(token.ttl).toBe(120);

    // The device is a twilio-node client too: Basic auth user `token`, password the access token.
    const device = new TestPushDevice();
    const enrolling = verifyClient(emu.url, 'token', token.token);
    const factor = await enrolling.verify.v2
      .services(service.sid)
      .entities(identity)
      .newFactors.create({
        friendlyName: 'Ada phone',
        factorType: 'push',
        'binding.alg': 'ES256',
        'binding.publicKey': device.publicKey,
        'config.appId': 'com.example.twofold',
        'config.notificationPlatform': 'fcm',
        'config.notificationToken': 'f'.repeat(64),
        'config.sdkVersion': '0.9.0',
      });
    expect(factor.status).toBe('unverified');
    expect(factor.binding).toEqual({ alg: 'ES256', public_key: device.publicKey });
    const credentialSid = (factor.config as { credential_sid: string }).credential_sid;
    expect(credentialSid).toMatch(/^CR[0-9a-f]{32}$/);

    const asDevice = verifyClient(emu.url, 'token', device.authToken(credentialSid));
    const verified = await asDevice.verify.v2
      .services(service.sid)
      .entities(identity)
      .factors(factor.sid)
      .update({ authPayload: device.proof(factor.sid) });
    expect(verified.status).toBe('verified');

    const challenge = await client.verify.v2
      .services(service.sid)
      .entities(identity)
      .challenges.create({
        factorSid: factor.sid,
        'details.message': 'Sign in to Twofold?',
        'details.fields': [{ label: 'Browser', value: 'Firefox' }],
        hiddenDetails: { ip: '203.0.113.5' },
      });
    expect(challenge.status).toBe('pending');
    expect(challenge.details).toMatchObject({
      message: 'Sign in to Twofold?',
      fields: [{ label: 'Browser', value: 'Firefox' }],
    });
    expect(challenge.hiddenDetails).toEqual({ ip: '203.0.113.5' });
    const lifetime = challenge.expirationDate.getTime() - challenge.dateCreated.getTime();
    expect(lifetime).toBe(5 * 60_000);

    // The SDK fetches the challenge, signs the fields the header names, and posts the answer.
    const path = `/v2/Services/${service.sid}/Entities/${identity}/Challenges/${challenge.sid}`;
    const fetched = await v2(emu.url, 'GET', path, {
      authorization: sdkAuthorization(device.authToken(credentialSid)),
    });
    const fields = fetched.headers.get('twilio-verify-signature-fields')!.split(',');
    expect(fields).toContain('sid');
    const answered = await asDevice.verify.v2
      .services(service.sid)
      .entities(identity)
      .challenges(challenge.sid)
      .update({ authPayload: device.answer(fetched.body, fields, 'approved'), metadata: { os: 'Android' } });
    expect(answered.status).toBe('approved');
    expect(answered.dateResponded).toBeInstanceOf(Date);

    const listed = await client.verify.v2
      .services(service.sid)
      .entities(identity)
      .challenges.list({ factorSid: factor.sid, status: 'approved' });
    expect(listed.map((item) => item.sid)).toEqual([challenge.sid]);

    const approval = await deliveryOf('challenge.approved');
    expect(approval.valid).toBe(true);
    expect(approval.params).toMatchObject({
      challenge_sid: challenge.sid,
      factor_sid: factor.sid,
      factor_type: 'push',
    });
    expect(JSON.parse(approval.params.challenge_hidden_details!)).toEqual({ ip: '203.0.113.5' });
    expect(JSON.parse(approval.params.challenge_metadata!)).toEqual({ os: 'Android' });
    const types = deliveries().map((delivery) => delivery.params.type);
    expect(types.slice(0, 3)).toEqual(['factor.created', 'factor.verified', 'challenge.approved']);
    expect(deliveries().every((delivery) => delivery.valid)).toBe(true);
  });

  it('when a push is re-sent and tokens and services are read back, then Notifications, AccessTokens and the service list answer', async () => {
    const service = await client.verify.v2.services.create({ friendlyName: 'notify' });
    const other = await client.verify.v2.services.create({ friendlyName: 'other' });
    expect((await client.verify.v2.services.list()).map((item) => item.sid)).toEqual([
      service.sid,
      other.sid,
    ]);
    const identity = 'notify-user-0001';
    const token = await client.verify.v2
      .services(service.sid)
      .accessTokens.create({ identity, factorType: 'push' });
    const fetchedToken = await client.verify.v2.services(service.sid).accessTokens(token.sid).fetch();
    expect(fetchedToken).toMatchObject({
      entityIdentity: identity,
      factorType: 'push',
      ttl: 60,
      token: token.token,
    });

    const { body } = await emu.control<{ factorSid: string }>(
      'POST',
      `/_emulator/verify/services/${service.sid}/entities/${identity}/push-enroll`,
      { accessToken: token.token },
    );
    const entity = client.verify.v2.services(service.sid).entities(identity);
    const challenge = await entity.challenges.create({ factorSid: body.factorSid, 'details.message': 'Hi' });
    const defaultTtl = await entity.challenges(challenge.sid).notifications.create();
    expect(defaultTtl).toMatchObject({ challengeSid: challenge.sid, priority: 'high', ttl: 300, identity });
    expect(defaultTtl.sid).toMatch(/^NT/);
    expect((await entity.challenges(challenge.sid).notifications.create({ ttl: 0 })).ttl).toBe(0);

    const silent = await emu.control<{ factorSid: string }>(
      'POST',
      `/_emulator/verify/services/${service.sid}/entities/${identity}/push-enroll`,
      {
        accessToken: (
          await client.verify.v2.services(service.sid).accessTokens.create({ identity, factorType: 'push' })
        ).token,
        notificationPlatform: 'none',
      },
    );
    const toSilent = await entity.challenges.create({
      factorSid: silent.body.factorSid,
      'details.message': 'Hi',
    });
    const refused = await restError(entity.challenges(toSilent.sid).notifications.create());
    expect(refused).toMatchObject({ status: 400, code: 60307 });
  });

  it('when webhooks are created, listed, updated and removed, then the client reads them back each time', async () => {
    const service = await client.verify.v2.services.create({ friendlyName: 'webhooks' });
    const webhooks = client.verify.v2.services(service.sid).webhooks;
    const created = await webhooks.create({
      friendlyName: 'gw',
      eventTypes: ['challenge.approved', 'challenge.denied'],
      webhookUrl: 'https://gateway.example/webhooks/twilio/verify',
    });
    expect(created).toMatchObject({ status: 'enabled', version: 'v2', webhookMethod: 'POST' });
    expect(created.eventTypes).toEqual(['challenge.approved', 'challenge.denied']);
    const updated = await webhooks(created.sid).update({ status: 'disabled', eventTypes: ['*'] });
    expect(updated).toMatchObject({ status: 'disabled', eventTypes: ['*'] });
    expect((await webhooks.list()).map((webhook) => webhook.sid)).toEqual([created.sid]);
    const invalid = await restError(
      webhooks.create({
        friendlyName: 'bad',
        eventTypes: ['challenge.expired'],
        webhookUrl: 'https://x.example',
      }),
    );
    expect(invalid).toMatchObject({ status: 400, code: 60306 });
    expect(await webhooks(created.sid).remove()).toBe(true);
    expect(await webhooks.list()).toEqual([]);
  });

  it('when the client authenticates with an API key, then calls succeed; with a wrong auth token, 401 / 20003', async () => {
    const withKey = verifyClient(emu.url, DEV_TWILIO_API_KEY, DEV_TWILIO_API_SECRET);
    const service = await withKey.verify.v2.services.create({ friendlyName: 'api key' });
    expect(service.sid).toMatch(/^VA/);
    const wrong = verifyClient(emu.url, client.accountSid, 'not-the-token-00000000000000000000');
    const refused = await restError(wrong.verify.v2.services(service.sid).fetch());
    expect(refused).toBeInstanceOf(twilio.RestException);
    expect(refused).toMatchObject({ status: 401, code: 20003 });
  });
});
