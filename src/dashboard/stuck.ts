import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { readStageEntries } from '../db/dashboard-stage-entries';
import type { StageEntryRow } from '../db/dashboard-stage-entries';
import type { OnboardingProvider } from '../db/onboardings';
import type { DbPool } from '../db/pool';
import { DashboardHttpError, fromDatabase } from './errors';
import type { ProviderFilter } from './params';
import { FINAL_STAGES, ONBOARDING_STAGES, onboardingWorkflowId } from '../shared/onboarding';
import { ONBOARDING_STAGE } from '../shared/search-attributes';
import { workflowListUrl, workflowUrl } from './web-ui-links';
import type { WebUiTarget } from './web-ui-links';

/** Stages an open onboarding waits in. */
export const WAITING_STAGES = ONBOARDING_STAGES.filter((stage) => !FINAL_STAGES.includes(stage));
type WaitingStage = (typeof WAITING_STAGES)[number];

const STAGE_LABELS: Record<string, string> = {
  registering: 'Registering with Authy',
  awaiting_device: 'Waiting for the app install',
  awaiting_approval: 'Waiting for the push approval',
};

/** One waiting onboarding, linked to its workflow in the Web UI. */
export interface WaitingOnboarding {
  workflowId: string;
  runId: string;
  /** The run's provider, from its customer record; null when it has no record yet. */
  provider: OnboardingProvider | null;
  stageEnteredAt: string;
  waitingSeconds: number;
  /** `record`: the customer record's exact stage entry; `start_time`: no record yet, the run's start. */
  enteredAtSource: 'record' | 'start_time';
  url: string;
}

/** How many onboardings wait in one stage, and the longest waits. */
export interface StuckStageReport {
  stage: WaitingStage;
  label: string;
  /**
   * Open runs in this stage (the visibility count: what the `listUrl` filter shows), of every
   * provider: Temporal's visibility has no provider attribute.
   */
  waiting: number;
  /** Of those, runs of the requested provider(s) waiting longer than the threshold. */
  stuck: number;
  /** `stuck` by provider (runs without a record yet, whose provider is unknown, in neither). */
  stuckByProvider: Record<OnboardingProvider, number>;
  longestWaitSeconds: number | null;
  /** The Web UI's workflow list filtered to this stage's open runs. */
  listUrl: string;
  /** The longest waits beyond the threshold, longest first. */
  longest: WaitingOnboarding[];
}

/** Body of `GET /dashboard/api/stuck` (docs/dashboard.md). */
export interface StuckResponse {
  generatedAt: string;
  olderThanSeconds: number;
  namespace: string;
  taskQueue: string | null;
  /** The providers `stuck` and `longest` cover: `authy`, `verify`, or `all` of them. */
  provider: ProviderFilter;
  /** False when more runs could be stuck than were examined: `stuck` is then a lower bound. */
  complete: boolean;
  stages: StuckStageReport[];
}

/** What {@link readStuckOnboardings} needs. */
export interface StuckReportOptions {
  client: Client;
  pool: DbPool;
  target: WebUiTarget;
  /** Only onboardings on this task queue (one deployment in a shared namespace); all when unset. */
  taskQueue?: string;
  olderThanMs: number;
  limit: number;
  /** Only runs of this provider in `stuck` and `longest` (default all). */
  provider?: ProviderFilter;
  now: Date;
  /** Most candidate runs examined per request (default 5000). */
  scanLimit?: number;
  /** Deadline of the Temporal calls (default 5 s). */
  timeoutMs?: number;
}

/** Runs the visibility calls; any failure there means Temporal cannot answer now (503). */
async function fromTemporal<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DashboardHttpError(
      503,
      'unavailable',
      'Temporal visibility did not answer; try again shortly',
      {
        cause: error,
      },
    );
  }
}

const quoted = (value: string) => `"${value}"`;

/** The Web UI filter of a stage's open runs (the contract's `OnboardingStage="awaiting_device"`, narrowed). */
function stageFilter(stage: WaitingStage, taskQueue: string | undefined): string {
  return [
    `OnboardingStage=${quoted(stage)}`,
    `ExecutionStatus="Running"`,
    ...(taskQueue ? [`TaskQueue=${quoted(taskQueue)}`] : []),
  ].join(' AND ');
}

interface Candidate {
  stage: WaitingStage;
  provider: OnboardingProvider | null;
  entered: Date;
  source: WaitingOnboarding['enteredAtSource'];
  execution: WorkflowExecutionInfo;
}

function isWaitingStage(value: unknown): value is WaitingStage {
  return typeof value === 'string' && (WAITING_STAGES as readonly string[]).includes(value);
}

/**
 * Where each candidate waits and since when: the customer record of the same run is exact (and the
 * fresher of the two when visibility lags); without one, the run's start bounds the wait from above.
 */
function placeCandidates(executions: WorkflowExecutionInfo[], records: StageEntryRow[]): Candidate[] {
  const byRun = new Map(records.map((record) => [record.runId, record]));
  const placed: Candidate[] = [];
  for (const execution of executions) {
    const record = byRun.get(execution.runId);
    if (record && record.workflowId === execution.workflowId) {
      // The record already shows a final stage: the run is finishing, not waiting.
      if (isWaitingStage(record.stage)) {
        placed.push({
          stage: record.stage,
          provider: record.provider,
          entered: record.stageEnteredAt,
          source: 'record',
          execution,
        });
      }
      continue;
    }
    const stage = execution.typedSearchAttributes.get(ONBOARDING_STAGE);
    if (isWaitingStage(stage))
      placed.push({ stage, provider: null, entered: execution.startTime, source: 'start_time', execution });
  }
  return placed;
}

/**
 * The stuck-onboarding report. Counts come from the visibility API (so they match the Web UI
 * filters the report links to); runs that may have waited longer than the threshold — those started
 * before it — are listed through visibility too, and the customer records give each one's exact
 * stage entry time.
 */
export async function readStuckOnboardings(options: StuckReportOptions): Promise<StuckResponse> {
  const { client, target, taskQueue, now, limit } = options;
  const provider = options.provider ?? 'all';
  const scanLimit = options.scanLimit ?? 5000;
  const deadline = now.getTime() + (options.timeoutMs ?? 5_000);
  const cutoff = new Date(now.getTime() - options.olderThanMs);
  const base = [
    `WorkflowType = 'onboardUser'`,
    `ExecutionStatus = 'Running'`,
    ...(taskQueue ? [`TaskQueue = '${taskQueue}'`] : []),
  ];
  const stageList = WAITING_STAGES.map((stage) => `'${stage}'`).join(', ');
  const candidatesQuery = [
    ...base,
    `OnboardingStage IN (${stageList})`,
    `StartTime < '${cutoff.toISOString()}'`,
  ].join(' AND ');

  const { counts, executions, complete } = await fromTemporal(() =>
    client.withDeadline(deadline, async () => {
      const countsPromise = Promise.all(
        WAITING_STAGES.map((stage) =>
          client.workflow.count([...base, `OnboardingStage = '${stage}'`].join(' AND ')),
        ),
      );
      const found: WorkflowExecutionInfo[] = [];
      let more = false;
      for await (const execution of client.workflow.list({ query: candidatesQuery, pageSize: 1000 })) {
        if (found.length >= scanLimit) {
          more = true;
          break;
        }
        found.push(execution);
      }
      return { counts: await countsPromise, executions: found, complete: !more };
    }),
  );

  const prefix = onboardingWorkflowId('');
  const userIds = executions
    .filter((e) => e.workflowId.startsWith(prefix))
    .map((e) => e.workflowId.slice(prefix.length));
  const records = await fromDatabase(() => readStageEntries(options.pool, userIds));
  // A run without a record yet has no known provider: it is listed only when every provider is asked for.
  const stuck = placeCandidates(executions, records).filter(
    (c) => c.entered.getTime() < cutoff.getTime() && (provider === 'all' || c.provider === provider),
  );
  stuck.sort((a, b) => a.entered.getTime() - b.entered.getTime());

  const waitSeconds = (entered: Date) => Math.max(0, Math.round((now.getTime() - entered.getTime()) / 1000));
  return {
    generatedAt: now.toISOString(),
    olderThanSeconds: Math.round(options.olderThanMs / 1000),
    namespace: target.namespace,
    taskQueue: taskQueue ?? null,
    provider,
    complete,
    stages: WAITING_STAGES.map((stage, index) => {
      const inStage = stuck.filter((c) => c.stage === stage);
      return {
        stage,
        label: STAGE_LABELS[stage] ?? stage,
        waiting: counts[index]?.count ?? 0,
        stuck: inStage.length,
        stuckByProvider: {
          authy: inStage.filter((c) => c.provider === 'authy').length,
          verify: inStage.filter((c) => c.provider === 'verify').length,
        },
        longestWaitSeconds: inStage[0] ? waitSeconds(inStage[0].entered) : null,
        listUrl: workflowListUrl(target, stageFilter(stage, taskQueue)),
        longest: inStage.slice(0, limit).map((c) => ({
          workflowId: c.execution.workflowId,
          runId: c.execution.runId,
          provider: c.provider,
          stageEnteredAt: c.entered.toISOString(),
          waitingSeconds: waitSeconds(c.entered),
          enteredAtSource: c.source,
          url: workflowUrl(target, c.execution.workflowId),
        })),
      };
    }),
  };
}
