import { request } from 'node:http';
import { stringify } from 'qs';
import { createLogger } from '../../src/logger';
import { assertJsonWithinLimits, assertFormWithinLimits } from '../../src/webhook-gateway/input-limits';
import { useGatewayOnOwnDatabase } from './support/gateway';
import { expectErrorResponse, send } from './support/http';
import type { SentResponse } from './support/http';
import { inboxCount } from './support/inbox';
import { oneTouchBody, oneTouchHeaders, uniqueAuthyId } from './support/signing';

const ONETOUCH = '/webhooks/authy/onetouch';
const WEBHOOK = '/webhooks/authy';
const log = createLogger(process.env.GATEWAY_TEST_LOG_LEVEL ?? 'silent', 'hostile-input-test');

const { db, gateway } = useGatewayOnOwnDatabase();

/** `depth` nested arrays: `[[[…]]]`. */
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** The review's 48 KB body: 40 arrays nested 600 deep (under the 64 KiB body limit). */
const NESTED_48KB = `{"a":[${Array.from({ length: 40 }, () => nestedArrays(600)).join(',')}]}`;
/** The review's ~6 KB body, deep enough (2,800) to overflow the stack in the signature code before. */
const NESTED_6KB = `{"a":${nestedArrays(2_800)}}`;

/** POSTs `body` as JSON with a (forged) OneTouch signature, and times the answer. */
async function postTimed(path: string, body: string): Promise<{ response: SentResponse; ms: number }> {
  const started = performance.now();
  const response = await send(gateway.url, {
    path,
    headers: {
      'content-type': 'application/json',
      'x-authy-signature': 'c2lnbmF0dXJlLW9mLWFuLWF0dGFja2Vy',
      'x-authy-signature-nonce': String(Math.floor(Date.now() / 1000)),
    },
    body,
  });
  return { response, ms: performance.now() - started };
}

describe('hostile shapes are refused before any signature work', () => {
  it('when a 48 KB and a 6 KB body of nested JSON arrive, then each gets 400 (never 5xx) and nothing is recorded', async () => {
    expect(Buffer.byteLength(NESTED_48KB)).toBeGreaterThan(48_000);
    expect(Buffer.byteLength(NESTED_48KB)).toBeLessThan(64 * 1024);
    expect(Buffer.byteLength(NESTED_6KB)).toBeGreaterThan(5_600);
    const timings: Record<string, number> = {};
    for (const [name, body] of [
      ['48 KB', NESTED_48KB],
      ['6 KB', NESTED_6KB],
    ] as const) {
      for (const path of [ONETOUCH, WEBHOOK]) {
        const { response, ms } = await postTimed(path, body);
        expectErrorResponse(response, 400, 'bad_request');
        expect((response.json as { error: { message: string } }).error.message).toBe(
          'the JSON body is nested deeper than 8 levels',
        );
        timings[`${name} ${path}`] = Math.round(ms * 10) / 10;
      }
    }
    // Reported, not asserted (a shared machine's timing is noise): see bench/gateway.bench.ts.
    log.info({ timingsMs: timings }, 'hostile nested JSON answered');
    expect(await inboxCount(db.pool)).toBe(0);
  });

  it('when a JSON body holds thousands of values, then 400', async () => {
    const wide = JSON.stringify({ a: Array.from({ length: 5_000 }, () => 1) });
    const { response } = await postTimed(ONETOUCH, wide);
    expectErrorResponse(response, 400, 'bad_request');
    expect(response.json).toMatchObject({ error: { message: 'the JSON body holds more than 200 values' } });
  });

  it('when JSON nests exactly 8 levels, then it passes the shape check (and fails only the signature); 9 levels is 400', async () => {
    const eight = `{"a":${nestedArrays(7)}}`;
    const nine = `{"a":${nestedArrays(8)}}`;
    expectErrorResponse((await postTimed(ONETOUCH, eight)).response, 401, 'unauthorized');
    expectErrorResponse((await postTimed(ONETOUCH, nine)).response, 400, 'bad_request');
  });

  it('when a real callback body arrives, then the limits let it through', async () => {
    const callback = oneTouchBody(uniqueAuthyId(), 'c0ffee00-0000-4000-8000-000000000001', 'approved');
    const response = await send(gateway.url, {
      path: ONETOUCH,
      headers: { 'content-type': 'application/json', ...oneTouchHeaders(callback) },
      body: JSON.stringify(callback),
    });
    expect(response.status).toBe(200);
  });

  it('when a form body or a GET query has more than 200 parameters, then 400', async () => {
    const params = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`p${i}`, 'x']));
    const form = await send(gateway.url, {
      path: ONETOUCH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: stringify(params),
    });
    expectErrorResponse(form, 400, 'bad_request');
    expect(form.json).toMatchObject({ error: { message: 'the form holds more than 200 parameters' } });
    const query = await send(gateway.url, { method: 'GET', path: `${ONETOUCH}?${stringify(params)}` });
    expectErrorResponse(query, 400, 'bad_request');
  });

  it('when a body is over the limit, then 413 and the connection is closed (the rest cannot hold it open)', async () => {
    const { port } = new URL(gateway.url);
    const answer = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: WEBHOOK,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': String(1024 * 1024) },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
          },
        );
        req.on('error', reject);
        req.write('{"body":"');
      },
    );
    expect(answer).toEqual({ status: 413, connection: 'close' });
  });
});

describe('every answer carries nosniff', () => {
  it('when answers of every kind are given (200, 400, 401, 404, 405, 415), then each has X-Content-Type-Options: nosniff', async () => {
    const answers = await Promise.all([
      send(gateway.url, { method: 'GET', path: '/healthz' }),
      postTimed(WEBHOOK, '{"body":').then((r) => r.response),
      postTimed(ONETOUCH, '{}').then((r) => r.response),
      send(gateway.url, { method: 'GET', path: '/nowhere' }),
      send(gateway.url, { method: 'PUT', path: WEBHOOK }),
      send(gateway.url, { path: WEBHOOK, headers: { 'content-type': 'text/plain' }, body: 'x' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 401, 404, 405, 415]);
    for (const answer of answers) expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('the shape check itself (assertJsonWithinLimits, assertFormWithinLimits)', () => {
  const limits = { maxJsonDepth: 3, maxJsonLeaves: 4, maxFormParameters: 3 };
  const passes = (text: string) => () => assertJsonWithinLimits(text, limits);

  it('when brackets, quotes and commas are inside strings, then they are not counted as structure', () => {
    expect(passes('{"a":"[[[[[[,,,,]]]]]]","b\\"[":"\\\\"}')).not.toThrow();
  });

  it('when leaves are counted, then keys are not, and empty objects and arrays are', () => {
    expect(passes('{"a":1,"b":true,"c":null,"d":"x"}')).not.toThrow();
    expect(passes('{"a":1,"b":true,"c":null,"d":"x","e":2}')).toThrow(/more than 4 values/);
    expect(passes('{"a":[],"b":{},"c":[1,2]}')).not.toThrow();
    expect(passes('{"a":[],"b":{},"c":[1,2,3]}')).toThrow(/more than 4 values/);
  });

  it('when nesting reaches the limit, then it passes; one deeper fails', () => {
    expect(passes('{"a":{"b":[1]}}')).not.toThrow();
    expect(passes('{"a":{"b":[[1]]}}')).toThrow(/nested deeper than 3 levels/);
  });

  it('when a form has as many parts as allowed, then it passes; one more (empty parts count) fails', () => {
    expect(() => assertFormWithinLimits('a=1&b=2&c=3', limits)).not.toThrow();
    expect(() => assertFormWithinLimits('a=1&b=2&&', limits)).toThrow(/more than 3 parameters/);
    expect(() => assertFormWithinLimits('', limits)).not.toThrow();
  });
});
