// Where the gateway benchmark's delivery lag goes: the durations of the inbox statements and the
// signal calls on the path from a recorded webhook to its workflow signal, collected in the server
// process and read by the load generator.
import type { DbPool } from '../../src/db/pool';
import type { WorkflowSignaller } from '../../src/webhook-gateway/workflow-signaller';

/** The steps of one delivery, in order: recorded by the intake, then claimed, routed, signalled, settled. */
export const DELIVERY_STAGES = ['record', 'claim', 'route', 'signal', 'settle'] as const;
export type DeliveryStage = (typeof DELIVERY_STAGES)[number];

/** Durations in ms per stage since the last {@link StageTimings.take}. */
export type StageSamples = Record<DeliveryStage, number[]>;

export interface StageTimings {
  add(stage: DeliveryStage, ms: number): void;
  /** The samples so far, and a fresh start. */
  take(): StageSamples;
}

export function createStageTimings(): StageTimings {
  const empty = (): StageSamples =>
    Object.fromEntries(DELIVERY_STAGES.map((stage) => [stage, []])) as unknown as StageSamples;
  let samples = empty();
  return {
    add: (stage, ms) => void samples[stage].push(ms),
    take() {
      const taken = samples;
      samples = empty();
      return taken;
    },
  };
}

/** The stage an inbox statement belongs to, from its SQL (src/db/webhook-inbox.ts, inbox-dispatch.ts, onboarding-targets.ts). */
function stageOf(text: string): DeliveryStage | undefined {
  if (/INSERT INTO webhook_inbox/.test(text)) return 'record';
  if (
    /UPDATE webhook_inbox\s+SET next_attempt_at = now\(\) \+ make_interval\(secs => \$2\), attempts/.test(
      text,
    )
  )
    return 'claim';
  if (/FROM onboardings\s+WHERE authy_id = \$1/.test(text)) return 'route';
  if (/UPDATE webhook_inbox\s+SET state = \$2/.test(text)) return 'settle';
  return undefined;
}

/**
 * Times the pool's promise-style queries that belong to a delivery stage (the others pass through
 * untouched). Answered statements only: a failure is not a latency.
 */
export function timeInboxStatements(pool: DbPool, timings: StageTimings): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  const timed = (...args: unknown[]) => {
    const [config] = args;
    const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text;
    const stage = text === undefined ? undefined : stageOf(text);
    if (stage === undefined) return query(...args);
    const began = performance.now();
    return query(...args).then((result) => {
      timings.add(stage, performance.now() - began);
      return result;
    });
  };
  pool.query = timed as typeof pool.query;
}

/** `signaller`, with each answered signal call timed as the `signal` stage. */
export function timeSignals(signaller: WorkflowSignaller, timings: StageTimings): WorkflowSignaller {
  return {
    ...signaller,
    async signal(target, definition, ...args) {
      const began = performance.now();
      const result = await signaller.signal(target, definition, ...args);
      timings.add('signal', performance.now() - began);
      return result;
    },
  };
}
