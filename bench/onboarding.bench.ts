// Onboarding benchmarks (issue 3):
//  (a) end-to-end onboardings per second with the emulator answering at once, against a baseline
//      workflow with the same number of activities and signals, measured in the same run;
//  (b) many onboardings waiting at once has a file of its own: waiting-onboardings.bench.ts;
//  (c) payload encryption (issue 14): the same end-to-end onboardings with twofold's data converter
//      (AES-256-GCM codec, encoded failure attributes) against the SDK's default one, in the same run.
// Runs in its own namespace (twofold-bench) and terminates what it started.
import { randomUUID } from 'node:crypto';
import { activityInfo } from '@temporalio/activity';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { createAuthyHttp } from '../src/authy/http';
import { createAuthyUsersClient } from '../src/authy/users';
import { DEV_AUTHY_API_KEY } from '../src/shared/dev-keys';
import type { OnboardingStatus } from '../src/shared/onboarding';
import { connectWorkerConnection, createClient } from '../src/temporal/connection';
import { createDataConverter } from '../src/temporal/data-converter';
import { approvalRespondedSignal, deviceRegisteredSignal } from '../src/workflows/onboarding/messages';
import { createBaselineActivities } from './onboarding/baseline-activities';
import { BENCH_NAMESPACE, onboardingStart, openOnboardingBench } from './onboarding/setup';
import { baselineStepSignal } from './onboarding/workflows';
import { machineFacts, mapConcurrent, recordFigure, report, terminateBenchRuns, timed } from './support';

const E2E_COUNT = Number(process.env.BENCH_ONBOARDINGS ?? 300);
const CONCURRENCY = 50;
/** Rounds of (c), each running both data converters, the first one alternating. */
const CODEC_ROUNDS = Number(process.env.BENCH_CODEC_ROUNDS ?? 2);
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/**
 * The real activities, but each push is answered at once: as the request goes out, the person
 * approves and the callback reaches the run as the gateway would deliver it (one signal naming the
 * request). onboardUser counts an answer only for a request it issued, so the answer must carry the
 * real uuid; it may arrive before the activity's result, which the workflow handles.
 */
function answeredAtOnce(activities: ReturnType<typeof createActivities>, client: Client) {
  return {
    ...activities,
    async requestApproval(input: Parameters<typeof activities.requestApproval>[0]) {
      const result = await activities.requestApproval(input);
      const { workflowId } = activityInfo().workflowExecution!;
      await client.workflow.getHandle(workflowId).signal(approvalRespondedSignal, {
        eventId: `answer-${result.approvalUuid}`,
        approvalUuid: result.approvalUuid,
        status: 'approved',
      });
      return result;
    },
  };
}

async function main(): Promise<void> {
  const { config, authyUrl, pool, connection, close } = await openOnboardingBench({ seed: 7, poolMax: 20 });
  console.log(`machine: ${machineFacts()}`);
  const nativeConnection = await connectWorkerConnection(config.temporal);
  const workflowsPath = require.resolve('./onboarding/workflows');

  /** A client and a worker on a task queue of their own, both with `dataConverter` (or the SDK's). */
  interface Setup {
    name: string;
    client: Client;
    worker: Worker;
    taskQueue: string;
  }
  const setUp = async (name: string, dataConverter?: DataConverter): Promise<Setup> => {
    const client = dataConverter
      ? createClient(connection, { namespace: BENCH_NAMESPACE, payloadKeys: config.temporal.payloadKeys })
      : // The comparison's baseline only: payloads in clear, as before issue 14.
        new Client({ connection, namespace: BENCH_NAMESPACE });
    const taskQueue = `bench-onboarding-${name}-${randomUUID()}`;
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      ...(dataConverter?.failureConverterPath
        ? { failureConverterPath: dataConverter.failureConverterPath }
        : {}),
      logger: quiet,
    });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: BENCH_NAMESPACE,
      taskQueue,
      workflowBundle: { code },
      ...(dataConverter ? { dataConverter } : {}),
      activities: {
        ...answeredAtOnce(
          createActivities({
            pool,
            authyHttp: createAuthyHttp({ baseUrl: authyUrl, apiKey: DEV_AUTHY_API_KEY }),
          }),
          client,
        ),
        ...createBaselineActivities(),
      },
    });
    return { name, client, worker, taskQueue };
  };
  const sealed = await setUp('sealed', createDataConverter(config.temporal.payloadKeys));
  const plain = await setUp('plain');
  let phone = 5_550_000_000;

  const runBaseline = async ({ client, taskQueue }: Setup) => {
    const ids = Array.from({ length: E2E_COUNT }, () => `bench-baseline-${randomUUID()}`);
    return timed(() =>
      mapConcurrent(ids, CONCURRENCY, async (workflowId) => {
        const handle = await client.workflow.signalWithStart('baselineOnboarding', {
          workflowId,
          taskQueue,
          args: [],
          signal: baselineStepSignal,
          signalArgs: [{ step: 1 }],
        });
        // Both signals go out at once; the workflow keeps them until it waits, as onboardUser does.
        await handle.signal(baselineStepSignal, { step: 2 });
        await handle.result();
      }),
    );
  };
  const runOnboarding = async ({ client, taskQueue }: Setup) => {
    const users = Array.from({ length: E2E_COUNT }, () => ({
      userId: `bench-${randomUUID()}`,
      cellphone: String(phone++),
    }));
    // Untimed set-up: each person already has the app, so the emulator answers every call at once.
    const authyUsers = createAuthyUsersClient(
      createAuthyHttp({ baseUrl: authyUrl, apiKey: DEV_AUTHY_API_KEY }),
    );
    const authyIds = new Map<string, string>();
    await mapConcurrent(users, 20, async ({ userId, cellphone }) => {
      const { authyId } = await authyUsers.register({
        email: 'bench@example.com',
        countryCode: '1',
        cellphone,
        sendInstallLinkViaSms: false,
      });
      const installed = await fetch(`${authyUrl}/_emulator/users/${authyId}/install`, { method: 'POST' });
      if (!installed.ok) throw new Error(`install of ${authyId} failed: ${installed.status}`);
      authyIds.set(userId, authyId);
    });
    return timed(() =>
      mapConcurrent(users, CONCURRENCY, async ({ userId, cellphone }) => {
        const handle = await client.workflow.signalWithStart('onboardUser', {
          ...onboardingStart(taskQueue, userId, cellphone),
          signal: deviceRegisteredSignal,
          signalArgs: [{ eventId: randomUUID(), authyId: authyIds.get(userId)! }],
        });
        const final = (await handle.result()) as OnboardingStatus;
        if (final.stage !== 'enabled') throw new Error(`unexpected final stage ${final.stage}`);
      }),
    );
  };

  // Both workers poll throughout; a worker that fails ends the benchmark with its own error.
  const running = [plain.worker.run(), sealed.worker.run()];
  let measured = false;
  const stopped = Promise.all(running).then(() => {
    if (!measured) throw new Error('a benchmark worker stopped early');
  });
  const measure = async () => {
    const baseline = await runBaseline(sealed);
    const onboarding = await runOnboarding(sealed);
    console.log(`(a) end-to-end, ${E2E_COUNT} each, ${CONCURRENCY} concurrent (payloads encrypted):`);
    const rate = (E2E_COUNT / onboarding.ms) * 1000;
    const baselineRate = (E2E_COUNT / baseline.ms) * 1000;
    report('    onboardings/s', rate, baselineRate, 'per s');
    recordFigure({
      name: 'onboarding.e2e_rate',
      value: rate,
      unit: 'per s',
      baseline: baselineRate,
      size: E2E_COUNT,
    });
    // (c) Interleaved rounds, each setup first in turn, so drift in the machine's load hits both.
    // Wall time is what the goal is about; this process's CPU time (client and worker, both data
    // converters' work) is less disturbed by whatever else loads the machine.
    const totals = { sealed: 0, plain: 0 };
    const cpu = { sealed: 0, plain: 0 };
    const rounds: string[] = [];
    for (let round = 0; round < CODEC_ROUNDS; round += 1) {
      const rates: Record<string, string> = {};
      for (const setup of round % 2 === 0 ? [plain, sealed] : [sealed, plain]) {
        const name = setup.name as keyof typeof totals;
        const before = process.cpuUsage();
        const { ms } = await runOnboarding(setup);
        const used = process.cpuUsage(before);
        cpu[name] += (used.user + used.system) / 1000;
        totals[name] += ms;
        rates[name] = ((E2E_COUNT / ms) * 1000).toFixed(1);
      }
      rounds.push(`${rates.sealed}/${rates.plain}`);
    }
    const count = E2E_COUNT * CODEC_ROUNDS;
    console.log(`(c) payload encryption, ${count} onboardings each in ${CODEC_ROUNDS} interleaved rounds:`);
    report(
      '    onboardings/s, AES-256-GCM codec (baseline: no codec)',
      (count / totals.sealed) * 1000,
      (count / totals.plain) * 1000,
      'per s',
    );
    console.log(`    per round, codec/no codec (onboardings/s): ${rounds.join(', ')}`);
    console.log(
      `    CPU of this process (client, worker, set-up) per onboarding: ${(cpu.sealed / count).toFixed(1)} ms with the codec, ${(cpu.plain / count).toFixed(1)} ms without`,
    );
  };
  try {
    await Promise.race([measure().finally(() => (measured = true)), stopped]);
  } finally {
    for (const { worker } of [plain, sealed]) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.allSettled([...running, stopped]);
  }

  // Clean up: nothing of the benchmark stays running.
  await terminateBenchRuns(config.temporal.address, BENCH_NAMESPACE, "ExecutionStatus='Running'");
  await nativeConnection.close();
  await close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
