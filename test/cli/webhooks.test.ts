import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import { verifyAuthySignature } from '../../src/authy/signature';
import { createWebhooksApi } from '../../src/authy/webhooks-api';
import {
  DEV_AUTHY_ACCESS_KEY,
  DEV_AUTHY_API_KEY,
  DEV_AUTHY_API_SIGNING_KEY,
} from '../../src/shared/dev-keys';
import { runCli, runCliLine } from '../harness/cli';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';

interface WebhookJson {
  id: string;
  name: string;
  url: string;
  signing_key: string;
  events: string[];
}

interface Seen {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** A stand-in for api.authy.com that records the request and answers `answer`. */
async function withRecordingServer(answer: unknown, work: (url: string, seen: Seen[]) => Promise<void>) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({
        method: req.method ?? '',
        path: url.pathname,
        query: qs.parse(url.search.slice(1)),
        body: qs.parse(raw, { arrayLimit: 100 }),
        headers: req.headers,
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await work(`http://127.0.0.1:${port}`, seen);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('twofold webhooks register|list|delete against the emulator (signed Webhooks API)', () => {
  let emulator: EmulatorHarness;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    emulator = await startEmulator();
    env = { AUTHY_API_URL: emulator.url };
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('when a webhook is registered, listed and deleted, then the emulator holds it in between and the JSON is the API object', async () => {
    const register = await runCliLine(
      'webhooks register --url https://gateway.example.com/webhooks/authy --events user_added device_registration_completed --name cli-test --json',
      env,
    );
    expect(register).toMatchObject({ code: 0, stderr: '' });
    const { webhook } = JSON.parse(register.stdout) as { webhook: WebhookJson };
    expect(webhook).toMatchObject({
      name: 'cli-test',
      url: 'https://gateway.example.com/webhooks/authy',
      events: ['user_added', 'device_registration_completed'],
    });
    expect(webhook.id).toMatch(/^WH_/);
    expect(webhook.signing_key).toMatch(/^WSK_/);

    const listed = await runCli(['webhooks', 'list', '--json', '--show-secrets'], env);
    expect(listed.code).toBe(0);
    const { webhooks } = JSON.parse(listed.stdout) as { webhooks: WebhookJson[] };
    expect(webhooks.find((w) => w.id === webhook.id)).toMatchObject({ signing_key: webhook.signing_key });

    const human = await runCli(['webhooks', 'list'], env);
    expect(human.stdout).toContain(webhook.id);
    expect(human.stdout).not.toContain(webhook.signing_key);

    const deleted = await runCli(['webhooks', 'delete', webhook.id, '--json'], env);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: webhook.id });
    const after = JSON.parse((await runCli(['webhooks', 'list', '--json'], env)).stdout) as {
      webhooks: WebhookJson[];
    };
    expect(after.webhooks.map((w) => w.id)).not.toContain(webhook.id);
  });

  it('when no events are named, then the webhook subscribes to the three events the gateway acts on, and the key is printed for the gateway', async () => {
    const register = await runCli(
      ['webhooks', 'register', '--url', 'http://127.0.0.1:3000/webhooks/authy'],
      env,
    );
    expect(register.code).toBe(0);
    expect(register.stdout).toMatch(
      /device_registration_completed, one_touch_request_responded, user_phone_changed/,
    );
    expect(register.stdout).toMatch(/AUTHY_WEBHOOK_SIGNING_KEY=WSK_/);
  });

  it.each([
    [['webhooks', 'register'], /--url/],
    [['webhooks', 'register', '--url', 'not a url'], /--url must be an http\(s\) URL/],
    [['webhooks', 'register', '--url', 'ftp://example.com/x'], /--url must be an http\(s\) URL/],
    [
      ['webhooks', 'register', '--url', 'https://e.com/x', '--events', 'user_added,bogus'],
      /unknown event name\(s\): bogus/,
    ],
    [['webhooks', 'register', '--url', 'https://e.com/x', '--name', ' '], /--name must not be empty/],
    [['webhooks', 'delete'], /missing required argument 'webhookId'/],
    [['webhooks', 'list', '--verbose'], /unknown option '--verbose'/],
  ])('when run with bad arguments %j, then it exits 2 and says what is wrong', async (args, message) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('when the webhook id does not exist, then delete exits 1 and points at `webhooks list`', async () => {
    const result = await runCli(['webhooks', 'delete', 'WH_00000000-0000-0000-0000-000000000000'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no webhook WH_0{8}/);
    expect(result.stderr).toContain('twofold webhooks list');
  });

  it('when the API signing key is wrong, then the API refuses the signature and the CLI names the three credentials', async () => {
    const result = await runCli(['webhooks', 'list'], {
      ...env,
      AUTHY_API_SIGNING_KEY: 'not-the-signing-key-0000',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/60087/);
    expect(result.stderr).toContain('AUTHY_API_KEY, AUTHY_ACCESS_KEY and AUTHY_API_SIGNING_KEY');
  });

  it('when the real API is configured without the Webhooks API keys, then it exits 78 naming each missing variable', async () => {
    const result = await runCli(['webhooks', 'list'], {
      AUTHY_API_URL: 'https://api.authy.com',
      AUTHY_API_KEY: 'app-key-0123456789abcdef',
      AUTHY_ACCESS_KEY: '',
      AUTHY_API_SIGNING_KEY: '',
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('AUTHY_ACCESS_KEY');
    expect(result.stderr).toContain('AUTHY_API_SIGNING_KEY');
    expect(result.stderr).not.toMatch(/- AUTHY_API_KEY/);
  });

  it('when nothing listens at AUTHY_API_URL, then it exits 1 and says how to start the emulator', async () => {
    const result = await runCli(['webhooks', 'list'], { AUTHY_API_URL: 'http://127.0.0.1:9' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the Authy API at http:\/\/127\.0\.0\.1:9/);
    expect(result.stderr).toMatch(/make up|twofold emulator/);
  });
});

describe('createWebhooksApi: what goes over the wire (docs/authy-api.md §2.1, §2.2)', () => {
  const keys = {
    apiKey: DEV_AUTHY_API_KEY,
    accessKey: DEV_AUTHY_ACCESS_KEY,
    apiSigningKey: DEV_AUTHY_API_SIGNING_KEY,
  };

  it('when `twofold webhooks register --events all` runs, then all 23 subscribable names are sent', async () => {
    const webhook = { id: 'WH_2', name: 'twofold', url: 'https://h/x', signing_key: 'WSK_2', events: [] };
    await withRecordingServer({ webhook, success: true }, async (base, seen) => {
      const result = await runCli(
        ['webhooks', 'register', '--url', 'https://h/x', '--events', 'all', '--json'],
        {
          AUTHY_API_URL: base,
        },
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ webhook });
      const events = seen[0]!.body.events as string[];
      expect(events).toHaveLength(23);
      expect(new Set(events).size).toBe(23);
      expect(events).toEqual(
        expect.arrayContaining(['user_added', 'device_registration_completed', 'user_removed']),
      );
    });
  });

  it('when a webhook is created, then the form body carries the keys and events[] and the signature covers nonce|POST|url|sorted params', async () => {
    const webhook = {
      id: 'WH_1',
      name: 'n',
      url: 'https://h/x',
      signing_key: 'WSK_1',
      events: ['user_added'],
    };
    await withRecordingServer({ webhook, message: 'Webhook created', success: true }, async (base, seen) => {
      const api = createWebhooksApi({ baseUrl: base, ...keys, nonce: () => '1427849783.886085' });
      const result = await api.create({
        url: 'https://h/x',
        name: 'n (test)',
        events: ['user_added', 'token_verified'],
      });
      expect(result.webhook).toEqual(webhook);
      const request = seen[0]!;
      expect(request).toMatchObject({ method: 'POST', path: '/dashboard/json/application/webhooks' });
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.body).toEqual({
        app_api_key: DEV_AUTHY_API_KEY,
        access_key: DEV_AUTHY_ACCESS_KEY,
        url: 'https://h/x',
        name: 'n (test)',
        events: ['user_added', 'token_verified'],
      });
      expect(request.headers['x-authy-signature-nonce']).toBe('1427849783.886085');
      const valid = verifyAuthySignature(
        {
          key: DEV_AUTHY_API_SIGNING_KEY,
          nonce: '1427849783.886085',
          method: 'POST',
          url: `${base}/dashboard/json/application/webhooks`,
          params: request.body,
        },
        String(request.headers['x-authy-signature']),
      );
      expect(valid).toBe(true);
    });
  });

  it('when pointed at api.authy.com, then the signed URL is the canonical one of docs/authy-api.md §2.2', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fakeFetch = ((url: string | URL, init?: RequestInit) => {
      calls.push({ url: url.toString(), init: init ?? {} });
      return Promise.resolve(new Response(JSON.stringify({ webhooks: [] }), { status: 200 }));
    }) as typeof fetch;
    const api = createWebhooksApi({
      baseUrl: 'https://api.authy.com',
      ...keys,
      fetch: fakeFetch,
      nonce: () => '7.5',
    });
    await expect(api.list()).resolves.toEqual([]);
    const called = new URL(calls[0]!.url);
    expect(`${called.origin}${called.pathname}`).toBe(
      'https://api.authy.com/dashboard/json/application/webhooks',
    );
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(
      verifyAuthySignature(
        {
          key: DEV_AUTHY_API_SIGNING_KEY,
          nonce: '7.5',
          method: 'GET',
          url: 'https://api.authy.com/dashboard/json/application/webhooks',
          params: { app_api_key: DEV_AUTHY_API_KEY, access_key: DEV_AUTHY_ACCESS_KEY },
        },
        headers['X-Authy-Signature']!,
      ),
    ).toBe(true);
    expect(calls[0]!.init.body).toBeUndefined();
  });

  it('when a webhook is deleted, then the id is in the path, the keys in the query, and the path is what is signed', async () => {
    await withRecordingServer({ message: 'Webhook deleted', success: true }, async (base, seen) => {
      await createWebhooksApi({ baseUrl: base, ...keys }).delete('WH_abc');
      const request = seen[0]!;
      expect(request).toMatchObject({
        method: 'DELETE',
        path: '/dashboard/json/application/webhooks/WH_abc',
      });
      expect(request.query).toEqual({ app_api_key: DEV_AUTHY_API_KEY, access_key: DEV_AUTHY_ACCESS_KEY });
      const nonce = String(request.headers['x-authy-signature-nonce']);
      expect(nonce).toMatch(/^\d{10}\.\d{6}$/);
      expect(
        verifyAuthySignature(
          {
            key: DEV_AUTHY_API_SIGNING_KEY,
            nonce,
            method: 'DELETE',
            url: `${base}/dashboard/json/application/webhooks/WH_abc`,
            params: request.query,
          },
          String(request.headers['x-authy-signature']),
        ),
      ).toBe(true);
    });
  });

  it('when the API answers a body without the webhook object, then create fails with AuthyResponseError', async () => {
    await withRecordingServer({ message: 'Webhook created', success: true }, async (base) => {
      await expect(
        createWebhooksApi({ baseUrl: base, ...keys }).create({
          url: 'https://h/x',
          name: 'n',
          events: ['user_added'],
        }),
      ).rejects.toMatchObject({ name: 'AuthyResponseError' });
    });
  });

  it('when the API says success: false, then the call fails with its error code', async () => {
    await withRecordingServer(
      { message: 'Webhook could not be listed', error_code: '60099', success: false },
      async (base) => {
        await expect(createWebhooksApi({ baseUrl: base, ...keys }).list()).rejects.toMatchObject({
          name: 'AuthyApiError',
          errorCode: '60099',
        });
      },
    );
  });
});
