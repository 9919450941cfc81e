import type { Client } from '@temporalio/client';
import { onboardingWorkflowId } from '../shared/onboarding';
import { cancelSignal } from '../workflows/onboarding/messages';
import { mapLimit } from '../shared/map-limit';

/** Which simulated onboardings to cancel. */
export interface CancelOpenSimulationsOptions {
  taskQueue: string;
  /** User ids of simulated people start with `<idPrefix>-`. */
  idPrefix: string;
  /** Leave this run's people alone. */
  keepRunId?: string;
}

/**
 * Cancels the open onboardings of earlier simulation runs (user ids `<idPrefix>-…` on `taskQueue`),
 * e.g. a previous demo's stuck people, so a new cohort starts clean. The cancel is a signal, so it
 * works with no worker running: the runs end `cancelled` as soon as one picks them up (signals are
 * applied before their overdue timers). Returns how many were signalled.
 */
export async function cancelOpenSimulations(
  client: Client,
  options: CancelOpenSimulationsOptions,
): Promise<number> {
  const escaped = options.taskQueue.replace(/'/g, "\\'");
  const query = `WorkflowType = 'onboardUser' AND ExecutionStatus = 'Running' AND TaskQueue = '${escaped}'`;
  const prefix = onboardingWorkflowId(`${options.idPrefix}-`);
  const keep = options.keepRunId === undefined ? undefined : `${prefix}${options.keepRunId}-`;
  const targets: string[] = [];
  for await (const run of client.workflow.list({ query })) {
    const id = run.workflowId;
    if (id.startsWith(prefix) && (keep === undefined || !id.startsWith(keep))) targets.push(id);
  }
  await mapLimit(targets, 8, async (workflowId) => {
    await client.workflow
      .getHandle(workflowId)
      .signal(cancelSignal, {
        eventId: `superseded-${options.keepRunId ?? 'reset'}`,
        reason: 'superseded by a newer simulation run',
      })
      .catch(() => undefined); // finished in the meantime
  });
  return targets.length;
}
