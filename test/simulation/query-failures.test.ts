import { createEmulatorPeople } from '../../src/simulation/emulator-people';
import type { EmulatorPeople } from '../../src/simulation/emulator-people';
import { runSimulation } from '../../src/simulation/run-simulation';
import type { SimulationProgress } from '../../src/simulation/types';
import { SIMULATION_TIMING } from '../../src/simulation/timing';
import { onboardingWorkflowId } from '../../src/shared/onboarding';
import { useForAll } from '../harness/lifecycle';
import { createOnboardingHarness } from '../harness/onboarding';
import { waitFor } from '../harness/wait-for';

// The chaos run that motivated this: a run completed `expired` while its status query kept failing,
// and the simulation showed it "still moving" for minutes. Here the only worker stops right after
// the run completes, so every later query fails: the simulation must say so and read the result.
describe('runSimulation when status queries fail', () => {
  const h = useForAll(() => createOnboardingHarness({ taskQueuePrefix: 'sim-query-failures' }));

  it('when the run completes and then no worker answers queries, then the person ends as the run did, read from its result, with the query error kept', async () => {
    const runId = `qf${Date.now().toString(36)}`;
    const workflowId = onboardingWorkflowId(`simqf-${runId}-001`);
    const real = createEmulatorPeople(h.emulator.url);
    let workerStopped = false;
    // The person approves; then, once the run has completed, its only worker goes away.
    const people: EmulatorPeople = {
      ...real,
      async respond(uuid, status) {
        const outcome = await real.respond(uuid, status);
        await waitFor(
          () => h.temporal.client.workflow.getHandle(workflowId).describe(),
          (d) => d.status.name === 'COMPLETED',
          { timeoutMs: 30_000, what: `${workflowId} to complete` },
        );
        await h.stopWorker();
        workerStopped = true;
        return outcome;
      },
    };
    const progress: SimulationProgress[] = [];
    const result = await runSimulation({
      client: h.temporal.client,
      taskQueue: h.taskQueue,
      emulatorUrl: h.emulator.url,
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

    expect(workerStopped).toBe(true); // the worker did go away before the simulation saw the end
    const [person] = result.people;
    expect(person).toMatchObject({ workflowId, stage: 'enabled', statusSource: 'result' });
    expect(person!.queryFailures).toBeGreaterThanOrEqual(1);
    expect(person!.lastQueryError).toMatch(
      new RegExp(
        `no poller seen for task queue recently|no answer within 5s: a query needs a worker polling task queue ${h.taskQueue}`,
      ),
    );
    expect(result.stages.enabled).toBe(1);
    expect(progress.at(-1)).toMatchObject({ settled: 1, unqueryable: 0 });
  }, 120_000);
});
