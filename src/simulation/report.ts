import { ONBOARDING_STAGES } from '../shared/onboarding';
import type { OnboardingStage, OnboardingTiming } from '../shared/onboarding';
import { PERSONAS } from './personas';
import type { Persona } from './personas';
import type {
  CohortMember,
  SimulatedPerson,
  SimulationProgress,
  SimulationResult,
  StageCounts,
} from './types';

/** An empty count of every stage. */
export function emptyStageCounts(): StageCounts {
  return Object.fromEntries(ONBOARDING_STAGES.map((s) => [s, 0])) as StageCounts;
}

/** How many of the cohort are in each stage (by the last status seen; none yet counts as `registering`). */
export function stageCounts(cohort: readonly CohortMember[]): StageCounts {
  const stages = emptyStageCounts();
  for (const p of cohort) stages[p.status?.stage ?? 'registering'] += 1;
  return stages;
}

/** The run a settled cohort's result describes. */
export interface SimulationRun {
  runId: string;
  taskQueue: string;
  seed: number;
  /** When the simulation started, epoch ms. */
  startedAt: number;
  timing: OnboardingTiming;
  cancelledPrevious: number;
}

/**
 * The result of a settled cohort (every person has a status): where each person ended, counts per
 * stage and per persona, and the stuck ones (left in `awaiting_device`).
 */
export function summarise(run: SimulationRun, cohort: readonly CohortMember[]): SimulationResult {
  const byPersona = Object.fromEntries(PERSONAS.map((p) => [p, {}])) as Record<Persona, Partial<StageCounts>>;
  const people: SimulatedPerson[] = cohort.map((p) => {
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
    runId: run.runId,
    taskQueue: run.taskQueue,
    users: cohort.length,
    seed: run.seed,
    durationMs: Date.now() - run.startedAt,
    timing: run.timing,
    stages: stageCounts(cohort),
    byPersona,
    stuck: people.filter((p) => p.stage === 'awaiting_device').map((p) => p.workflowId),
    cancelledPrevious: run.cancelledPrevious,
    people,
  };
}

const STAGE_NOTES: Partial<Record<OnboardingStage, string>> = {
  awaiting_device: 'stuck: the app was never installed',
  awaiting_approval: 'waiting for an answer to the push',
  expired: 'approval requests or the install window expired',
};

/**
 * One line of live progress: elapsed time, the count of every stage with people in it, settled/total,
 * and — apart from those still moving — how many cannot be queried now, with the last error.
 */
export function formatProgress(progress: SimulationProgress): string {
  const stages = ONBOARDING_STAGES.filter((s) => progress.stages[s] > 0)
    .map((s) => `${s} ${progress.stages[s]}`)
    .join(' · ');
  const unqueryable =
    progress.unqueryable > 0
      ? ` | ${progress.unqueryable} cannot be queried (last stage seen counted above): ${progress.lastQueryError ?? 'unknown error'}`
      : '';
  return `[${(progress.elapsedMs / 1000).toFixed(1).padStart(5)}s] ${stages} | ${progress.settled}/${progress.users} settled, ${progress.actions} actions${unqueryable}`;
}

/** The per-stage table: every stage, its count, and what a non-zero count of a waiting stage means. */
export function formatStageTable(stages: StageCounts): string[] {
  const total = ONBOARDING_STAGES.reduce((sum, s) => sum + stages[s], 0);
  const rows = ONBOARDING_STAGES.map((s) => {
    const note = stages[s] > 0 && STAGE_NOTES[s] ? `  ← ${STAGE_NOTES[s]}` : '';
    return `  ${s.padEnd(18)} ${String(stages[s]).padStart(5)}${note}`;
  });
  return [
    `  ${'stage'.padEnd(18)} ${'count'.padStart(5)}`,
    ...rows,
    `  ${'total'.padEnd(18)} ${String(total).padStart(5)}`,
  ];
}

/** The final report of `twofold simulate`: stage table, outcomes per persona, totals, stuck ids. */
export function formatSimulationReport(result: SimulationResult): string {
  const lines = [
    `simulated ${result.users} people in ${(result.durationMs / 1000).toFixed(1)}s (seed ${result.seed}, run ${result.runId}, task queue ${result.taskQueue})`,
    '',
    ...formatStageTable(result.stages),
    '',
    `  ${'person'.padEnd(24)} ${'n'.padStart(3)}  ended in`,
  ];
  for (const persona of PERSONAS) {
    const ended = Object.entries(result.byPersona[persona]);
    const n = ended.reduce((sum, [, count]) => sum + (count ?? 0), 0);
    if (n === 0) continue;
    lines.push(
      `  ${persona.padEnd(24)} ${String(n).padStart(3)}  ${ended.map(([stage, count]) => `${stage} ${count}`).join(', ')}`,
    );
  }
  const sum = (pick: (p: SimulationResult['people'][number]) => number) =>
    result.people.reduce((total, p) => total + pick(p), 0);
  lines.push(
    '',
    `  install-link reminders sent ${sum((p) => p.remindersSent)}, approval requests sent ${sum((p) => p.approvalAttempts)}, phone changes seen ${sum((p) => p.phoneChanges)}`,
  );
  const failedLooks = result.people.filter((p) => p.queryFailures > 0);
  if (failedLooks.length > 0) {
    const fromResult = result.people.filter((p) => p.statusSource === 'result').length;
    lines.push(
      `  status queries failed ${sum((p) => p.queryFailures)} time(s) for ${failedLooks.length} people (last: ${failedLooks.at(-1)!.lastQueryError ?? 'unknown error'}); ${fromResult} final status(es) read from the completed run's result`,
    );
  }
  if (result.cancelledPrevious > 0) {
    lines.push(`  cancelled ${result.cancelledPrevious} open onboarding(s) left by earlier runs`);
  }
  if (result.stuck.length > 0) lines.push(`  stuck in awaiting_device: ${result.stuck.join(', ')}`);
  return lines.join('\n');
}
