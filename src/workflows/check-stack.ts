import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** Result of {@link checkStack}: proof that Temporal, a worker and PostgreSQL all answered. */
export interface CheckStackResult {
  workflowId: string;
  databaseTime: string;
  postgresVersion: string;
}

const { readDatabaseInfo } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/**
 * A one-activity workflow that exercises the whole stack: Temporal schedules it, a worker runs it,
 * the activity reads PostgreSQL. `make up` and the smoke tests use it.
 */
export async function checkStack(): Promise<CheckStackResult> {
  const info = await readDatabaseInfo();
  return { workflowId: workflowInfo().workflowId, ...info };
}
