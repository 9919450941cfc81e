import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import { z } from 'zod';
import { FaultConfigSchema } from '../faults';
import { applySettingsPatch, SettingsPatchSchema } from '../settings';
import { RequestLogFilterSchema } from '../request-log';
import type { EmulatorState } from '../state';
import { parseControl } from './validation';

const DeliveriesQuerySchema = z.strictObject({
  kind: z.enum(['webhooks', 'onetouch', 'verify']).optional(),
  status: z.enum(['pending', 'delivered', 'failed', 'dropped']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** Faults, request log, deliveries, settings, reset and info (docs/contract.md#6-authy-emulator). */
export function mountSystemControl(router: Router, state: EmulatorState, onReset: () => void): void {
  router.get('/_emulator/health', (ctx) => {
    ctx.body = { ok: true, seed: state.seed, events: state.reporting.size };
  });

  router.get('/_emulator/faults', (ctx) => {
    ctx.body = { faults: state.faults.current };
  });

  router.post('/_emulator/faults', (ctx) => {
    const config = parseControl(FaultConfigSchema, ctx.request.body, 'fault configuration');
    state.faults.set(config);
    ctx.body = { faults: state.faults.current };
  });

  router.delete('/_emulator/faults', (ctx) => {
    state.faults.clear();
    ctx.body = { faults: state.faults.current };
  });

  router.get('/_emulator/requests', (ctx) => {
    const filter = parseControl(RequestLogFilterSchema, ctx.query, 'request log filter');
    ctx.body = state.requestLog.list(filter);
  });

  router.delete('/_emulator/requests', (ctx) => {
    state.requestLog.clear();
    ctx.status = 204;
  });

  router.get('/_emulator/config', (ctx) => {
    ctx.body = { config: state.settings };
  });

  router.post('/_emulator/config', (ctx) => {
    const patch = parseControl(SettingsPatchSchema, ctx.request.body, 'configuration');
    state.settings = applySettingsPatch(state.settings, patch);
    ctx.body = { config: state.settings };
  });

  const deliveriesRoute = (kind?: 'webhooks' | 'onetouch' | 'verify') => (ctx: RouterContext) => {
    const query = parseControl(DeliveriesQuerySchema, ctx.query, 'deliveries query');
    const effectiveKind = kind ?? query.kind;
    const stats = state.deliverer.counters();
    ctx.body = {
      stats: effectiveKind === undefined ? stats : { [effectiveKind]: stats[effectiveKind] },
      deliveries: state.deliverer.list({
        ...(effectiveKind === undefined ? {} : { kind: effectiveKind }),
        ...(query.status === undefined ? {} : { status: query.status }),
        limit: query.limit,
      }),
    };
  };
  router.get('/_emulator/deliveries', deliveriesRoute());
  router.get('/_emulator/webhooks/deliveries', deliveriesRoute('webhooks'));

  router.post('/_emulator/reset', (ctx) => {
    onReset();
    ctx.body = { reset: true };
  });
}
