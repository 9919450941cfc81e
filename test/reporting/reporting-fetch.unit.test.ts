import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createAuthyHttp } from '../../src/authy/http';
import { createKeepAliveFetch } from '../../src/authy/reporting-fetch';

describe('the keep-alive fetch under the Authy HTTP core', () => {
  let server: http.Server;
  let baseUrl: string;
  let connections = 0;
  const seen: { url?: string; apiKey?: string }[] = [];
  const transport = createKeepAliveFetch();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url, apiKey: req.headers['x-authy-api-key'] as string | undefined });
      if (req.url?.startsWith('/slow')) return; // never answers
      if (req.url?.startsWith('/limited')) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        res.end(
          JSON.stringify({ message: 'DoS protection', error_code: '60003', success: false, errors: {} }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ events: [{ event: 'user_added' }], success: true }));
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const http100 = (timeoutMs = 2_000) =>
    createAuthyHttp({ baseUrl, apiKey: 'key-1', fetch: transport.fetch, timeoutMs });
  const schema = z.object({ events: z.array(z.object({ event: z.string() })), success: z.boolean() });

  it('when requests succeed, then bodies, query and API key travel, and one socket serves them all', async () => {
    const before = connections;
    for (let i = 0; i < 20; i += 1) {
      const body = await http100().request(
        {
          method: 'GET',
          path: '/ok',
          query: { 'query[time][gte]': '2026-01-01T00:00:00.000Z', page: i + 1 },
        },
        schema,
      );
      expect(body.events).toEqual([{ event: 'user_added' }]);
    }
    expect(connections - before).toBe(1);
    expect(seen[seen.length - 1]).toEqual({
      url: '/ok?query%5Btime%5D%5Bgte%5D=2026-01-01T00%3A00%3A00.000Z&page=20',
      apiKey: 'key-1',
    });
  });

  it('when Authy answers 429 with Retry-After, then the error carries the code and the delay', async () => {
    await expect(http100().request({ method: 'GET', path: '/limited' }, schema)).rejects.toMatchObject({
      name: 'AuthyApiError',
      status: 429,
      errorCode: '60003',
      details: { retryAfterMs: 3_000 },
    });
  });

  it('when the answer takes longer than the timeout, then the request fails as timed out', async () => {
    const started = Date.now();
    await expect(http100(100).request({ method: 'GET', path: '/slow' }, schema)).rejects.toMatchObject({
      name: 'AuthyTransportError',
      cause: { name: 'TimeoutError' },
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when nothing listens, then the request fails as a transport error', async () => {
    const refused = createAuthyHttp({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', fetch: transport.fetch });
    await expect(refused.request({ method: 'GET', path: '/ok' }, schema)).rejects.toMatchObject({
      name: 'AuthyTransportError',
    });
  });
});
