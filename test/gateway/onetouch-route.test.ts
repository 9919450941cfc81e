import { randomUUID } from 'node:crypto';
import { stringify } from 'qs';
import { startTestGateway, useGatewayOnOwnDatabase, verificationFailures } from './support/gateway';
import { expectErrorResponse, postJson, send } from './support/http';
import { inboxRowsFor } from './support/inbox';
import { oneTouchBody, oneTouchHeaders, uniqueAuthyId } from './support/signing';

const PATH = '/webhooks/authy/onetouch';

const { db, gateway } = useGatewayOnOwnDatabase();

async function replayRecords(headers: Record<string, string>): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM onetouch_callback_replays WHERE nonce = $1 AND signature = $2',
    [headers['x-authy-signature-nonce'], headers['x-authy-signature']],
  );
  return rows[0]!.n;
}

const secondsAgo = (seconds: number) => String(Math.floor(Date.now() / 1000) - seconds);

describe('OneTouch callbacks — authentic', () => {
  it('when a POST callback is signed over GATEWAY_PUBLIC_URL, then 200 recorded under approval uuid + status', async () => {
    const authyId = uniqueAuthyId();
    const uuid = randomUUID();
    const body = oneTouchBody(authyId, uuid, 'approved');
    const response = await postJson(gateway.url, PATH, body, oneTouchHeaders(body));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'recorded' });
    expect(await inboxRowsFor(db.pool, authyId)).toMatchObject([
      {
        delivery_id: `onetouch:${uuid}:approved`,
        source: 'onetouch',
        event: 'onetouch_callback',
        state: 'pending',
        payload: { approvalUuid: uuid, approvalStatus: 'approved' },
      },
    ]);
  });

  it('when a GET callback carries everything in the query string, then it verifies with method GET and is recorded', async () => {
    const authyId = uniqueAuthyId();
    const uuid = randomUUID();
    const params = {
      ...oneTouchBody(authyId, uuid, 'denied'),
      approval_request: '{"transaction":{"status":"denied"}}',
    };
    const query = stringify(params);
    const response = await send(gateway.url, {
      method: 'GET',
      path: `${PATH}?${query}`,
      headers: oneTouchHeaders(params, { method: 'GET' }),
    });
    expect(response.status).toBe(200);
    expect(await inboxRowsFor(db.pool, authyId)).toMatchObject([{ delivery_id: `onetouch:${uuid}:denied` }]);
  });

  it('when a callback reports a status other than approved/denied, then it is recorded only', async () => {
    const authyId = uniqueAuthyId();
    const body = { ...oneTouchBody(authyId, randomUUID(), 'approved'), status: 'expired' };
    expect((await postJson(gateway.url, PATH, body, oneTouchHeaders(body))).status).toBe(200);
    expect(await inboxRowsFor(db.pool, authyId)).toMatchObject([{ state: 'not_actionable' }]);
  });
});

describe('OneTouch callbacks — refused', () => {
  // Each refusal counted under its reason in metrics.
  it.each<[string, string, (body: Record<string, unknown>) => Record<string, string>]>([
    [
      'when the signature headers are missing, then 401 and nothing is recorded',
      'missing_signature',
      () => ({}),
    ],
    [
      'when the callback is signed with a wrong API key, then 401 and nothing is recorded',
      'bad_signature',
      (body) => oneTouchHeaders(body, { key: 'someone-elses-api-key' }),
    ],
    [
      'when the nonce is older than the freshness window, then 401 stale_nonce and nothing is recorded',
      'stale_nonce',
      (body) => oneTouchHeaders(body, { nonce: secondsAgo(3600) }),
    ],
  ])('%s', async (_name, reason, headersFor) => {
    const authyId = uniqueAuthyId();
    const body = oneTouchBody(authyId, randomUUID(), 'approved');
    const before = await verificationFailures(gateway, PATH, reason);
    expectErrorResponse(await postJson(gateway.url, PATH, body, headersFor(body)), 401, 'unauthorized');
    expect(await verificationFailures(gateway, PATH, reason)).toBe(before + 1);
    expect(await inboxRowsFor(db.pool, authyId)).toEqual([]);
  });

  it('when only the nonce header is missing, then 401', async () => {
    const body = oneTouchBody(uniqueAuthyId(), randomUUID(), 'approved');
    const { 'x-authy-signature': signature } = oneTouchHeaders(body);
    expectErrorResponse(
      await postJson(gateway.url, PATH, body, { 'x-authy-signature': signature! }),
      401,
      'unauthorized',
    );
  });

  it('when a signed "denied" is tampered into "approved", then 401 and nothing is recorded', async () => {
    const authyId = uniqueAuthyId();
    const signed = oneTouchBody(authyId, randomUUID(), 'denied');
    const headers = oneTouchHeaders(signed);
    const response = await postJson(gateway.url, PATH, { ...signed, status: 'approved' }, headers);
    expectErrorResponse(response, 401, 'unauthorized');
    expect(await inboxRowsFor(db.pool, authyId)).toEqual([]);
  });

  it('when the signature covers the URL the socket saw instead of GATEWAY_PUBLIC_URL, then 401 (Host is never trusted)', async () => {
    const authyId = uniqueAuthyId();
    const body = oneTouchBody(authyId, randomUUID(), 'approved');
    const headers = oneTouchHeaders(body, { url: `${gateway.url}${PATH}` });
    const response = await postJson(gateway.url, PATH, body, {
      ...headers,
      'x-forwarded-host': 'evil.example',
    });
    expectErrorResponse(response, 401, 'unauthorized');
    expect(await inboxRowsFor(db.pool, authyId)).toEqual([]);
  });

  it('when the nonce is not a timestamp, then 401', async () => {
    const body = oneTouchBody(uniqueAuthyId(), randomUUID(), 'approved');
    expectErrorResponse(
      await postJson(gateway.url, PATH, body, oneTouchHeaders(body, { nonce: 'abc' })),
      401,
      'unauthorized',
    );
  });

  it('when the POST body is not JSON, then 400', async () => {
    const response = await send(gateway.url, {
      path: PATH,
      headers: {
        'content-type': 'application/json',
        'x-authy-signature': 'x',
        'x-authy-signature-nonce': secondsAgo(0),
      },
      body: 'authy_id=1&status=approved',
    });
    expectErrorResponse(response, 400, 'bad_request');
  });

  it('when a validly signed callback lacks authy_id, then 400 and nothing is recorded', async () => {
    const { authy_id: _authyId, ...body } = oneTouchBody('1', randomUUID(), 'approved');
    expectErrorResponse(await postJson(gateway.url, PATH, body, oneTouchHeaders(body)), 400, 'bad_request');
  });
});

describe('OneTouch callbacks — replays', () => {
  it('when the exact same request is replayed, then it answers 200 duplicate and there is one row and one replay record', async () => {
    const authyId = uniqueAuthyId();
    const body = oneTouchBody(authyId, randomUUID(), 'approved');
    const headers = oneTouchHeaders(body);
    expect((await postJson(gateway.url, PATH, body, headers)).json).toEqual({ status: 'recorded' });
    expect((await postJson(gateway.url, PATH, body, headers)).json).toEqual({ status: 'duplicate' });
    expect(await inboxRowsFor(db.pool, authyId)).toHaveLength(1);
    expect(await replayRecords(headers)).toBe(1);
  });

  it('when the sender re-signs the same answer with a fresh nonce, then it is a duplicate with no second row', async () => {
    const authyId = uniqueAuthyId();
    const body = oneTouchBody(authyId, randomUUID(), 'approved');
    await postJson(gateway.url, PATH, body, oneTouchHeaders(body, { nonce: secondsAgo(5) }));
    const retry = await postJson(gateway.url, PATH, body, oneTouchHeaders(body, { nonce: secondsAgo(0) }));
    expect(retry.json).toEqual({ status: 'duplicate' });
    expect(await inboxRowsFor(db.pool, authyId)).toHaveLength(1);
  });

  it('when an accepted request is retried after its nonce went stale, then 200 duplicate; an unseen request with that nonce gets 401', async () => {
    const strict = await startTestGateway({ pool: db.pool, app: { nonceWindowSeconds: 60 } });
    try {
      const authyId = uniqueAuthyId();
      const nonce = secondsAgo(200);
      const body = oneTouchBody(authyId, randomUUID(), 'approved');
      const headers = oneTouchHeaders(body, { nonce });
      // Accepted while fresh (the default 300 s window) ...
      expect((await postJson(gateway.url, PATH, body, headers)).json).toEqual({ status: 'recorded' });
      // ... then retried where it is stale: a sender retry never fails forever.
      const retry = await postJson(strict.url, PATH, body, headers);
      expect(retry.status).toBe(200);
      expect(retry.json).toEqual({ status: 'duplicate' });
      const other = oneTouchBody(authyId, randomUUID(), 'approved');
      expectErrorResponse(
        await postJson(strict.url, PATH, other, oneTouchHeaders(other, { nonce })),
        401,
        'unauthorized',
      );
      expect(await inboxRowsFor(db.pool, authyId)).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });
});
