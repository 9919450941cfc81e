import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createDashboardRouter } from '../../../src/dashboard/router';
import type { DashboardDeps } from '../../../src/dashboard/router';

/** The dashboard router alone on a bare Koa app, listening on a free port. */
export interface DashboardServer {
  url: string;
  /** GETs a path and returns status and parsed JSON body. */
  get<T = unknown>(path: string): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export async function startDashboardServer(deps: DashboardDeps): Promise<DashboardServer> {
  const router = createDashboardRouter(deps);
  const app = new Koa();
  app.use(router.routes());
  app.use(router.allowedMethods());
  const handle = app.callback();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async get<T>(path: string) {
      const response = await fetch(url + path);
      const text = await response.text();
      return {
        status: response.status,
        body: (text ? JSON.parse(text) : undefined) as T,
        headers: response.headers,
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
