import { startOnboarding } from '../client/onboarding';
import { onboardingWorkflowId } from '../shared/onboarding';
import type { OnboardingStage, OnboardingStatus, OnboardingTiming } from '../shared/onboarding';
import { completedRunStatus, errorText, withQueryTimeout } from '../client/onboarding-status';
import { statusQuery } from '../workflows/onboarding/messages';
import { performAction } from './act';
import { cancelOpenSimulations } from './cancel-previous';
import { createEmulatorPeople } from './emulator-people';
import { mapLimit } from '../shared/map-limit';
import { freshMemory, isSettled, nextAction, observe, phoneOf } from './person';
import { planCohort } from './personas';
import type { Persona } from './personas';
import { seededRandom } from './random';
import { stageCounts, summarise } from './report';
import { SIMULATION_TIMING } from './timing';
import type { CohortMember, SimulationOptions, SimulationResult } from './types';

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

  const cohort: CohortMember[] = planCohort({
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
  const act = { people, runId, random };

  /**
   * Reads a person's status; undefined when it cannot be read now. A query waits for a worker, so it is
   * bounded; when it fails (a worker restarting, or one that cannot replay the run) a completed
   * run's result still says how it ended. Otherwise the error is kept, never swallowed.
   */
  const look = async (person: CohortMember): Promise<OnboardingStatus | undefined> => {
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

  const settled = () => cohort.filter((p) => isSettled(p.plan, p.status, timing));

  for (;;) {
    const open = cohort.filter((p) => !isSettled(p.plan, p.status, timing));
    await mapLimit(open, 10, async (person) => {
      const status = await look(person);
      if (!status) return;
      const now = Date.now();
      observe(person.memory, status, now);
      const action = nextAction(person.plan, person.memory, status, now);
      if (action) {
        await performAction(act, person, action);
        actions += 1;
      }
    });
    const done = settled().length;
    const unqueryable = cohort.filter((p) => p.queryError !== undefined);
    const lastQueryError = unqueryable.at(-1)?.queryError;
    options.onProgress?.({
      elapsedMs: Date.now() - started,
      stages: stageCounts(cohort),
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

  return summarise(
    { runId, taskQueue: options.taskQueue, seed, startedAt: started, timing, cancelledPrevious },
    cohort,
  );
}
