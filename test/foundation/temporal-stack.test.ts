import { createAuthyHttp } from '../../src/authy/http';
import { checkStack } from '../../src/workflows/check-stack';
import { useTestPool } from '../harness/database';
import { openForAll } from '../harness/lifecycle';
import { connectTemporal } from '../harness/temporal';

describe('the real Temporal dev server', () => {
  const connected = openForAll(connectTemporal, (temporal) => temporal.close());
  const testPool = useTestPool();

  it('when a workflow runs on a real worker, then its activity reads PostgreSQL and the result comes back', async () => {
    const [temporal, pool] = [connected(), testPool()];
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
    const temporal = connected();
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
