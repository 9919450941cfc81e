import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { createAuthyHttp } from '../../src/authy/http';
import type { DbPool } from '../../src/db/pool';
import { cancelOnboarding, getOnboardingStatus, startOnboarding } from '../../src/client/onboarding';
import { KEY_ID_METADATA } from '../../src/temporal/payload-codec';
import { parsePayloadKeys } from '../../src/temporal/payload-keys';
import type { PayloadKey } from '../../src/temporal/payload-keys';
import { createWorker } from '../../src/worker';
import { createTestPool } from '../harness/database';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { FAST_TIMING, uniquePhone } from '../harness/onboarding';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';
import { waitFor } from '../harness/wait-for';
import { connectClient } from '../../src/temporal/connection';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const keyIdOf = (payload: Payload | null | undefined) =>
  Buffer.from(payload?.metadata?.[KEY_ID_METADATA] ?? new Uint8Array()).toString();

// A key rotation on the real stack, without downtime: an onboarding started under key "old" is
// carried on by a worker and a client whose keyring is "new,old" — they seal new payloads with "new"
// and still open the ones sealed with "old".
describe('payload key rotation on a running onboarding', () => {
  let temporal: TemporalHarness;
  let emulator: EmulatorHarness;
  let pool: DbPool;
  const oldKey = key('old');
  const newKey = key('new');
  const taskQueue = `rotation-${randomUUID()}`;
  const opened: { client: Client; worker?: Worker; running?: Promise<void> }[] = [];

  beforeAll(async () => {
    temporal = await connectTemporal();
    emulator = await startEmulator();
    pool = createTestPool();
  });

  afterAll(async () => {
    for (const { client, worker, running } of opened) {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
      await client.connection.close();
    }
    await emulator.close();
    await pool.end();
    await temporal.close();
  });

  /** A client and a worker of the task queue, both with `keys` (the first seals). */
  async function deploy(keys: PayloadKey[]) {
    const settings = {
      address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      namespace: temporal.namespace,
    };
    const client = await connectClient({ ...settings, payloadKeys: keys });
    const worker = await createWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      payloadKeys: keys,
      deps: {
        pool,
        authyHttp: createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey, timeoutMs: 5_000 }),
      },
      workflows: { workflowBundle: { codePath: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE! } },
    });
    const deployment = { client, worker, running: worker.run() };
    opened.push(deployment);
    return deployment;
  }

  it('when the keyring becomes "new,old" mid-run, then the run carries on, new payloads use "new" and old ones still open', async () => {
    const before = await deploy(parsePayloadKeys(oldKey));
    const userId = `rotation-${randomUUID()}`;
    const { handle } = await startOnboarding(
      before.client,
      {
        userId,
        email: `${userId}@example.com`,
        countryCode: '1',
        cellphone: uniquePhone(),
        timing: FAST_TIMING,
      },
      { taskQueue },
    );
    await waitFor(
      () => getOnboardingStatus(before.client, userId),
      (s) => s.stage === 'awaiting_device',
      { what: 'the run to await the device under the old key' },
    );
    before.worker.shutdown();
    await before.running;

    const after = await deploy(parsePayloadKeys(`${newKey},${oldKey}`));
    const status = await cancelOnboarding(after.client, userId, { reason: 'rotation test' });
    expect(status).toMatchObject({ stage: 'cancelled', reason: 'rotation test' });

    const history = await after.client.workflow.getHandle(handle.workflowId).fetchHistory();
    const events = history.events ?? [];
    const input = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const update = events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
      ?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.[0];
    const result = events.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
    expect([keyIdOf(input), keyIdOf(update), keyIdOf(result)]).toEqual(['old', 'new', 'new']);
    // The whole history, old and new payloads alike, reads back through the rotated keyring.
    expect(await after.client.workflow.getHandle(handle.workflowId).result()).toMatchObject({
      stage: 'cancelled',
    });
  });
});
