// Records one real Verify onboardUser history per path into test/onboarding/histories/ as
// `<path>.verify.json`, for the replay tests (docs/verify.md, "Durability"). Run against the local
// stack (`make up`, or the test stack: Temporal 127.0.0.1:7233, PostgreSQL 55432) after a deliberate
// change of the Verify half of the workflow:
//   npx tsx test/onboarding/record-verify-histories.ts
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import { createAuthyEmulator } from '../../src/authy-emulator';
import { createAuthyHttp } from '../../src/authy/http';
import { loadConfig } from '../../src/config';
import { createPool } from '../../src/db/pool';
import { startOnboarding } from '../../src/client/onboarding';
import { DEV_AUTHY_API_KEY, DEV_TWILIO_ACCOUNT_SID, DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import type { OnboardingStatus, OnboardingTiming } from '../../src/shared/onboarding';
import { connectClient, connectWorkerConnection } from '../../src/temporal/connection';
import { createVerifyClient } from '../../src/verify/client';
import { createVerifyHttp } from '../../src/verify/http';
import { verifyIdentity } from '../../src/verify/identity';
import { createVerifyProvider } from '../../src/verify/provider';
import {
  approvalRespondedSignal,
  factorVerifiedSignal,
  getEnrollmentUpdate,
  statusQuery,
  submitTotpCodeUpdate,
} from '../../src/workflows/onboarding/messages';
import { createWorker } from '../../src/worker';

const timing: OnboardingTiming = {
  installReminderIntervalMs: 500,
  maxInstallReminders: 1,
  installGiveUpAfterMs: 500,
  deviceStatusPollIntervalMs: 300,
  approvalExpiryMs: 1_000,
  maxApprovalAttempts: 2,
  approvalStatusPollIntervalMs: 300,
};
/** Long waits for paths driven by messages, so their histories hold no poll. */
const patient: Partial<OnboardingTiming> = {
  installReminderIntervalMs: 60_000,
  deviceStatusPollIntervalMs: 60_000,
  approvalExpiryMs: 60_000,
  approvalStatusPollIntervalMs: 60_000,
};

async function main(): Promise<void> {
  const config = loadConfig();
  const emulator = createAuthyEmulator();
  const { url, close } = await emulator.listen(0);
  const verify = createVerifyClient(
    createVerifyHttp({
      baseUrl: url,
      credentials: { username: DEV_TWILIO_ACCOUNT_SID, password: DEV_TWILIO_AUTH_TOKEN },
    }),
  );
  const serviceSid = (await verify.createService({ friendlyName: 'twofold histories' })).sid;
  const pool = createPool(config.databaseUrl);
  const client = await connectClient(config.temporal);
  const connection = await connectWorkerConnection(config.temporal);
  const taskQueue = `record-verify-histories-${randomUUID()}`;
  const { namespace, payloadKeys } = config.temporal;
  // A worker holding both providers, Verify's default factor TOTP.
  const authyHttp = createAuthyHttp({ baseUrl: url, apiKey: DEV_AUTHY_API_KEY });
  const verifyProvider = createVerifyProvider(verify, { serviceSid });
  const deps = { pool, authyHttp, verify: verifyProvider, verifyFactorType: 'totp' as const };
  const worker = await createWorker({ connection, namespace, taskQueue, payloadKeys, deps });
  const control = async <T>(method: 'GET' | 'POST', p: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/_emulator/verify/services/${serviceSid}${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`emulator ${p}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const until = async (handle: WorkflowHandle, accept: (s: OnboardingStatus) => boolean) => {
    for (;;) {
      const status = await handle.query(statusQuery);
      if (accept(status)) return status;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const scenario = async (
    name: string,
    factorType: 'totp' | 'push',
    overrides: Partial<OnboardingTiming>,
    drive: (handle: WorkflowHandle, identity: string) => Promise<void>,
  ) => {
    const userId = `history-${name}-${randomUUID()}`;
    const started = await startOnboarding(
      client,
      {
        userId,
        email: 'history@example.com',
        countryCode: '1',
        cellphone: '5550100000',
        factorType,
        timing: { ...timing, ...overrides },
      },
      { taskQueue, provider: 'verify' },
    );
    await drive(started.handle, verifyIdentity(userId));
    const final = await started.handle.result();
    const history = await started.handle.fetchHistory();
    const file = path.join(__dirname, 'histories', `${name}.verify.json`);
    await writeFile(file, historyToJSON(history));
    console.log(`recorded ${name} → ${final.stage} (${history.events?.length ?? 0} events) → ${file}`);
  };
  const enrolPush = async (handle: WorkflowHandle, identity: string) => {
    await until(handle, (s) => s.stage === 'awaiting_device');
    const enrollment = await handle.executeUpdate(getEnrollmentUpdate, { args: [] });
    if (enrollment.factorType !== 'push') throw new Error('expected a push enrollment');
    const { factorSid } = await control<{ factorSid: string }>('POST', `/entities/${identity}/push-enroll`, {
      accessToken: enrollment.accessToken,
    });
    return factorSid;
  };

  await worker.runUntil(async () => {
    await scenario('totp-enabled', 'totp', patient, async (handle, identity) => {
      const waiting = await until(handle, (s) => s.stage === 'awaiting_device');
      await handle.executeUpdate(getEnrollmentUpdate, { args: [] });
      const { code } = await control<{ code: string }>(
        'GET',
        `/entities/${identity}/factors/${waiting.factorSid!}/code`,
      );
      const wrong = String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');
      await handle.executeUpdate(submitTotpCodeUpdate, { args: [{ code: wrong }] });
      await handle.executeUpdate(submitTotpCodeUpdate, { args: [{ code }] });
    });
    await scenario('totp-expired', 'totp', {}, () => Promise.resolve());
    await scenario('push-enabled', 'push', patient, async (handle, identity) => {
      const factorSid = await enrolPush(handle, identity);
      await handle.signal(factorVerifiedSignal, {
        eventId: randomUUID(),
        identity,
        factorSid,
        factorType: 'push',
      });
      const approving = await until(handle, (s) => s.challengeSid !== undefined);
      await control('POST', `/entities/${identity}/challenges/${approving.challengeSid!}/respond`, {
        status: 'approved',
      });
      await handle.signal(approvalRespondedSignal, {
        eventId: randomUUID(),
        approvalUuid: approving.challengeSid!,
        status: 'approved',
      });
    });
    // The polls find the factor and the denial (no signals).
    await scenario('push-denied', 'push', { approvalExpiryMs: 60_000 }, async (handle, identity) => {
      await enrolPush(handle, identity);
      const approving = await until(handle, (s) => s.challengeSid !== undefined);
      await control('POST', `/entities/${identity}/challenges/${approving.challengeSid!}/respond`, {
        status: 'denied',
      });
    });
    await scenario(
      'push-expired',
      'push',
      { deviceStatusPollIntervalMs: 60_000 },
      async (handle, identity) => {
        const factorSid = await enrolPush(handle, identity);
        await handle.signal(factorVerifiedSignal, { eventId: randomUUID(), identity, factorSid });
      },
    );
  });
  await close();
  await emulator.close();
  await pool.end();
  await client.connection.close();
  await connection.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
