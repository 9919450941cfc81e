import type Router from '@koa/router';
import { mountApiRoutes } from '../api-route';
import type { EmulatorState } from '../state';
import { mountVerifyControl } from './control';
import { accessTokenRoutes } from './routes/access-token-routes';
import { challengeRoutes } from './routes/challenge-routes';
import { entityRoutes } from './routes/entity-routes';
import { factorRoutes } from './routes/factor-routes';
import { serviceRoutes } from './routes/service-routes';
import { webhookRoutes } from './routes/webhook-routes';

/**
 * Mounts Twilio Verify v2 (`/v2/…`) and its person control API (`/_emulator/verify/…`) on the
 * emulator's router. API routes share the Authy routes' chain (faults → auth → handler), so fault
 * rules and the request log cover them by their `v2.*` endpoint names.
 */
export function mountVerify(router: Router, state: EmulatorState): void {
  const verify = () => state.verify;
  mountApiRoutes(router, state, [
    ...serviceRoutes(verify),
    ...entityRoutes(verify),
    ...factorRoutes(verify),
    ...challengeRoutes(verify),
    ...accessTokenRoutes(verify),
    ...webhookRoutes(verify),
  ]);
  mountVerifyControl(router, verify);
}
