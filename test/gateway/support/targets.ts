import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { DbPool } from '../../../src/db/pool';
import type { OnboardingStage } from '../../../src/shared/onboarding';

/** An open workflow execution the gateway can signal, and the customer record pointing at it. */
export interface SignalTarget {
  userId: string;
  workflowId: string;
  /** The run this target is: approval answers are signalled to the issuing run itself. */
  runId: string;
  handle: WorkflowHandle;
}

/**
 * Starts a real `onboardUser` execution on a task queue no worker polls: it stays open and every
 * signal lands in its history, where the test reads it back.
 */
const started: WorkflowHandle[] = [];

export async function startSignalTarget(client: Client): Promise<SignalTarget> {
  const userId = `gw-${randomUUID()}`;
  const workflowId = `onboarding-${userId}`;
  const handle = await client.workflow.start('onboardUser', {
    taskQueue: `gateway-target-${randomUUID()}`,
    workflowId,
    args: [{ userId, email: 'target@example.test', countryCode: '1', cellphone: '2025550100' }],
  });
  started.push(handle);
  return { userId, workflowId, runId: handle.firstExecutionRunId, handle };
}

/** Terminates every target this file started that is still open, so none lingers on the shared server. */
export async function terminateSignalTargets(): Promise<void> {
  const handles = started.splice(0);
  await Promise.all(
    handles.map((handle) => handle.terminate('gateway test finished').catch(() => undefined)),
  );
}

/** Writes the customer record (`onboardings` row) mapping an authy id to a workflow. */
export async function seedOnboarding(
  pool: DbPool,
  row: {
    userId: string;
    workflowId: string;
    authyId: string;
    stage: OnboardingStage;
    approvalUuid?: string;
    /** The record's run (default a random one); approval routing needs the target's real run id. */
    runId?: string;
  },
): Promise<void> {
  await pool.query(
    `INSERT INTO onboardings (user_id, workflow_id, run_id, authy_id, stage, approval_uuid, started_at, stage_entered_at)
     VALUES ($1, $2, $3, $4, $5, $6, now(), now())
     ON CONFLICT (user_id) DO UPDATE SET authy_id = EXCLUDED.authy_id, stage = EXCLUDED.stage,
       approval_uuid = EXCLUDED.approval_uuid, run_id = EXCLUDED.run_id`,
    [row.userId, row.workflowId, row.runId ?? randomUUID(), row.authyId, row.stage, row.approvalUuid ?? null],
  );
}

/** What the customer record of a {@link seedRunningOnboarding} says besides its run and authy id. */
export interface RunningOnboardingRecord {
  /** Default `awaiting_device`. */
  stage?: OnboardingStage;
  /** The push the record names (runs from before `approval_requests` kept it there). */
  approvalUuid?: string;
}

/**
 * A running onboarding for `authyId`: a {@link startSignalTarget} target and its customer record
 * (stage `awaiting_device` unless `record` says another) naming the target's own run.
 */
export async function seedRunningOnboarding(
  client: Client,
  pool: DbPool,
  authyId: string,
  record: RunningOnboardingRecord = {},
): Promise<SignalTarget> {
  const target = await startSignalTarget(client);
  const { userId, workflowId, runId } = target;
  await seedOnboarding(pool, { userId, workflowId, runId, authyId, stage: 'awaiting_device', ...record });
  return target;
}

/** Records a push the run sent, as the requestApproval activity does (`approval_requests`). */
export async function seedApprovalRequest(
  pool: DbPool,
  row: { runId: string; attempt: number; approvalUuid: string; authyId: string },
): Promise<void> {
  await pool.query(
    `INSERT INTO approval_requests (run_id, attempt, approval_uuid, authy_id) VALUES ($1, $2, $3, $4)`,
    [row.runId, row.attempt, row.approvalUuid, row.authyId],
  );
}

/** A signal as recorded in a workflow's history. */
export interface RecordedSignal {
  name: string;
  payload: Record<string, unknown>;
}

/** Every signal in the workflow's history, oldest first, decoded (payloads are encrypted in Temporal). */
export async function signalsOf(handle: WorkflowHandle): Promise<RecordedSignal[]> {
  const history = await handle.fetchHistory();
  const converter = handle.client.options.loadedDataConverter;
  const signals = (history.events ?? [])
    .map((event) => event.workflowExecutionSignaledEventAttributes)
    .filter((attributes) => attributes !== null && attributes !== undefined);
  return Promise.all(
    signals.map(async (attributes) => ({
      name: attributes.signalName ?? '',
      payload: await decodeFromPayloadsAtIndex<Record<string, unknown>>(
        converter,
        0,
        attributes.input?.payloads,
      ),
    })),
  );
}
