import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { codecServerRefusal, startCodecServer } from '../../src/temporal/codec-server';
import type { RunningCodecServer } from '../../src/temporal/codec-server';
import { payloadToJson } from '../../src/temporal/codec-json';
import { runCli } from '../harness/cli';

const KEY = `k1:${randomBytes(32).toString('base64')}`;
const TOKEN = 'codec-test-token-0123456789';
const UI = 'http://127.0.0.1:8233';
const input = { userId: 'u-7', email: 'grace@example.com', countryCode: '1', cellphone: '5558001234' };
/** A payload as the Web UI and `temporal --codec-endpoint` send it: proto3 JSON, base64 bytes. */
const jsonPayload = (value: unknown = input) => payloadToJson(defaultPayloadConverter.toPayload(value));
const fromJsonPayload = (p: { metadata: Record<string, string>; data: string }) =>
  defaultPayloadConverter.fromPayload({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  });
const b64 = (text: string) => Buffer.from(text).toString('base64');

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

async function start(env: NodeJS.ProcessEnv = {}): Promise<RunningCodecServer> {
  const config = loadConfig({ TWOFOLD_PAYLOAD_KEYS: KEY, ...env });
  return startCodecServer(config, createLogger('silent'), { host: '127.0.0.1', port: 0 });
}

async function call(
  server: RunningCodecServer,
  path: string,
  init: { body?: unknown; raw?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...init.headers },
    ...(init.raw !== undefined || init.body !== undefined
      ? { body: init.raw ?? JSON.stringify(init.body) }
      : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

type Payloads = { payloads: { metadata: Record<string, string>; data: string }[] };

describe('twofold codec-server (Temporal codec server protocol)', () => {
  let server: RunningCodecServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  it('when payloads are encoded then decoded over HTTP, then the sealed ones hide the data and the decoded ones are the originals', async () => {
    const encoded = await call(server, '/encode', { body: { payloads: [jsonPayload(), jsonPayload('x')] } });
    expect(encoded.status).toBe(200);
    const sealed = (encoded.body as Payloads).payloads;
    expect(sealed).toHaveLength(2);
    expect(sealed[0]!.metadata.encoding).toBe(b64('binary/encrypted'));
    expect(sealed[0]!.metadata['encryption-key-id']).toBe(b64('k1'));
    expect(Buffer.from(sealed[0]!.data, 'base64').toString('latin1')).not.toContain('grace@example.com');

    const decoded = await call(server, '/decode', { body: { payloads: sealed } });
    expect(decoded.status).toBe(200);
    expect((decoded.body as Payloads).payloads.map(fromJsonPayload)).toEqual([input, 'x']);
  });

  it('when the CLI templates the namespace into the path, then /{namespace}/decode answers the same', async () => {
    const sealed = (await call(server, '/encode', { body: { payloads: [jsonPayload()] } })).body as Payloads;
    const decoded = await call(server, '/default/decode', { body: sealed });
    expect(decoded.status).toBe(200);
    expect((decoded.body as Payloads).payloads.map(fromJsonPayload)).toEqual([input]);
  });

  it('when a payload was never encrypted, then /decode returns it unchanged', async () => {
    const clear = jsonPayload();
    const decoded = await call(server, '/decode', { body: { payloads: [clear] } });
    expect((decoded.body as Payloads).payloads).toEqual([clear]);
  });

  it('when a payload is sealed with an unknown key id or tampered with, then /decode answers 422 naming the key id', async () => {
    const other = await start({ TWOFOLD_PAYLOAD_KEYS: `other-key:${randomBytes(32).toString('base64')}` });
    try {
      const foreign = (await call(other, '/encode', { body: { payloads: [jsonPayload()] } }))
        .body as Payloads;
      const unknown = await call(server, '/decode', { body: foreign });
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({ error: { code: 'undecryptable' } });
      expect(JSON.stringify(unknown.body)).toMatch(/encrypted with key \\"other-key\\"/);
    } finally {
      await other.close();
    }
    const [sealed] = (
      (await call(server, '/encode', { body: { payloads: [jsonPayload()] } })).body as Payloads
    ).payloads;
    const data = Buffer.from(sealed!.data, 'base64');
    data[data.length - 1] = data[data.length - 1]! ^ 0xff;
    const tampered = await call(server, '/decode', {
      body: { payloads: [{ ...sealed, data: data.toString('base64') }] },
    });
    expect(tampered.status).toBe(422);
    expect(JSON.stringify(tampered.body)).toMatch(/"k1\\" failed authentication/);
  });

  it('when the Web UI origin sends a preflight, then it is allowed with the headers the UI sends', async () => {
    for (const origin of [UI, 'http://localhost:8233']) {
      const answer = await call(server, '/decode', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
      expect(answer.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    }
    const post = await call(server, '/decode', { headers: { origin: UI }, body: { payloads: [] } });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(UI);
  });

  it('when a page of another origin calls, then it is refused (no decryption oracle for other sites)', async () => {
    const preflight = await call(server, '/decode', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const post = await call(server, '/decode', {
      headers: { origin: 'https://evil.example' },
      body: { payloads: [jsonPayload()] },
    });
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({ error: { code: 'origin_not_allowed' } });
  });

  it.each([
    ['a body that is not JSON', { raw: '{"payloads": [', headers: {} }, 400, 'bad_request'],
    ['no payloads field', { body: { items: [] } }, 400, 'bad_request'],
    [
      'data that is not base64',
      { body: { payloads: [{ metadata: {}, data: 'not base64!' }] } },
      400,
      'bad_request',
    ],
    [
      'a text/plain body',
      { raw: '{"payloads":[]}', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
    [
      'a body over the limit',
      { raw: JSON.stringify({ payloads: [{ data: 'A'.repeat(9 * 1024 * 1024) }] }), headers: {} },
      413,
      'payload_too_large',
    ],
  ])(
    'when the request has %s, then it gets a JSON error with its status',
    async (_case, init, status, code) => {
      const answer = await call(server, '/decode', init);
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ error: { code } });
    },
  );

  it('when /decode is called with GET or an unknown path is asked, then 405 and 404 answer', async () => {
    expect((await call(server, '/decode', { method: 'GET' })).status).toBe(405);
    expect((await call(server, '/nothing-here', { body: {} })).status).toBe(404);
  });
});

describe('codec server bearer token', () => {
  it('when TWOFOLD_CODEC_TOKEN is set, then /decode needs exactly that bearer token', async () => {
    const server = await start({ TWOFOLD_CODEC_TOKEN: TOKEN });
    try {
      const body = { payloads: [jsonPayload()] };
      expect((await call(server, '/decode', { body })).status).toBe(401);
      const wrong = await call(server, '/decode', { body, headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
      const right = await call(server, '/decode', { body, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.status).toBe(200);
      // A browser preflight carries no credentials: it must pass for the UI to send them next.
      const preflight = await call(server, '/decode', {
        method: 'OPTIONS',
        headers: { origin: UI, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
    } finally {
      await server.close();
    }
  });

  it('when asked to listen beyond loopback, then it refuses without a token and allows it with one', async () => {
    expect(codecServerRefusal('0.0.0.0', undefined)).toMatch(
      /refusing to listen on 0\.0\.0\.0 without TWOFOLD_CODEC_TOKEN/,
    );
    expect(codecServerRefusal('10.1.2.3', TOKEN)).toBeUndefined();
    expect(codecServerRefusal('127.0.0.1', undefined)).toBeUndefined();
    expect(codecServerRefusal('::1', undefined)).toBeUndefined();
    expect(codecServerRefusal('127.evil.example', undefined)).toMatch(/refusing/);
    const cli = await runCli(['codec-server', '--host', '0.0.0.0', '--port', '0'], {
      TWOFOLD_PAYLOAD_KEYS: KEY,
    });
    expect(cli.code).toBe(78);
    expect(cli.stderr).toMatch(/TWOFOLD_CODEC_TOKEN/);
  });
});
