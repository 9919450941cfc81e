import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createDashboardRouter } from '../../../src/dashboard/router';
import type { DashboardDeps } from '../../../src/dashboard/router';
import type { DbPool } from '../../../src/db/pool';
import { createIsolatedDatabase } from '../../harness/isolated-database';
import { useForAll } from '../../harness/lifecycle';
import type { OnboardingHarness } from '../../harness/onboarding';

/** The dashboard router alone on a bare Koa app, listening on a free port. */
export interface DashboardServer {
  url: string;
  /** GETs a path and returns status and parsed JSON body. */
  get<T = unknown>(path: string): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * What a test gives the dashboard: the pool, and whatever else it cares about. Unless given, Temporal
 * is unreachable (`no Temporal in this test`), the Web UI is http://ui.test and the namespace `default`.
 */
export type DashboardTestDeps = Pick<DashboardDeps, 'pool'> & Partial<DashboardDeps>;

export async function startDashboardServer(deps: DashboardTestDeps): Promise<DashboardServer> {
  const router = createDashboardRouter({
    temporal: () => Promise.reject(new Error('no Temporal in this test')),
    uiUrl: 'http://ui.test',
    namespace: 'default',
    ...deps,
  });
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

/** A {@link DashboardServer} with the pool it reads, for the tests of one describe block. */
export interface DashboardApi extends Omit<DashboardServer, 'close'> {
  pool: DbPool;
}

/**
 * Starts the dashboard on a database of its own before the describe block's tests, and closes it and
 * drops the database after them; `deps` as for {@link startDashboardServer}, less the pool. The
 * panels count everything in a period, so they read only what this block wrote: rows other files
 * (or earlier runs on a kept PostgreSQL) left in the shared database cannot land in a test's period.
 */
export function useDashboardServer(deps: Partial<DashboardDeps> = {}): DashboardApi {
  return useForAll(async () => {
    const db = await createIsolatedDatabase('dash');
    const server = await startDashboardServer({ ...deps, pool: db.pool });
    return {
      ...server,
      pool: db.pool,
      async close() {
        await server.close();
        await db.drop();
      },
    };
  });
}

/** A run the tests started; terminated after them (it would wait for days otherwise). */
interface StartedRun {
  handle: { terminate(reason?: string): Promise<unknown> };
}

/** A dashboard over a worker harness, with the onboardings its tests start. */
export interface DashboardOverWorker<H extends OnboardingHarness> extends DashboardApi {
  h: H;
  /** Terminates `run` once the describe block is done. */
  terminateAfterAll(run: StartedRun): void;
}

/**
 * Before the describe block: the harness (a real worker on its own task queue) and the dashboard
 * reading its database and its task queue's runs in Temporal visibility, linking to `uiUrl`. After
 * it: the started runs terminated, the dashboard and the harness closed.
 */
export function useDashboardOverWorker<H extends OnboardingHarness>(
  createHarness: () => Promise<H>,
  uiUrl = 'http://ui.test',
): DashboardOverWorker<H> {
  const runs: StartedRun[] = [];
  return useForAll(async () => {
    const h = await createHarness();
    const server = await startDashboardServer({
      pool: h.pool,
      temporal: () => Promise.resolve(h.temporal.client),
      uiUrl,
      namespace: h.temporal.namespace,
      // Only this file's onboardings: other tests run theirs in the same namespace.
      taskQueue: h.taskQueue,
    });
    return {
      ...server,
      pool: h.pool,
      h,
      terminateAfterAll(run: StartedRun) {
        runs.push(run);
      },
      async close() {
        await Promise.all(
          runs.map((run) => run.handle.terminate('dashboard test done').catch(() => undefined)),
        );
        await server.close();
        await h.close();
      },
    };
  });
}
