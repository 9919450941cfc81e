import type Router from '@koa/router';
import { z } from 'zod';
import { isEventName } from '../event-names';
import type { EventName } from '../event-names';
import { MAX_SEED_COUNT } from '../reporting/reporting-log';
import { SYNTHETIC_EVENT_MIX } from '../reporting/synthetic';
import type { EmulatorState } from '../state';
import { InstantSchema, parseControl } from './validation';

const syntheticNames = SYNTHETIC_EVENT_MIX.map(([name]) => name) as [EventName, ...EventName[]];

/** Body of `POST /_emulator/reporting/seed`. */
export const SeedRequestSchema = z
  .strictObject({
    count: z.number().int().min(1).max(MAX_SEED_COUNT),
    from: InstantSchema,
    to: InstantSchema,
    seed: z.number().int().min(0).optional(),
    events: z.array(z.enum(syntheticNames)).min(1).optional(),
  })
  .refine((body) => body.from < body.to, { message: 'from must be before to', path: ['from'] });

/** Query of `GET /_emulator/reporting/count`: [from, to), optionally one event name. */
const CountQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  event: z.string().refine(isEventName, 'unknown event name').optional(),
});

/** Seeding synthetic history and the ground-truth count (docs/contract.md#6-authy-emulator). */
export function mountReportingControl(router: Router, state: EmulatorState): void {
  router.post('/_emulator/reporting/seed', (ctx) => {
    const body = parseControl(SeedRequestSchema, ctx.request.body, 'seed request');
    const started = performance.now();
    const result = state.reporting.seed(body);
    ctx.body = {
      seeded: result.seeded,
      total: result.total,
      from: new Date(body.from).toISOString(),
      to: new Date(body.to).toISOString(),
      durationMs: Math.round(performance.now() - started),
    };
  });

  router.get('/_emulator/reporting/count', (ctx) => {
    const query = parseControl(CountQuerySchema, ctx.query, 'count query');
    ctx.body = {
      count: state.reporting.count({
        ...(query.from === undefined ? {} : { from: Date.parse(query.from) }),
        ...(query.to === undefined ? {} : { to: Date.parse(query.to) }),
        ...(query.event === undefined ? {} : { event: query.event }),
      }),
    };
  });
}
