// The simulation's contract: what `runSimulation` takes, reports while it runs and returns, and
// what it keeps per person while it plays the cohort.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { OnboardingStage, OnboardingStatus, OnboardingTiming } from '../shared/onboarding';
import type { EmulatorPeople } from './emulator-people';
import type { PersonMemory } from './person';
import type { Persona, PersonaMix, PersonPace, PersonPlan } from './personas';

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

/** One person of the cohort while the simulation plays them: their plan, run and what they did. */
export interface CohortMember {
  plan: PersonPlan;
  userId: string;
  workflowId: string;
  handle?: WorkflowHandle;
  /** The last status seen (query or completed run's result). */
  status?: OnboardingStatus;
  memory: PersonMemory;
  /** What the person did, in order (see {@link SimulatedPerson.actions}). */
  actions: string[];
  statusSource: 'query' | 'result';
  queryFailures: number;
  /** Set while the last look failed; cleared by the next successful one. */
  queryError?: string;
  lastQueryError?: string;
}
