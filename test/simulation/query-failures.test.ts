import type { Worker } from '@temporalio/worker';
import { createAuthyHttp } from '../../src/authy/http';
import type { DbPool } from '../../src/db/pool';
import { createEmulatorPeople } from '../../src/simulation/emulator-people';
import type { EmulatorPeople } from '../../src/simulation/emulator-people';
import { runSimulation } from '../../src/simulation/run-simulation';
import type { SimulationProgress } from '../../src/simulation/types';
import { SIMULATION_TIMING } from '../../src/simulation/timing';
import { onboardingWorkflowId } from '../../src/shared/onboarding';
import { createTestPool } from '../harness/database';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';
import { waitFor } from '../harness/wait-for';

// The chaos run that motivated this: a run completed `expired` while its status query kept failing,
// and the simulation showed it "still moving" for minutes. Here the only worker stops right after
// the run completes, so every later query fails: the simulation must say so and read the result.
describe('runSimulation when status queries fail', () => {
  let temporal: TemporalHarness;
  let emulator: EmulatorHarness;
  let pool: DbPool;
  let worker: Worker;
  let running: Promise<void> | undefined;
  let taskQueue: string;

  beforeAll(async () => {
    temporal = await connectTemporal();
    emulator = await startEmulator();
    pool = createTestPool();
    taskQueue = temporal.uniqueTaskQueue('sim-query-failures');
    const authyHttp = createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey, timeoutMs: 5_000 });
    worker = await temporal.createWorker(taskQueue, { pool, authyHttp });
    running = worker.run();
  });
  afterAll(async () => {
    if (running) {
      worker.shutdown();
      await running;
    }
    await emulator.close();
    await pool.end();
    await temporal.close();
  });

  it('when the run completes and then no worker answers queries, then the person ends as the run did, read from its result, with the query error kept', async () => {
    const runId = `qf${Date.now().toString(36)}`;
    const workflowId = onboardingWorkflowId(`simqf-${runId}-001`);
    const real = createEmulatorPeople(emulator.url);
    // The person approves; then, once the run has completed, its only worker goes away.
    const people: EmulatorPeople = {
      ...real,
      async respond(uuid, status) {
        const outcome = await real.respond(uuid, status);
        await waitFor(
          () => temporal.client.workflow.getHandle(workflowId).describe(),
          (d) => d.status.name === 'COMPLETED',
          { timeoutMs: 30_000, what: `${workflowId} to complete` },
        );
        worker.shutdown();
        await running;
        running = undefined;
        return outcome;
      },
    };
    const progress: SimulationProgress[] = [];
    const result = await runSimulation({
      client: temporal.client,
      taskQueue,
      emulatorUrl: emulator.url,
      users: 1,
      idPrefix: 'simqf',
      runId,
      mix: {
        approves: 1,
        'installs-after-reminder': 0,
        denies: 0,
        'ignores-push': 0,
        'changes-phone': 0,
        'never-installs': 0,
      },
      // No gateway: the run learns of the install and the answer by polling Authy.
      timing: {
        ...SIMULATION_TIMING,
        installGiveUpAfterMs: 60_000,
        deviceStatusPollIntervalMs: 500,
        approvalStatusPollIntervalMs: 500,
      },
      timeoutMs: 90_000,
      people,
      onProgress: (p) => progress.push(p),
    });

    expect(running).toBeUndefined(); // the worker did go away before the simulation saw the end
    const [person] = result.people;
    expect(person).toMatchObject({ workflowId, stage: 'enabled', statusSource: 'result' });
    expect(person!.queryFailures).toBeGreaterThanOrEqual(1);
    expect(person!.lastQueryError).toMatch(
      new RegExp(
        `no poller seen for task queue recently|no answer within 5s: a query needs a worker polling task queue ${taskQueue}`,
      ),
    );
    expect(result.stages.enabled).toBe(1);
    expect(progress.at(-1)).toMatchObject({ settled: 1, unqueryable: 0 });
  }, 120_000);
});
