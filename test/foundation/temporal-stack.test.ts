import { createAuthyHttp } from '../../src/authy/http';
import { checkStack } from '../../src/workflows/check-stack';
import type { DbPool } from '../../src/db/pool';
import { createTestPool } from '../harness/database';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';

describe('the real Temporal dev server', () => {
  let temporal: TemporalHarness;
  let pool: DbPool;
  beforeAll(async () => {
    temporal = await connectTemporal();
    pool = createTestPool();
  });
  afterAll(async () => {
    await temporal.close();
    await pool.end();
  });

  it('when a workflow runs on a real worker, then its activity reads PostgreSQL and the result comes back', async () => {
    const taskQueue = temporal.uniqueTaskQueue('stack');
    const authyHttp = createAuthyHttp({ baseUrl: 'http://127.0.0.1:9', apiKey: 'unused' });
    const worker = await temporal.createWorker(taskQueue, { pool, authyHttp });
    const result = await worker.runUntil(
      temporal.client.workflow.execute(checkStack, { taskQueue, workflowId: taskQueue }),
    );
    expect(result.workflowId).toBe(taskQueue);
    expect(result.postgresVersion).toMatch(/^\d+/);
    expect(Math.abs(Date.parse(result.databaseTime) - Date.now())).toBeLessThan(60_000);
    const history = await temporal.client.workflow.getHandle(taskQueue).fetchHistory();
    const activityEvents = history.events?.filter((e) => e.activityTaskCompletedEventAttributes) ?? [];
    expect(activityEvents).toHaveLength(1);
  });

  it('when the server was started by the scripts, then the onboarding search attributes exist as Keyword', async () => {
    const response = await temporal.client.connection.operatorService.listSearchAttributes({
      namespace: temporal.namespace,
    });
    const custom = response.customAttributes ?? {};
    // 2 = INDEXED_VALUE_TYPE_KEYWORD
    expect(custom.OnboardingStage).toBe(2);
    expect(custom.AuthyId).toBe(2);
    // 6 = INDEXED_VALUE_TYPE_DATETIME
    expect(custom.OnboardingStageEnteredAt).toBe(6);
  });
});
