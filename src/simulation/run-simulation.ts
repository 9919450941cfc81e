import type { Client, WorkflowHandle } from '@temporalio/client';
import { startOnboarding } from '../client/onboarding';
import { ONBOARDING_STAGES, onboardingWorkflowId } from '../shared/onboarding';
import type { OnboardingStage, OnboardingStatus, OnboardingTiming } from '../shared/onboarding';
import { completedRunStatus, errorText, withQueryTimeout } from '../client/onboarding-status';
import { statusQuery } from '../workflows/onboarding/messages';
import { cancelOpenSimulations } from './cancel-previous';
import { createEmulatorPeople } from './emulator-people';
import type { EmulatorPeople } from './emulator-people';
import { mapLimit } from '../shared/map-limit';
import { freshMemory, isSettled, nextAction, observe } from './person';
import type { PersonAction, PersonMemory } from './person';
import { PERSONAS, planCohort } from './personas';
import type { Persona, PersonaMix, PersonPace, PersonPlan } from './personas';
import { seededRandom } from './random';
import { SIMULATION_TIMING } from './timing';

/** What to simulate and where. */
export interface SimulationOptions {
  client: Client;
  /** Task queue the onboardings run on (a worker must poll it). */
  taskQueue: string;
  /** The emulator's URL (AUTHY_API_URL). */
  emulatorUrl: string;
  users: number;
  /** Seed of the persona mix and delays (default 1). */
  seed?: number;
  /** User ids are `<idPrefix>-<run>-<nnn>` (default `sim`). */
  idPrefix?: string;
  /** Distinguishes this run's users from earlier runs' (default: base-36 time). */
  runId?: string;
  timing?: Partial<OnboardingTiming>;
  mix?: PersonaMix;
  pace?: PersonPace;
  /** Give up after this long (default 3 minutes). */
  timeoutMs?: number;
  /** How often people look at their onboarding (default 500 ms). */
  lookEveryMs?: number;
  /** Before starting, cancel open onboardings on this task queue left by earlier runs with the same prefix. */
  cancelPrevious?: boolean;
  onProgress?: (progress: SimulationProgress) => void;
  /** Injected for tests; defaults to the HTTP control API at `emulatorUrl`. */
  people?: EmulatorPeople;
}

/** Counts per stage; every stage is present. */
export type StageCounts = Record<OnboardingStage, number>;

/** Where the cohort stands. */
export interface SimulationProgress {
  elapsedMs: number;
  stages: StageCounts;
  settled: number;
  users: number;
  /** Actions people have taken so far. */
  actions: number;
  /**
   * People whose last look failed: their query did not answer (no worker, or one that cannot replay
   * the run) and the run has not completed. Their stage is the last one seen, not "still moving".
   */
  unqueryable: number;
  /** The most recent query error of an unqueryable person, when there is one. */
  lastQueryError?: string;
}

/** One simulated person at the end. */
export interface SimulatedPerson {
  userId: string;
  workflowId: string;
  persona: Persona;
  stage: OnboardingStage;
  authyId?: string;
  remindersSent: number;
  approvalAttempts: number;
  phoneChanges: number;
  /** What the person did, in order (`install`, `change-phone`, `approved`, `denied`). */
  actions: string[];
  /** Where the final status came from: the status query, or the completed run's result after a query failed. */
  statusSource: 'query' | 'result';
  /** Looks whose status query failed. */
  queryFailures: number;
  /** The last query error seen (its first line), if any query failed. */
  lastQueryError?: string;
}

/** The outcome of a simulation. */
export interface SimulationResult {
  runId: string;
  taskQueue: string;
  users: number;
  seed: number;
  durationMs: number;
  timing: OnboardingTiming;
  stages: StageCounts;
  /** Per persona, how many ended in each stage. */
  byPersona: Record<Persona, Partial<StageCounts>>;
  /** Workflow ids of onboardings left in `awaiting_device`: the stuck ones. */
  stuck: string[];
  /** Open onboardings of earlier runs cancelled first (with `cancelPrevious`). */
  cancelledPrevious: number;
  people: SimulatedPerson[];
}

/** The cohort did not settle in time; `people` tells who was still moving. */
export class SimulationTimeoutError extends Error {
  override name = 'SimulationTimeoutError';
  constructor(
    message: string,
    /**
     * Who had not settled: with `queryError` when the last look could not query the run (the stage
     * is then the last one seen), without it when the run was still moving.
     */
    readonly pending: {
      workflowId: string;
      persona: Persona;
      stage?: OnboardingStage;
      queryError?: string;
    }[],
  ) {
    super(message);
  }
}

interface Person {
  plan: PersonPlan;
  userId: string;
  workflowId: string;
  handle?: WorkflowHandle;
  status?: OnboardingStatus;
  memory: PersonMemory;
  actions: string[];
  statusSource: 'query' | 'result';
  queryFailures: number;
  /** Set while the last look failed; cleared by the next successful one. */
  queryError?: string;
  lastQueryError?: string;
}

/** An empty count of every stage. */
export function emptyStageCounts(): StageCounts {
  return Object.fromEntries(ONBOARDING_STAGES.map((s) => [s, 0])) as StageCounts;
}

/** A 10-digit US-style number unique to this run and person (the emulator keys users by phone). */
function phoneOf(runId: string, index: number, area: string): string {
  let hash = 0;
  for (const ch of runId) hash = (hash * 31 + ch.charCodeAt(0)) % 10_000_000;
  return `${area}${String((hash + index) % 10_000_000).padStart(7, '0')}`;
}

/**
 * Starts `users` onboardings through {@link startOnboarding} and plays their people through the
 * emulator's control API — install, answer the push, change phone, or not — until every onboarding
 * is final or its person has nothing more to do, then reports where each one ended.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  if (!Number.isInteger(options.users) || options.users < 1)
    throw new RangeError('users must be a positive integer');
  const started = Date.now();
  const seed = options.seed ?? 1;
  const runId = options.runId ?? started.toString(36);
  const prefix = options.idPrefix ?? 'sim';
  const timing: OnboardingTiming = { ...SIMULATION_TIMING, ...options.timing };
  const timeoutMs = options.timeoutMs ?? 180_000;
  const lookEveryMs = options.lookEveryMs ?? 500;
  const people = options.people ?? createEmulatorPeople(options.emulatorUrl);
  const random = seededRandom(seed ^ 0x5f3759df);
  await people.health();

  const cancelledPrevious = options.cancelPrevious
    ? await cancelOpenSimulations(options.client, {
        taskQueue: options.taskQueue,
        idPrefix: prefix,
        keepRunId: runId,
      })
    : 0;

  const cohort: Person[] = planCohort({
    users: options.users,
    seed,
    ...(options.mix ? { mix: options.mix } : {}),
    ...(options.pace ? { pace: options.pace } : {}),
  }).map((plan) => {
    const userId = `${prefix}-${runId}-${String(plan.index + 1).padStart(3, '0')}`;
    return {
      plan,
      userId,
      workflowId: onboardingWorkflowId(userId),
      memory: freshMemory(),
      actions: [],
      statusSource: 'query' as const,
      queryFailures: 0,
    };
  });

  await mapLimit(cohort, 8, async (person) => {
    const { handle } = await startOnboarding(
      options.client,
      {
        userId: person.userId,
        email: `person-${person.plan.index + 1}-${runId}@example.com`,
        countryCode: '1',
        cellphone: phoneOf(runId, person.plan.index, '555'),
        timing,
      },
      { taskQueue: options.taskQueue },
    );
    person.handle = handle;
  });

  let actions = 0;
  const perform = async (person: Person, action: PersonAction): Promise<void> => {
    if (action.kind === 'install') {
      await people.install(action.authyId);
      person.memory.installed = true;
      person.actions.push('install');
    } else if (action.kind === 'change-phone') {
      for (let attempt = 0; ; attempt += 1) {
        const area = attempt === 0 ? '556' : String(random.between(600, 899));
        const outcome = await people.changePhone(
          action.authyId,
          '1',
          phoneOf(runId, person.plan.index, area),
        );
        if (outcome === 'changed' || attempt >= 5) break;
      }
      person.memory.phoneChanged = true;
      person.actions.push('change-phone');
    } else {
      const outcome = await people.respond(action.approvalUuid, action.status);
      person.memory.answered.add(action.approvalUuid);
      if (outcome === 'answered') person.actions.push(action.status);
    }
    actions += 1;
  };

  /**
   * Reads a person's status; undefined when it cannot be read now. A query waits for a worker, so it is
   * bounded; when it fails (a worker restarting, or one that cannot replay the run) a completed
   * run's result still says how it ended. Otherwise the error is kept, never swallowed.
   */
  const look = async (person: Person): Promise<OnboardingStatus | undefined> => {
    try {
      person.status = await withQueryTimeout(options.client, 5_000, options.taskQueue, () =>
        person.handle!.query(statusQuery),
      );
      person.statusSource = 'query';
      person.queryError = undefined;
      return person.status;
    } catch (error) {
      person.queryFailures += 1;
      person.queryError = errorText(error);
      person.lastQueryError = person.queryError;
    }
    const ended = await completedRunStatus(options.client, person.workflowId).catch(() => undefined);
    if (!ended?.status) return undefined;
    person.status = ended.status;
    person.statusSource = 'result';
    person.queryError = undefined;
    return person.status;
  };

  const counts = (): StageCounts => {
    const stages = emptyStageCounts();
    for (const p of cohort) stages[p.status?.stage ?? 'registering'] += 1;
    return stages;
  };
  const settled = () => cohort.filter((p) => isSettled(p.plan, p.status, timing));

  for (;;) {
    const open = cohort.filter((p) => !isSettled(p.plan, p.status, timing));
    await mapLimit(open, 10, async (person) => {
      const status = await look(person);
      if (!status) return;
      const now = Date.now();
      observe(person.memory, status, now);
      const action = nextAction(person.plan, person.memory, status, now);
      if (action) await perform(person, action);
    });
    const done = settled().length;
    const unqueryable = cohort.filter((p) => p.queryError !== undefined);
    const lastQueryError = unqueryable.at(-1)?.queryError;
    options.onProgress?.({
      elapsedMs: Date.now() - started,
      stages: counts(),
      settled: done,
      users: cohort.length,
      actions,
      unqueryable: unqueryable.length,
      ...(lastQueryError === undefined ? {} : { lastQueryError }),
    });
    if (done === cohort.length) break;
    if (Date.now() - started > timeoutMs) {
      const pending = cohort
        .filter((p) => !isSettled(p.plan, p.status, timing))
        .map((p) => ({
          workflowId: p.workflowId,
          persona: p.plan.persona,
          ...(p.status ? { stage: p.status.stage } : {}),
          ...(p.queryError === undefined ? {} : { queryError: p.queryError }),
        }));
      const cannotQuery = pending.filter((p) => p.queryError !== undefined).length;
      const moving = pending.length - cannotQuery;
      throw new SimulationTimeoutError(
        `the cohort did not settle within ${Math.round(timeoutMs / 1000)}s: ${moving} onboarding(s) still moving, ${cannotQuery} cannot be queried (is a worker polling task queue ${options.taskQueue}?)`,
        pending,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, lookEveryMs));
  }

  const byPersona = Object.fromEntries(PERSONAS.map((p) => [p, {}])) as Record<Persona, Partial<StageCounts>>;
  const result: SimulatedPerson[] = cohort.map((p) => {
    const status = p.status!;
    const bucket = byPersona[p.plan.persona];
    bucket[status.stage] = (bucket[status.stage] ?? 0) + 1;
    return {
      userId: p.userId,
      workflowId: p.workflowId,
      persona: p.plan.persona,
      stage: status.stage,
      ...(status.authyId ? { authyId: status.authyId } : {}),
      remindersSent: status.remindersSent,
      approvalAttempts: status.approvalAttempts,
      phoneChanges: status.phoneChanges,
      actions: p.actions,
      statusSource: p.statusSource,
      queryFailures: p.queryFailures,
      ...(p.lastQueryError === undefined ? {} : { lastQueryError: p.lastQueryError }),
    };
  });
  return {
    runId,
    taskQueue: options.taskQueue,
    users: cohort.length,
    seed,
    durationMs: Date.now() - started,
    timing,
    stages: counts(),
    byPersona,
    stuck: result.filter((p) => p.stage === 'awaiting_device').map((p) => p.workflowId),
    cancelledPrevious,
    people: result,
  };
}
