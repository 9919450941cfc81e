import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import type { OnboardingRecord } from '../db/onboardings';
import { onboardingWorkflowId } from '../shared/onboarding';
import type { OnboardingStatus } from '../shared/onboarding';
import { statusQuery } from '../workflows/onboarding/messages';
import type { onboardUser } from '../workflows/onboarding/onboard-user';

/**
 * Where a status answer came from: the `status` query (needs a worker that can replay the run), the
 * result of a completed run (needs no worker), the customer record in PostgreSQL (may lag the run),
 * or nowhere.
 */
export type StatusSource = 'query' | 'result' | 'customer-record' | 'none';

/** The customer record's view of a status: what PostgreSQL keeps (no attempt or phone counters). */
export type RecordedStatus = Pick<OnboardingStatus, 'userId' | 'stage' | 'remindersSent' | 'stageEnteredAt'> &
  Partial<Pick<OnboardingStatus, 'authyId' | 'reason'>> & { completedAt?: string };

/** A status with its provenance, so a failed query is never mistaken for a run still moving. */
export interface StatusAnswer {
  workflowId: string;
  runId: string;
  /** The run's execution status (RUNNING, COMPLETED, TERMINATED, …). */
  runStatus: WorkflowExecutionStatusName;
  source: StatusSource;
  status?: OnboardingStatus | RecordedStatus;
  /** Why the query failed (the error's first line), when it was tried and failed. */
  queryError?: string;
}

/** Options of {@link readOnboardingStatus}. */
export interface ReadStatusOptions {
  /** Bound on the query: without a worker on the run's task queue, a query waits for one. Default 10 s. */
  queryTimeoutMs?: number;
  /** Reads the customer record (PostgreSQL) when the query fails; omit to skip that fallback. */
  readRecord?: (userId: string) => Promise<OnboardingRecord | undefined>;
}

/**
 * An error for people: the first line of its message and of each cause's (the SDK wraps the gRPC
 * error, e.g. "Failed to query Workflow: 4 DEADLINE_EXCEEDED: …").
 */
export function errorText(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && lines.length < 4;) {
    const message = e instanceof Error ? e.message || e.name : typeof e === 'string' ? e : 'unknown error';
    const line = message.split('\n')[0]!.trim();
    if (line && !lines.some((l) => l.includes(line))) lines.push(line);
    e = e instanceof Error ? e.cause : undefined;
  }
  return lines.join(': ').slice(0, 500);
}

/**
 * Runs a query (or result fetch) under a deadline: without a worker on the run's task queue a query
 * waits for one. At the deadline gRPC reports only "CANCELLED: Call cancelled", so the error says
 * what it means instead.
 */
export async function withQueryTimeout<T>(
  client: Client,
  timeoutMs: number,
  taskQueue: string,
  work: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  try {
    return await client.connection.withDeadline(deadline, work);
  } catch (error) {
    if (Date.now() < deadline) throw error;
    throw new Error(
      `no answer within ${timeoutMs / 1000}s: a query needs a worker polling task queue ${taskQueue} that can replay the run`,
    );
  }
}

function fromRecord(record: OnboardingRecord): RecordedStatus {
  return {
    userId: record.userId,
    stage: record.stage as OnboardingStatus['stage'],
    remindersSent: record.remindersSent,
    stageEnteredAt: record.stageEnteredAt.toISOString(),
    ...(record.authyId ? { authyId: record.authyId } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.completedAt ? { completedAt: record.completedAt.toISOString() } : {}),
  };
}

/**
 * A user's onboarding status from the best source available: a completed run's result (final, and
 * readable with no worker running), else the `status` query, bounded in time; when the query fails,
 * its error and the customer record. Throws WorkflowNotFoundError when the user has no onboarding.
 */
export async function readOnboardingStatus(
  client: Client,
  userId: string,
  options: ReadStatusOptions = {},
): Promise<StatusAnswer> {
  const workflowId = onboardingWorkflowId(userId);
  const description = await client.workflow.getHandle(workflowId).describe();
  const { runId } = description;
  const runStatus = description.status.name;
  const handle = client.workflow.getHandle<typeof onboardUser>(workflowId, runId);
  const bounded = <T>(work: () => Promise<T>): Promise<T> =>
    withQueryTimeout(client, options.queryTimeoutMs ?? 10_000, description.taskQueue, work);
  const base = { workflowId, runId, runStatus };

  let queryError: string;
  try {
    if (runStatus === 'COMPLETED') {
      return { ...base, source: 'result', status: await bounded(() => handle.result()) };
    }
    return { ...base, source: 'query', status: await bounded(() => handle.query(statusQuery)) };
  } catch (error) {
    queryError = errorText(error);
  }
  const record = await options.readRecord?.(userId);
  if (record && record.runId === runId) {
    return { ...base, source: 'customer-record', status: fromRecord(record), queryError };
  }
  return { ...base, source: 'none', queryError };
}

/**
 * A run's execution status and, once it has completed, its result: the final status, readable
 * without a worker (so a run whose query fails is not taken for one still moving).
 */
export async function completedRunStatus(
  client: Client,
  workflowId: string,
  timeoutMs = 5_000,
): Promise<{ runStatus: WorkflowExecutionStatusName; status?: OnboardingStatus }> {
  const description = await client.connection.withDeadline(Date.now() + timeoutMs, () =>
    client.workflow.getHandle(workflowId).describe(),
  );
  const runStatus = description.status.name;
  if (runStatus !== 'COMPLETED') return { runStatus };
  const handle = client.workflow.getHandle<typeof onboardUser>(workflowId, description.runId);
  return {
    runStatus,
    status: await client.connection.withDeadline(Date.now() + timeoutMs, () => handle.result()),
  };
}
