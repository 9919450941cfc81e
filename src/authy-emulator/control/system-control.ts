import type Router from '@koa/router';
import { FaultConfigSchema } from '../faults';
import { RequestLogFilterSchema } from '../request-log';
import type { EmulatorState } from '../state';
import { parseControl } from './validation';

/** Faults, request log, reset and info (CONTRACT.md section 6). */
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

  router.post('/_emulator/reset', (ctx) => {
    onReset();
    ctx.body = { reset: true };
  });
}
