import { stringify } from 'qs';
import { startTestGateway, useGatewayOnOwnDatabase, verificationFailures } from './support/gateway';
import { expectErrorResponse, postJson, send } from './support/http';
import type { SentResponse } from './support/http';
import { inboxCount, inboxRowsFor } from './support/inbox';
import {
  PREVIOUS_WEBHOOK_KEY,
  WEBHOOK_KEY,
  signWebhook,
  uniqueAuthyId,
  unsignedToken,
  webhookClaims,
} from './support/signing';

const PATH = '/webhooks/authy';

const { db, gateway } = useGatewayOnOwnDatabase();

function deliver(token: string): Promise<SentResponse> {
  return postJson(gateway.url, PATH, { body: token });
}

async function expectNothingRecordedFor(authyId: string): Promise<void> {
  expect(await inboxRowsFor(db.pool, authyId)).toEqual([]);
}

describe('POST /webhooks/authy — authentic deliveries', () => {
  it('when a validly signed JSON delivery arrives, then it answers 200 recorded and one pending inbox row exists', async () => {
    const authyId = uniqueAuthyId();
    const claims = webhookClaims('device_registration_completed', authyId, {
      device: { id: 1, device_type: 'ios' },
    });
    const response = await deliver(signWebhook(claims));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'recorded' });
    const rows = await inboxRowsFor(db.pool, authyId);
    expect(rows).toMatchObject([
      {
        delivery_id: `jwt:${String(claims.id)}`,
        source: 'webhook',
        event: 'device_registration_completed',
        state: 'pending',
      },
    ]);
  });

  it('when the delivery is form-encoded, then it is accepted like JSON', async () => {
    const authyId = uniqueAuthyId();
    const response = await send(gateway.url, {
      path: PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: stringify({ body: signWebhook(webhookClaims('user_added', authyId)) }),
    });
    expect(response.status).toBe(200);
    expect(await inboxRowsFor(db.pool, authyId)).toHaveLength(1);
  });

  it('when the same delivery arrives 3 times, then the first is recorded, the others are duplicates, and one row exists', async () => {
    const authyId = uniqueAuthyId();
    const token = signWebhook(webhookClaims('device_registration_completed', authyId));
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await deliver(token)).json);
    expect(answers).toEqual([{ status: 'recorded' }, { status: 'duplicate' }, { status: 'duplicate' }]);
    expect(await inboxRowsFor(db.pool, authyId)).toHaveLength(1);
  });

  it('when the claims use `name` instead of `event` and carry no id, then request_id identifies the delivery', async () => {
    const authyId = uniqueAuthyId();
    const { id: _id, event: _event, ...rest } = webhookClaims('device_registration_completed', authyId);
    const claims: Record<string, unknown> = { ...rest, name: 'device_registration_completed' };
    expect((await deliver(signWebhook(claims))).json).toEqual({ status: 'recorded' });
    expect((await deliver(signWebhook(claims))).json).toEqual({ status: 'duplicate' });
    const rows = await inboxRowsFor(db.pool, authyId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.delivery_id).toBe(
      `rq:${String(claims.request_id)}:device_registration_completed:${String(claims.time)}`,
    );
  });

  it('when the token is signed with the previous key during a rotation, then it is accepted', async () => {
    const rotating = await startTestGateway({
      pool: db.pool,
      webhookKeys: { current: WEBHOOK_KEY, previous: PREVIOUS_WEBHOOK_KEY },
    });
    try {
      const authyId = uniqueAuthyId();
      const token = signWebhook(webhookClaims('user_added', authyId), PREVIOUS_WEBHOOK_KEY);
      expect((await postJson(rotating.url, PATH, { body: token })).status).toBe(200);
      expect(await inboxRowsFor(db.pool, authyId)).toHaveLength(1);
    } finally {
      await rotating.close();
    }
  });

  it('when a known event twofold does not act on arrives (token_verified), then it is recorded only', async () => {
    const authyId = uniqueAuthyId();
    expect((await deliver(signWebhook(webhookClaims('token_verified', authyId)))).status).toBe(200);
    expect(await inboxRowsFor(db.pool, authyId)).toMatchObject([
      { event: 'token_verified', state: 'not_actionable' },
    ]);
  });

  it('when an event name outside every known list arrives, then it is recorded only and answered 200', async () => {
    const authyId = uniqueAuthyId();
    expect((await deliver(signWebhook(webhookClaims('quantum_token_entangled', authyId)))).status).toBe(200);
    expect(await inboxRowsFor(db.pool, authyId)).toMatchObject([
      { event: 'quantum_token_entangled', state: 'not_actionable' },
    ]);
    const recorded = await gateway.app.metrics.deliveriesRecorded.get();
    expect(recorded.values.some((v) => v.labels.event === 'unrecognised')).toBe(true);
  });

  it('when a phone change carries a raw number, then only a masked form is stored', async () => {
    const authyId = uniqueAuthyId();
    const claims = webhookClaims('user_phone_changed', authyId, {
      phone_change: {
        new_phone_number: '+1 415-555-0173',
        current_phone_number: '+1 415-555-0199',
        status: 'approved',
      },
    });
    expect((await deliver(signWebhook(claims))).status).toBe(200);
    const [row] = await inboxRowsFor(db.pool, authyId);
    expect(row!.payload).toEqual({ maskedPhone: 'XXX-XXX-0173' });
    // Neither raw number is in the row in any spelling (not a bare "555": the random authy id may
    // hold those digits).
    const stored = JSON.stringify(row);
    for (const number of ['415-555-0173', '415-555-0199', '4155550173', '4155550199', '555-0173', '555-0199'])
      expect(stored).not.toContain(number);
  });
});

describe('POST /webhooks/authy — refused deliveries', () => {
  const registration = (authyId: string) => webhookClaims('device_registration_completed', authyId);
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  // Each refusal counted under its reason in metrics; the answer is the same generic 401 for all.
  it.each<[string, string, (authyId: string) => string]>([
    [
      'when the token is signed with a wrong key, then 401 and nothing is recorded',
      'bad_signature',
      (authyId) => signWebhook(registration(authyId), 'WSK_not_ours'),
    ],
    [
      'when the token uses alg none, then 401 wrong_algorithm and nothing is recorded',
      'wrong_algorithm',
      (authyId) => unsignedToken(registration(authyId)),
    ],
    [
      'when the token has expired, then 401 expired and nothing is recorded',
      'expired',
      (authyId) => signWebhook({ ...registration(authyId), exp: nowSeconds() - 120 }),
    ],
    [
      'when the token was issued more than a day ago (the default maximum age), then 401 with the generic body',
      'too_old',
      (authyId) => signWebhook({ ...registration(authyId), iat: nowSeconds() - 24 * 60 * 60 - 120 }),
    ],
    [
      'when the token carries no iat, then 401 (its age cannot be checked)',
      'missing_iat',
      (authyId) => signWebhook(registration(authyId), WEBHOOK_KEY, { noTimestamp: true }),
    ],
  ])('%s', async (_name, reason, tokenFor) => {
    const authyId = uniqueAuthyId();
    const before = await verificationFailures(gateway, PATH, reason);
    const response = await deliver(tokenFor(authyId));
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: { code: 'unauthorized', message: 'the delivery could not be authenticated' },
    });
    expect(await verificationFailures(gateway, PATH, reason)).toBe(before + 1);
    await expectNothingRecordedFor(authyId);
  });

  it('when the body field is missing, then 401 and nothing is recorded', async () => {
    const before = await verificationFailures(gateway, PATH, 'missing_signature');
    expectErrorResponse(await postJson(gateway.url, PATH, { token: 'x' }), 401, 'unauthorized');
    expect(await verificationFailures(gateway, PATH, 'missing_signature')).toBe(before + 1);
  });

  it('when the claims were tampered with after signing, then 401 and nothing is recorded', async () => {
    const authyId = uniqueAuthyId();
    const [header, , signature] = signWebhook(
      webhookClaims('device_registration_completed', uniqueAuthyId()),
    ).split('.');
    const forged = Buffer.from(
      JSON.stringify(webhookClaims('device_registration_completed', authyId)),
    ).toString('base64url');
    expectErrorResponse(await deliver(`${header}.${forged}.${signature}`), 401, 'unauthorized');
    await expectNothingRecordedFor(authyId);
  });

  it('when the signature part is tampered with, then 401 and nothing is recorded', async () => {
    const authyId = uniqueAuthyId();
    const token = signWebhook(webhookClaims('device_registration_completed', authyId));
    const at = token.length - 8;
    const flipped = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
    expectErrorResponse(await deliver(flipped), 401, 'unauthorized');
    await expectNothingRecordedFor(authyId);
  });

  it('when the token uses another HMAC algorithm (HS512) with the right key, then 401', async () => {
    const authyId = uniqueAuthyId();
    const token = signWebhook(webhookClaims('device_registration_completed', authyId), WEBHOOK_KEY, {
      algorithm: 'HS512',
    });
    expectErrorResponse(await deliver(token), 401, 'unauthorized');
    await expectNothingRecordedFor(authyId);
  });

  it('when the token was issued in the future (iat beyond the clock tolerance), then 401', async () => {
    const authyId = uniqueAuthyId();
    const claims = { ...registration(authyId), iat: nowSeconds() + 3600 };
    expectErrorResponse(await deliver(signWebhook(claims)), 401, 'unauthorized');
    await expectNothingRecordedFor(authyId);
  });

  it('when the token was issued just under a day ago, then it is accepted', async () => {
    const authyId = uniqueAuthyId();
    const claims = { ...registration(authyId), iat: nowSeconds() - 24 * 60 * 60 + 120 };
    expect((await deliver(signWebhook(claims))).json).toEqual({ status: 'recorded' });
  });

  it('when 401s have different causes, then their bodies are identical (the reason is only in metrics and logs)', async () => {
    const claims = webhookClaims('device_registration_completed', uniqueAuthyId());
    const now = Math.floor(Date.now() / 1000);
    const answers = await Promise.all([
      deliver(signWebhook(claims, 'WSK_attacker_key_0123456789abcdef')),
      deliver(unsignedToken(claims)),
      deliver(signWebhook({ ...claims, exp: now - 600 })),
      deliver(signWebhook({ ...claims, iat: now + 3600 })),
      deliver(signWebhook({ ...claims, iat: now - 3 * 86_400 })),
      deliver('not-a-jwt'),
      postJson(gateway.url, PATH, {}),
    ]);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
  });

  it('when the token is signed with a rotated-out key that is no longer configured, then 401', async () => {
    const authyId = uniqueAuthyId();
    expectErrorResponse(
      await deliver(signWebhook(webhookClaims('user_added', authyId), PREVIOUS_WEBHOOK_KEY)),
      401,
      'unauthorized',
    );
    await expectNothingRecordedFor(authyId);
  });

  it('when the JSON body is truncated, then 400', async () => {
    const body = JSON.stringify({ body: signWebhook(webhookClaims('user_added', uniqueAuthyId())) });
    const response = await send(gateway.url, {
      path: PATH,
      headers: { 'content-type': 'application/json' },
      body: body.slice(0, body.length / 2),
    });
    expectErrorResponse(response, 400, 'bad_request');
  });

  it('when the body is not JSON at all, then 400', async () => {
    const response = await send(gateway.url, {
      path: PATH,
      headers: { 'content-type': 'application/json' },
      body: '<xml>not json</xml>',
    });
    expectErrorResponse(response, 400, 'bad_request');
  });

  it('when the JSON body is an array, then 400', async () => {
    expectErrorResponse(await postJson(gateway.url, PATH, ['body']), 400, 'bad_request');
  });

  it('when the body is 1 MiB, then 413 and nothing is recorded', async () => {
    const before = await inboxCount(db.pool);
    const response = await send(gateway.url, {
      path: PATH,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'x'.repeat(1024 * 1024) }),
    });
    expectErrorResponse(response, 413, 'payload_too_large');
    expect(await inboxCount(db.pool)).toBe(before);
  });

  it('when a body over the limit is streamed without Content-Length, then 413', async () => {
    const response = await send(gateway.url, {
      path: PATH,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(200 * 1024, 'a'),
    });
    expectErrorResponse(response, 413, 'payload_too_large');
  });

  it('when the content type is text/plain, then 415', async () => {
    const response = await send(gateway.url, {
      path: PATH,
      headers: { 'content-type': 'text/plain' },
      body: signWebhook(webhookClaims('user_added', uniqueAuthyId())),
    });
    expectErrorResponse(response, 415, 'unsupported_media_type');
  });

  it('when there is no content type, then 415', async () => {
    expectErrorResponse(await send(gateway.url, { path: PATH, body: '{}' }), 415, 'unsupported_media_type');
  });

  it('when the body is compressed (Content-Encoding: gzip), then 415', async () => {
    const response = await send(gateway.url, {
      path: PATH,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{}',
    });
    expectErrorResponse(response, 415, 'unsupported_media_type');
  });

  it('when the body field is not a string, then 400', async () => {
    expectErrorResponse(await postJson(gateway.url, PATH, { body: { nested: true } }), 400, 'bad_request');
  });

  it('when validly signed claims have a malformed event name, then 400 invalid_claims and nothing is recorded', async () => {
    const authyId = uniqueAuthyId();
    const response = await deliver(signWebhook(webhookClaims("'; DROP TABLE webhook_inbox; --", authyId)));
    expectErrorResponse(response, 400, 'invalid_claims');
    await expectNothingRecordedFor(authyId);
  });

  it('when validly signed claims carry neither id nor request_id, then 400 invalid_claims', async () => {
    const { id: _id, request_id: _requestId, ...claims } = webhookClaims('user_added', uniqueAuthyId());
    expectErrorResponse(await deliver(signWebhook(claims)), 400, 'invalid_claims');
  });

  it('when a device registration carries no authy id, then 400 invalid_claims', async () => {
    const claims = { ...webhookClaims('device_registration_completed', '1'), objects: { device: { id: 1 } } };
    expectErrorResponse(await deliver(signWebhook(claims)), 400, 'invalid_claims');
  });

  it('when a gateway is configured with a shorter maximum age, then a token older than it gets 401 and a younger one is recorded', async () => {
    const strict = await startTestGateway({ pool: db.pool, app: { webhookMaxAgeSeconds: 300 } });
    try {
      const now = Math.floor(Date.now() / 1000);
      const old = { ...webhookClaims('device_registration_completed', uniqueAuthyId()), iat: now - 400 };
      const young = { ...webhookClaims('device_registration_completed', uniqueAuthyId()), iat: now - 200 };
      expectErrorResponse(await postJson(strict.url, PATH, { body: signWebhook(old) }), 401, 'unauthorized');
      expect((await postJson(strict.url, PATH, { body: signWebhook(young) })).json).toEqual({
        status: 'recorded',
      });
    } finally {
      await strict.close();
    }
  });

  it('when no webhook signing key is configured, then deliveries get 503 not_configured and nothing is recorded', async () => {
    const unconfigured = await startTestGateway({ pool: db.pool, webhookKeys: undefined });
    try {
      const authyId = uniqueAuthyId();
      const response = await postJson(unconfigured.url, PATH, {
        body: signWebhook(webhookClaims('user_added', authyId)),
      });
      expectErrorResponse(response, 503, 'not_configured');
      // The sender learns to retry later, not which secret is missing.
      expect(response.text).not.toContain('AUTHY_WEBHOOK_SIGNING_KEY');
      await expectNothingRecordedFor(authyId);
    } finally {
      await unconfigured.close();
    }
  });
});
