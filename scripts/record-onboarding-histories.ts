// Records one real onboardUser history per ending into test/onboarding/histories/, for the replay
// test. Run against the local stack (`make up`) after a deliberate workflow change:
//   npx tsx scripts/record-onboarding-histories.ts <code-version>
// Files are named `<ending>.<code-version>.json` (e.g. `enabled.explicit-timers.json`); the
// histories of earlier code versions stay, so runs started under them keep being replay-tested.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createAuthyEmulator } from '../src/authy-emulator';
import { createAuthyHttp } from '../src/authy/http';
import { loadConfig } from '../src/config';
import { createPool } from '../src/db/pool';
import { connectClient, connectWorkerConnection } from '../src/temporal/connection';
import { startOnboarding } from '../src/client/onboarding';
import type { OnboardingTiming } from '../src/shared/onboarding';
import { DEV_AUTHY_API_KEY } from '../src/shared/dev-keys';
import {
  approvalRespondedSignal,
  cancelUpdate,
  deviceRegisteredSignal,
  statusQuery,
} from '../src/workflows/onboarding/messages';
import { createWorker } from '../src/worker';

const timing: OnboardingTiming = {
  installReminderIntervalMs: 500,
  maxInstallReminders: 1,
  installGiveUpAfterMs: 500,
  deviceStatusPollIntervalMs: 200,
  approvalExpiryMs: 60_000,
  maxApprovalAttempts: 2,
  approvalStatusPollIntervalMs: 200,
};

async function main(): Promise<void> {
  const codeVersion = process.argv[2];
  if (!codeVersion || !/^[a-z0-9-]+$/.test(codeVersion)) {
    throw new Error(
      'usage: npx tsx scripts/record-onboarding-histories.ts <code-version, e.g. explicit-timers>',
    );
  }
  const config = loadConfig();
  const emulator = createAuthyEmulator();
  const listener = await emulator.listen(0);
  const url = listener.url;
  const pool = createPool(config.databaseUrl);
  const client = await connectClient(config.temporal);
  const nativeConnection = await connectWorkerConnection(config.temporal);
  const taskQueue = `record-histories-${randomUUID()}`;
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue,
    payloadKeys: config.temporal.payloadKeys,
    deps: { pool, authyHttp: createAuthyHttp({ baseUrl: url, apiKey: DEV_AUTHY_API_KEY }) },
  });
  const control = (p: string, body?: unknown) =>
    fetch(`${url}/_emulator${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  let phone = 5550100000 + Math.floor(Math.random() * 90000);

  const scenario = async (
    ending: string,
    drive: (h: Awaited<ReturnType<typeof startOnboarding>>['handle']) => Promise<void>,
    cellphone = String(phone++),
    timingOverrides: Partial<OnboardingTiming> = {},
  ) => {
    const started = await startOnboarding(
      client,
      {
        userId: `history-${ending}-${randomUUID()}`,
        email: 'history@example.com',
        countryCode: '1',
        cellphone,
        timing: { ...timing, ...timingOverrides },
      },
      { taskQueue },
    );
    await drive(started.handle);
    await started.handle.result();
    const history = await started.handle.fetchHistory();
    const file = path.join(
      __dirname,
      '..',
      'test',
      'onboarding',
      'histories',
      `${ending}.${codeVersion}.json`,
    );
    await writeFile(file, historyToJSON(history));
    console.log(`recorded ${ending} (${history.events?.length ?? 0} events) → ${file}`);
  };
  const untilStage = async (handle: Awaited<ReturnType<typeof startOnboarding>>['handle'], stage: string) => {
    for (;;) {
      const status = await handle.query(statusQuery);
      if (status.stage === stage && (stage !== 'awaiting_approval' || status.approvalUuid)) return status;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  await worker.runUntil(async () => {
    await scenario('enabled', async (handle) => {
      const s = await untilStage(handle, 'awaiting_device');
      await control(`/users/${s.authyId}/install`);
      await handle.signal(deviceRegisteredSignal, { eventId: randomUUID(), authyId: s.authyId! });
      const a = await untilStage(handle, 'awaiting_approval');
      await handle.signal(approvalRespondedSignal, {
        eventId: randomUUID(),
        approvalUuid: a.approvalUuid!,
        status: 'approved',
      });
    });
    await scenario('denied', async (handle) => {
      const s = await untilStage(handle, 'awaiting_device');
      await control(`/users/${s.authyId}/install`);
      const a = await untilStage(handle, 'awaiting_approval');
      await control(`/approval_requests/${a.approvalUuid}/respond`, { status: 'denied' });
    });
    await scenario('expired', () => Promise.resolve());
    await scenario(
      'approval-expired',
      async (handle) => {
        const s = await untilStage(handle, 'awaiting_device');
        await control(`/users/${s.authyId}/install`);
      },
      String(phone++),
      { approvalExpiryMs: 1_000, approvalStatusPollIntervalMs: 300 },
    );
    await scenario('cancelled', async (handle) => {
      await untilStage(handle, 'awaiting_device');
      await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'recorded history' }] });
    });
    await scenario('failed', () => Promise.resolve(), '1234567890123456'); // Authy answers 60027
  });
  await nativeConnection.close();
  await client.connection.close();
  await pool.end();
  await listener.close();
  await emulator.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
