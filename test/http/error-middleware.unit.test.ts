import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { errorMiddleware } from '../../src/http/error-middleware';
import type { ErrorAnswer, ErrorMiddlewareOptions } from '../../src/http/error-middleware';
import { HttpError } from '../../src/http/http-error';

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** One Koa app with the middleware first and a few routes that throw, on a local port. */
async function serve(
  options: ErrorMiddlewareOptions,
): Promise<{ get(path: string, method?: string): Promise<Answer>; close(): Promise<void> }> {
  const router = new Router();
  router.get('/own', () => {
    throw new HttpError(429, 'slow_down', 'wait a little', { headers: { 'retry-after': '7' } });
  });
  router.get('/koa-400', (ctx) => ctx.throw(400, 'the query is odd'));
  router.get('/koa-500', (ctx) => ctx.throw(500, 'secret detail'));
  router.get('/bug', () => {
    throw new Error('secret detail');
  });
  router.get('/fine', (ctx) => {
    ctx.body = { ok: true };
  });
  const app = new Koa();
  app.silent = true;
  app.use(errorMiddleware(options));
  app.use(router.routes());
  app.use(router.allowedMethods());
  const handle = app.callback();
  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async get(path, method = 'GET') {
      const response = await fetch(url + path, { method });
      const text = await response.text();
      return {
        status: response.status,
        body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
        headers: response.headers,
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the one error middleware of the Koa apps', () => {
  it('when an HttpError is thrown, then its status, code, message and headers are the answer', async () => {
    const app = await serve({});
    try {
      const answer = await app.get('/own');
      expect(answer.status).toBe(429);
      expect(answer.body).toEqual({ error: { code: 'slow_down', message: 'wait a little' } });
      expect(answer.headers.get('retry-after')).toBe('7');
    } finally {
      await app.close();
    }
  });

  it('when Koa throws an exposed 4xx, then it keeps its status and message; a 5xx or a bug says nothing more than internal', async () => {
    const app = await serve({});
    try {
      expect(await app.get('/koa-400')).toMatchObject({
        status: 400,
        body: { error: { code: 'bad_request', message: 'the query is odd' } },
      });
      for (const path of ['/koa-500', '/bug']) {
        expect(await app.get(path)).toMatchObject({
          status: 500,
          body: { error: { code: 'internal', message: 'internal error' } },
        });
      }
    } finally {
      await app.close();
    }
  });

  it('when asked to answer body-less router answers, then 404 and 405 get error bodies; otherwise they stay empty', async () => {
    const shaping = await serve({ answerBodyless: true });
    const plain = await serve({});
    try {
      expect(await shaping.get('/nowhere')).toMatchObject({
        status: 404,
        body: { error: { code: 'not_found', message: 'no route for GET /nowhere' } },
      });
      const notAllowed = await shaping.get('/fine', 'DELETE');
      expect(notAllowed).toMatchObject({
        status: 405,
        body: { error: { code: 'method_not_allowed', message: 'DELETE is not allowed here' } },
      });
      expect(notAllowed.headers.get('allow')).toContain('GET');
      expect(await plain.get('/nowhere')).toMatchObject({ status: 404, body: 'Not Found' });
    } finally {
      await shaping.close();
      await plain.close();
    }
  });

  it('when an app gives its own answer, report and headers, then foreign errors use them and successes are untouched', async () => {
    const reported: ErrorAnswer[] = [];
    const app = await serve({
      answer: () => ({ status: 503, code: 'unavailable', message: 'try later' }),
      report: (_error, answer) => reported.push(answer),
      headers: { 'cache-control': 'no-store' },
    });
    try {
      const bug = await app.get('/bug');
      expect(bug).toMatchObject({
        status: 503,
        body: { error: { code: 'unavailable', message: 'try later' } },
      });
      expect(bug.headers.get('cache-control')).toBe('no-store');
      const own = await app.get('/own');
      expect(own.status).toBe(429);
      expect(reported.map((answer) => answer.code)).toEqual(['unavailable', 'slow_down']);
      const fine = await app.get('/fine');
      expect(fine).toMatchObject({ status: 200, body: { ok: true } });
      expect(fine.headers.get('cache-control')).toBeNull();
    } finally {
      await app.close();
    }
  });
});
