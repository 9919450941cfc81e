import {
  DEV_TWILIO_ACCOUNT_SID,
  DEV_TWILIO_API_KEY,
  DEV_TWILIO_API_SECRET,
  DEV_TWILIO_AUTH_TOKEN,
} from '../../src/shared/dev-keys';
import { createVerifyClient } from '../../src/verify/client';
import type { VerifyClient } from '../../src/verify/client';
import { VerifyApiError, VerifyResponseError, VerifyTransportError } from '../../src/verify/errors';
import { createVerifyHttp } from '../../src/verify/http';
import { verifyIdentity } from '../../src/verify/identity';
import { createVerifyProvider } from '../../src/verify/provider';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';

// The typed Verify v2 client and the `verify` provider against the in-process emulator
// (docs/verify.md, "The client"; the emulator's Verify API: docs/emulator.md).

let emulator: EmulatorHarness;
let client: VerifyClient;
let serviceSid: string;

const accountClient = (url: string, username = DEV_TWILIO_ACCOUNT_SID, password = DEV_TWILIO_AUTH_TOKEN) =>
  createVerifyClient(
    createVerifyHttp({ baseUrl: url, credentials: { username, password }, timeoutMs: 5_000 }),
  );

beforeAll(async () => {
  emulator = await startEmulator();
  client = accountClient(emulator.url);
  serviceSid = (await client.createService({ friendlyName: 'twofold test' })).sid;
});
afterAll(() => emulator.close());

async function currentCode(identity: string, factorSid: string): Promise<string> {
  const { code } = await emulator.control<{ code: string }>(
    'GET',
    `/verify/services/${serviceSid}/entities/${identity}/factors/${factorSid}/code`,
  );
  return code;
}

describe('Verify client', () => {
  it('when a service is created, then it can be fetched and is listed', async () => {
    expect((await client.fetchService(serviceSid)).friendly_name).toBe('twofold test');
    expect((await client.listServices()).map((s) => s.sid)).toContain(serviceSid);
  });

  it('when an API key and secret are the credentials, then calls succeed; a wrong token answers 401 / 20003', async () => {
    const withKey = accountClient(emulator.url, DEV_TWILIO_API_KEY, DEV_TWILIO_API_SECRET);
    expect((await withKey.fetchService(serviceSid)).sid).toBe(serviceSid);
    const wrong = accountClient(emulator.url, DEV_TWILIO_ACCOUNT_SID, 'not-the-token');
    const error = await wrong.fetchService(serviceSid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerifyApiError);
    expect(error).toMatchObject({ status: 401, code: 20003 });
  });

  it('when an entity is created twice, then the second answers 409 / 60301 as a typed error', async () => {
    const identity = verifyIdentity(`dup-${Date.now()}`);
    await client.createEntity(serviceSid, identity);
    await expect(client.createEntity(serviceSid, identity)).rejects.toMatchObject({
      name: 'VerifyApiError',
      status: 409,
      code: 60301,
    });
  });

  it('when a resource is missing, then the error carries 404 / 20404 and the endpoint template, not the sids', async () => {
    const error = (await client
      .fetchChallenge(serviceSid, 'tf-nobody-here', `YC${'0'.repeat(32)}`)
      .catch((e: unknown) => e)) as VerifyApiError;
    expect(error).toMatchObject({ status: 404, code: 20404 });
    expect(error.details.endpoint).toBe('GET /v2/Services/:service/Entities/:identity/Challenges/:challenge');
  });

  it('when nothing listens, then the error is a transport error; a wrong body shape is a response error', async () => {
    const dead = accountClient('http://127.0.0.1:9');
    await expect(dead.fetchService(serviceSid)).rejects.toBeInstanceOf(VerifyTransportError);
    const wrongShape = createVerifyClient(
      createVerifyHttp({
        baseUrl: emulator.url,
        credentials: { username: DEV_TWILIO_ACCOUNT_SID, password: DEV_TWILIO_AUTH_TOKEN },
        fetch: () => Promise.resolve(new Response(JSON.stringify({ sid: 'nope' }), { status: 200 })),
      }),
    );
    await expect(wrongShape.fetchService(serviceSid)).rejects.toBeInstanceOf(VerifyResponseError);
  });

  it('when webhooks are created, listed and deleted, then the list follows', async () => {
    const created = [];
    for (let i = 0; i < 3; i += 1) {
      created.push(
        await client.createWebhook(serviceSid, {
          friendlyName: `hook ${i}`,
          url: `http://127.0.0.1:1/hook-${i}`,
          eventTypes: ['factor.verified', 'challenge.approved'],
        }),
      );
    }
    expect(created[0]!.event_types).toEqual(['factor.verified', 'challenge.approved']);
    const listed = await client.listWebhooks(serviceSid);
    expect(listed.map((w) => w.sid)).toEqual(expect.arrayContaining(created.map((w) => w.sid)));
    for (const hook of created) await client.deleteWebhook(serviceSid, hook.sid);
    const after = await client.listWebhooks(serviceSid);
    expect(after.map((w) => w.sid)).not.toEqual(expect.arrayContaining([created[0]!.sid]));
  });
});

describe('verify provider', () => {
  it('when a TOTP enrolment gets a wrong code then the right one, then it is unverified, then verified', async () => {
    const provider = createVerifyProvider(client, { serviceSid });
    const userId = `totp-${Date.now()}`;
    const enrolment = await provider.enrol({ userId, factorType: 'totp' });
    if (enrolment.factorType !== 'totp') throw new Error('expected a TOTP enrolment');
    expect(enrolment.identity).toBe(verifyIdentity(userId));
    expect(enrolment.identity).toMatch(/^tf-[0-9a-f]{40}$/);
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\//);
    const code = await currentCode(enrolment.identity, enrolment.factorSid);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(code.length, '0');
    expect(await provider.verifyTotp({ ...enrolment, code: wrong })).toEqual({
      verified: false,
      locked: false,
    });
    expect(await provider.readFactor({ ...enrolment })).toEqual({
      verified: false,
      factorSid: enrolment.factorSid,
    });
    expect(await provider.verifyTotp({ ...enrolment, code })).toEqual({ verified: true, locked: false });
    expect((await provider.readFactor({ ...enrolment })).verified).toBe(true);
  });

  it('when a TOTP factor got five wrong codes, then the next try reports it locked (60310), not an error', async () => {
    const provider = createVerifyProvider(client, { serviceSid });
    const enrolment = await provider.enrol({ userId: `locked-${Date.now()}`, factorType: 'totp' });
    if (enrolment.factorType !== 'totp') throw new Error('expected a TOTP enrolment');
    for (let i = 0; i < 5; i += 1) await provider.verifyTotp({ ...enrolment, code: '000000' });
    expect(await provider.verifyTotp({ ...enrolment, code: '000000' })).toEqual({
      verified: false,
      locked: true,
    });
  });

  it('when the same user enrols twice, then the entity is reused (no 60301 error)', async () => {
    const provider = createVerifyProvider(client, { serviceSid });
    const userId = `twice-${Date.now()}`;
    await provider.enrol({ userId, factorType: 'push' });
    await expect(provider.enrol({ userId, factorType: 'push' })).resolves.toMatchObject({
      identity: verifyIdentity(userId),
    });
  });

  it('when a push device enrols with the token and answers a challenge, then factor and challenge read so', async () => {
    const provider = createVerifyProvider(client, { serviceSid });
    const enrolment = await provider.enrol({ userId: `push-${Date.now()}`, factorType: 'push' });
    const { identity } = enrolment;
    expect(await provider.readFactor({ identity, factorType: 'push' })).toEqual({ verified: false });
    const token = await provider.createEnrolmentToken({ identity });
    expect(token).toMatchObject({ identity, serviceSid });
    const { factorSid } = await emulator.control<{ factorSid: string }>(
      'POST',
      `/verify/services/${serviceSid}/entities/${identity}/push-enroll`,
      { accessToken: token.accessToken },
    );
    expect(await provider.readFactor({ identity, factorType: 'push' })).toEqual({
      verified: true,
      factorSid,
    });
    const { challengeSid } = await provider.requestChallenge({
      identity,
      factorSid,
      message: 'Confirm',
      expiresInSeconds: 7200,
    });
    expect(await provider.readChallenge({ identity, challengeSid })).toBe('pending');
    await emulator.control(
      'POST',
      `/verify/services/${serviceSid}/entities/${identity}/challenges/${challengeSid}/respond`,
      {
        status: 'denied',
      },
    );
    expect(await provider.readChallenge({ identity, challengeSid })).toBe('denied');
  });
});
