import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { mountApiRoutes } from './api-route';
import { requireApiKey } from './auth';
import { mountPeopleControl } from './control/people-control';
import { mountReportingControl } from './control/reporting-control';
import { mountSystemControl } from './control/system-control';
import { authyErrors, ControlError, errorHandler } from './errors';
import { oneTouchRoutes } from './onetouch/routes';
import { reportingRoutes } from './reporting/routes';
import type { EmulatorState } from './state';
import { userRoutes } from './users/routes';
import { verifyErrorHandler } from './verify/errors';
import { mountVerify } from './verify/mount';
import { webhookRoutes } from './webhooks/routes';

/**
 * The emulator's Koa app (never listens: index.ts does). Middleware order: request log (sees the
 * final status) → error handler → Twilio-shaped errors under /v2 → body parser → routes → 404.
 */
export function createEmulatorApp(state: EmulatorState, hooks: { reset: () => void }): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  const apiKey = requireApiKey(() => state.keys.apiKey);
  mountApiRoutes(router, state, [
    ...userRoutes(state, apiKey),
    ...oneTouchRoutes(state, apiKey),
    ...reportingRoutes({ reporting: () => state.reporting, guard: apiKey }),
    ...webhookRoutes(state),
  ]);
  mountPeopleControl(router, state);
  mountReportingControl(router, state);
  mountSystemControl(router, state, hooks.reset);
  mountVerify(router, state);

  app.use(state.requestLog.middleware());
  app.use(errorHandler);
  app.use(verifyErrorHandler);
  app.use(
    bodyParser({
      enableTypes: ['json', 'form'],
      parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'],
      jsonLimit: '1mb',
      formLimit: '1mb',
    }),
  );
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => {
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    if (ctx.path.startsWith('/_emulator'))
      throw new ControlError(404, 'not_found', `no control route ${ctx.method} ${ctx.path}`);
    throw authyErrors.notFound();
  });
  return app;
}
