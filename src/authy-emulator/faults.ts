import { z } from 'zod';
import { ENDPOINTS } from './endpoints';
import type { Endpoint } from './endpoints';
import { authyErrors } from './errors';
import type { AuthyError } from './errors';
import type { SeededRandom } from './random';

const probability = z.number().min(0).max(1);
const milliseconds = z.number().int().min(0).max(60_000);

const LatencySchema = z.union([
  milliseconds,
  z
    .strictObject({ min: milliseconds, max: milliseconds })
    .refine((range) => range.min <= range.max, 'latencyMs.min must be <= latencyMs.max'),
]);

const TooManyRequestsSchema = z.strictObject({
  /** Chance that a request outside a burst starts one (and is answered 429). */
  rate: probability,
  /** Requests answered 429 in a row, the first included (default 1 when burstMs is not set). */
  burstLength: z.number().int().min(1).max(1_000_000).optional(),
  /** How long a burst lasts; every request in it is answered 429. */
  burstMs: z.number().int().min(1).max(3_600_000).optional(),
  /** false: no Retry-After header; true: seconds until the burst ends (1 when count-based); n: always n. */
  retryAfter: z.union([z.boolean(), z.number().int().min(0).max(86_400)]).default(false),
});

const ApiFaultRuleSchema = z.strictObject({
  endpoint: z.enum([...ENDPOINTS, '*']).default('*'),
  /** Chance of a 5xx answer. */
  errorRate: probability.default(0),
  errorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(503),
  /** "before": the request is not processed; "after": it is processed, then the answer is lost to a 5xx. */
  errorWhen: z.enum(['before', 'after']).default('before'),
  tooManyRequests: TooManyRequestsSchema.optional(),
  /** Added delay: fixed, or uniform in [min, max]. */
  latencyMs: LatencySchema.optional(),
});

const DeliveryFaultsSchema = z.strictObject({
  /** Chance a delivery is never sent (counted as droppedByFault). */
  dropRate: probability.default(0),
  /** Chance a delivery is sent twice (same payload, same event id). */
  duplicateRate: probability.default(0),
  /** Chance a delivery is held back reorderDelayMs so later ones overtake it. */
  reorderRate: probability.default(0),
  reorderDelayMs: z.number().int().min(1).max(600_000).default(500),
});

/** Body of `POST /_emulator/faults`: replaces the whole fault configuration (docs/emulator.md). */
export const FaultConfigSchema = z.strictObject({
  api: z.array(ApiFaultRuleSchema).max(100).default([]),
  webhookDeliveries: DeliveryFaultsSchema.optional(),
  oneTouchCallbacks: DeliveryFaultsSchema.optional(),
  verifyWebhookDeliveries: DeliveryFaultsSchema.optional(),
});

export type FaultConfig = z.infer<typeof FaultConfigSchema>;
export type ApiFaultRule = z.infer<typeof ApiFaultRuleSchema>;
export type DeliveryFaults = z.infer<typeof DeliveryFaultsSchema>;

/** What the fault rules decided for one API request. */
export interface FaultDecision {
  latencyMs: number;
  /** Answer this instead of processing the request. */
  reject?: AuthyError;
  /** Process the request, then answer this instead. */
  replace?: AuthyError;
  label?: '429' | '5xx';
}

interface Burst {
  remaining: number;
  endsAt: number;
}

/** Applies the configured faults; draws from its own seeded stream so runs replay. */
export class FaultEngine {
  private config: FaultConfig = FaultConfigSchema.parse({});
  private bursts = new Map<number, Burst>();

  constructor(
    private readonly random: SeededRandom,
    private readonly now: () => number,
  ) {}

  get current(): FaultConfig {
    return this.config;
  }

  set(config: FaultConfig): void {
    this.config = config;
    this.bursts.clear();
  }

  clear(): void {
    this.set(FaultConfigSchema.parse({}));
  }

  deliveryFaults(kind: 'webhooks' | 'onetouch' | 'verify'): DeliveryFaults | undefined {
    if (kind === 'verify') return this.config.verifyWebhookDeliveries;
    return kind === 'webhooks' ? this.config.webhookDeliveries : this.config.oneTouchCallbacks;
  }

  /** Every rule matching the endpoint applies, in order: latencies add up, the first error wins. */
  decide(endpoint: Endpoint): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    this.config.api.forEach((rule, index) => {
      if (rule.endpoint !== '*' && rule.endpoint !== endpoint) return;
      decision.latencyMs += this.latency(rule);
      if (decision.reject !== undefined || decision.replace !== undefined) return;
      const limited = this.tooManyRequests(rule, index);
      if (limited !== undefined) {
        decision.reject = limited;
        decision.label = '429';
        return;
      }
      if (this.random.chance(rule.errorRate)) {
        const error = authyErrors.serverError(rule.errorStatus);
        if (rule.errorWhen === 'after') decision.replace = error;
        else decision.reject = error;
        decision.label = '5xx';
      }
    });
    return decision;
  }

  private latency(rule: ApiFaultRule): number {
    const latency = rule.latencyMs;
    if (latency === undefined) return 0;
    return typeof latency === 'number' ? latency : this.random.int(latency.min, latency.max);
  }

  private tooManyRequests(rule: ApiFaultRule, index: number): AuthyError | undefined {
    const spec = rule.tooManyRequests;
    if (spec === undefined) return undefined;
    const now = this.now();
    let burst = this.bursts.get(index);
    if (burst !== undefined && (burst.remaining <= 0 || now >= burst.endsAt)) {
      this.bursts.delete(index);
      burst = undefined;
    }
    if (burst === undefined) {
      if (!this.random.chance(spec.rate)) return undefined;
      burst = {
        remaining: spec.burstLength ?? (spec.burstMs === undefined ? 1 : Infinity),
        endsAt: spec.burstMs === undefined ? Infinity : now + spec.burstMs,
      };
      this.bursts.set(index, burst);
    }
    burst.remaining -= 1;
    if (spec.retryAfter === false) return authyErrors.rateLimited();
    if (typeof spec.retryAfter === 'number') return authyErrors.rateLimited(spec.retryAfter);
    const seconds = burst.endsAt === Infinity ? 1 : Math.max(1, Math.ceil((burst.endsAt - now) / 1000));
    return authyErrors.rateLimited(seconds);
  }
}
