import fc from 'fast-check';
import { parse, stringify } from 'qs';
import { connectTemporal } from '../harness/temporal';
import { startTestGateway } from './support/gateway';
import type { TestGateway } from './support/gateway';
import { send } from './support/http';
import type { SentResponse } from './support/http';
import { inboxCount } from './support/inbox';
import { useIsolatedDatabase } from '../harness/isolated-database';
import { useForAll } from '../harness/lifecycle';
import {
  oneTouchHeaders,
  signRawHs256,
  signWebhook,
  uniqueAuthyId,
  unsignedToken,
  webhookClaims,
} from './support/signing';
import { seedRunningOnboarding, signalsOf, terminateSignalTargets } from './support/targets';
import type { SignalTarget } from './support/targets';

const authyId = uniqueAuthyId();
let target: SignalTarget;
let gateway: TestGateway;
// afterAll hooks run in the order they are declared: these go before Temporal and the database close.
afterAll(async () => {
  await terminateSignalTargets();
  await gateway.close();
});
const temporal = useForAll(connectTemporal);
const db = useIsolatedDatabase('gw');

beforeAll(async () => {
  // A real running onboarding for the authy id the forged deliveries name: any signal would show.
  target = await seedRunningOnboarding(temporal.client, db.pool, authyId);
  gateway = await startTestGateway({
    pool: db.pool,
    dispatch: true,
    connectTemporal: () => temporal.connectOwnClient(),
  });
});

/**
 * Sends one validly signed request: it must not answer 5xx, and it records exactly one inbox row when
 * it answers 200 `recorded`, none otherwise.
 */
async function expectRecordedOnlyIfAccepted(sending: () => Promise<SentResponse>): Promise<void> {
  const before = await inboxCount(db.pool);
  const response = await sending();
  expect(response.status).toBeLessThan(500);
  const accepted = response.status === 200 && (response.json as { status?: string }).status === 'recorded';
  expect((await inboxCount(db.pool)) - before).toBe(accepted ? 1 : 0);
}

const anyText = fc.string({ maxLength: 300 });
/** Any UTF-16 text, NUL and lone surrogates included. */
const binaryText = fc.string({ unit: 'binary', maxLength: 30 });
const headerValue = fc.string({ maxLength: 80 }).map((s) => s.trim());
const claimsFor = (event: string) => webhookClaims(event, authyId);
const event = fc.constantFrom(
  'device_registration_completed',
  'one_touch_request_responded',
  'user_phone_changed',
);

/** Tokens that look plausible but are not validly signed with the gateway's key. */
const forgedToken = fc.oneof(
  event.map((e) => signWebhook(claimsFor(e), 'WSK_attacker')),
  event.map((e) => unsignedToken(claimsFor(e))),
  fc.tuple(event, fc.base64String({ maxLength: 60 })).map(([e, sig]) => {
    const [header, payload] = signWebhook(claimsFor(e)).split('.');
    return `${header}.${payload}.${sig.replace(/=+$/, '')}`;
  }),
  fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join('.')),
  anyText,
);

const formOrJsonWith = (token: fc.Arbitrary<unknown>) =>
  fc.oneof(
    token.map((t) => JSON.stringify({ body: t })),
    token.map((t) => stringify({ body: t })),
  );

/** `depth` levels of arrays or of single-key objects around a leaf, as JSON text. */
function nestedJson(kind: 'array' | 'object', depth: number): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * Deeply nested JSON bodies, from around the gateway's depth limit (8) to past the depth that once
 * overflowed the stack in the signature code (2,800), alone or repeated side by side up to ~60 KB
 * (under the 64 KiB body limit): the shapes of the security review's CPU and 500 reproductions.
 */
const nestedBody = fc
  .record({
    kind: fc.constantFrom('array' as const, 'object' as const),
    depth: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 3_000 })),
    copies: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ kind, depth, copies }) => {
    const one = nestedJson(kind, depth);
    const fit = Math.max(1, Math.min(copies, Math.floor(60_000 / one.length)));
    return `{"a":[${Array.from({ length: fit }, () => one).join(',')}]}`;
  });

const body = fc.oneof(
  nestedBody,
  fc.jsonValue({ maxDepth: 12 }).map((v) => JSON.stringify({ a: v })),
  formOrJsonWith(forgedToken),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ body: v })),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 })).map((d) => stringify(d)),
  anyText,
  fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(''),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
);

const path = fc.oneof(
  fc.constantFrom(
    '/webhooks/authy',
    '/webhooks/authy/onetouch',
    `/webhooks/authy/onetouch?authy_id=${authyId}&status=approved&uuid=u1`,
    '/webhooks/authy/',
    '/healthz',
    '/metrics',
  ),
  fc.webPath(),
);

const request = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
  path,
  contentType,
  body,
  signature: fc.option(headerValue),
  nonce: fc.option(fc.oneof(headerValue, fc.integer({ min: 0, max: 2_000_000_000 }).map(String))),
  forgeOneTouch: fc.boolean(),
});

describe('random requests (fast-check)', () => {
  it('when random bodies and headers hit the app, then it never answers 5xx, never records and never signals', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.signature !== null) headers['x-authy-signature'] = r.signature;
        if (r.nonce !== null) headers['x-authy-signature-nonce'] = r.nonce;
        if (r.forgeOneTouch) {
          // A well-formed signature over the right URL, made with someone else's key.
          Object.assign(
            headers,
            oneTouchHeaders({ authy_id: authyId, status: 'approved', uuid: 'u1' }, { key: 'not-the-key' }),
          );
        }
        const response = await send(gateway.url, { method: r.method, path: r.path, headers, body: r.body });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.json).toEqual({
            error: { code: expect.any(String) as unknown, message: expect.any(String) as unknown },
          });
        }
        expect(await inboxCount(db.pool)).toBe(0);
      }),
      { numRuns: 400 },
    );
    await gateway.dispatcher.runOnce();
    expect(await signalsOf(target.handle)).toEqual([]);
  });

  it('when random claims are validly signed, then it never answers 5xx and records exactly the deliveries it answers 200', async () => {
    const claims = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(
        fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('exp', 'iat', 'nbf', 'toString', '__proto__')),
        fc.jsonValue({ maxDepth: 3 }),
        { maxKeys: 8 },
      ),
      fc.record({
        // Mostly a current iat (so the claims themselves get validated), sometimes anything at all.
        iat: fc.oneof(
          { arbitrary: fc.constant(null).map(() => Math.floor(Date.now() / 1000)), weight: 4 },
          { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 12 })), weight: 1 },
        ),
        id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), binaryText),
        event: fc.oneof(event, fc.string({ maxLength: 30 }), binaryText),
        time: fc.oneof(
          fc.string({ maxLength: 30 }),
          binaryText,
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        objects: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record({
            user: fc.record({ authy_id: fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), binaryText) }),
            onetouch_request: fc.record({
              uuid: fc.oneof(fc.uuid(), binaryText),
              status: fc.oneof(fc.constantFrom('approved', 'denied'), binaryText),
            }),
            phone_change: fc.record({ new_phone_number: fc.oneof(fc.string({ maxLength: 20 }), binaryText) }),
          }),
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(claims, (c) =>
        expectRecordedOnlyIfAccepted(() =>
          send(gateway.url, {
            path: '/webhooks/authy',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ body: signRawHs256(c) }),
          }),
        ),
      ),
      { numRuns: 200 },
    );
  });

  it('when random OneTouch callback fields are validly signed, then it never answers 5xx and records exactly the callbacks it answers 200', async () => {
    const field = fc.oneof(
      fc.string({ maxLength: 40 }),
      binaryText,
      fc.integer(),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const callback = fc.record(
      {
        authy_id: fc.oneof(fc.constant(Number(authyId)), field),
        callback_action: fc.oneof(fc.constant('approval_request_status'), field),
        status: fc.oneof(fc.constantFrom('approved', 'denied', 'expired'), field),
        uuid: fc.oneof(fc.uuid(), field),
        device_uuid: field,
        approval_request: fc.oneof(field, fc.record({ transaction: fc.record({ status: field }) })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(callback, fc.constantFrom('POST', 'GET'), (params, method) => {
        const signed = method === 'GET' ? (parse(stringify(params)) as Record<string, unknown>) : params;
        const headers = oneTouchHeaders(signed, { method });
        return expectRecordedOnlyIfAccepted(() =>
          method === 'GET'
            ? send(gateway.url, { method, path: `/webhooks/authy/onetouch?${stringify(params)}`, headers })
            : send(gateway.url, {
                path: '/webhooks/authy/onetouch',
                headers: { ...headers, 'content-type': 'application/json' },
                body: JSON.stringify(params),
              }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('when nested JSON reaches either route with well-formed signature headers, then 400 before any signature work, never 5xx', async () => {
    // Forged headers (any key) over arbitrary deep bodies, the review's reproduction; and bodies
    // validly signed with the gateway's own key, which must be refused all the same.
    const forged = fc.record({
      signed: fc.constant(false),
      path: fc.constantFrom('/webhooks/authy/onetouch', '/webhooks/authy'),
      body: nestedBody.filter(
        (text) => text.includes('[[[[[[[[') || text.includes('{"a":{"a":{"a":{"a":{"a":{"a":{"a":'),
      ),
    });
    const signed = fc
      .record({
        kind: fc.constantFrom('array' as const, 'object' as const),
        depth: fc.integer({ min: 8, max: 60 }),
      })
      .map(({ kind, depth }) => ({
        signed: true,
        path: '/webhooks/authy/onetouch',
        body: JSON.stringify({
          authy_id: Number(authyId),
          status: 'approved',
          uuid: 'u1',
          approval_request: JSON.parse(nestedJson(kind, depth)) as unknown,
        }),
      }));
    const before = await inboxCount(db.pool);
    await fc.assert(
      fc.asyncProperty(fc.oneof(forged, signed), async (r) => {
        const params = JSON.parse(r.body) as Record<string, unknown>;
        const headers = r.signed
          ? oneTouchHeaders(params)
          : {
              'x-authy-signature': 'Zm9yZ2VkLXNpZ25hdHVyZQ==',
              'x-authy-signature-nonce': String(Date.now() / 1000),
            };
        const response = await send(gateway.url, {
          path: r.path,
          headers: { ...headers, 'content-type': 'application/json' },
          body: r.body,
        });
        expect(response.status).toBe(400);
        expect(response.json).toEqual({
          error: { code: 'bad_request', message: 'the JSON body is nested deeper than 8 levels' },
        });
      }),
      { numRuns: 120 },
    );
    expect(await inboxCount(db.pool)).toBe(before);
  });
});
