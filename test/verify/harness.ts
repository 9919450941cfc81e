import type { AuthyEmulatorOptions } from '../../src/authy-emulator';
import { createAuthyHttp } from '../../src/authy/http';
import type { DbPool } from '../../src/db/pool';
import type { VerifyFactorType } from '../../src/second-factor/provider';
import { DEV_TWILIO_ACCOUNT_SID, DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import { createVerifyClient } from '../../src/verify/client';
import type { VerifyClient } from '../../src/verify/client';
import { createVerifyHttp } from '../../src/verify/http';
import { createVerifyProvider } from '../../src/verify/provider';
import { createTestPool } from '../harness/database';
import { startEmulator } from '../harness/emulator';
import { runOnboardingHarness } from '../harness/onboarding';
import type { OnboardingHarness } from '../harness/onboarding';
import { connectTemporal } from '../harness/temporal';

/**
 * The Verify variant of test/harness/onboarding.ts: real Temporal + PostgreSQL, the in-process
 * emulator (Authy and Verify v2), one Verify Service in it, and a worker on a unique task queue
 * holding both providers (Authy by default, Verify for inputs that name it).
 */
export interface VerifyOnboardingHarness extends OnboardingHarness {
  verify: VerifyClient;
  serviceSid: string;
  /** What the person's TOTP app shows now for the factor. */
  totpCode(identity: string, factorSid: string): Promise<string>;
  /** The person's phone enrols a push factor with the token (→ `factor.created`, `factor.verified`). */
  enrolPush(identity: string, accessToken: string): Promise<string>;
  /** The person's phone answers a push challenge (→ `challenge.approved|denied`). */
  answer(identity: string, challengeSid: string, status: 'approved' | 'denied'): Promise<void>;
}

/**
 * Builds a {@link VerifyOnboardingHarness}: its `start` starts a Verify onboarding (TOTP unless
 * `factorType` says push, or `defaultFactorType` another) for inputs that name no provider.
 */
export async function createVerifyOnboardingHarness(
  options: {
    defaultFactorType?: VerifyFactorType;
    /** The database the worker records into (default the shared test database); the caller closes it. */
    pool?: DbPool;
    /** Options of the in-process emulator (e.g. where OneTouch callbacks go). */
    emulator?: AuthyEmulatorOptions;
  } = {},
): Promise<VerifyOnboardingHarness> {
  const temporal = await connectTemporal();
  const emulator = await startEmulator(options.emulator);
  const pool = options.pool ?? createTestPool();
  const taskQueue = temporal.uniqueTaskQueue('verify-onboarding');
  const verify = createVerifyClient(
    createVerifyHttp({
      baseUrl: emulator.url,
      credentials: { username: DEV_TWILIO_ACCOUNT_SID, password: DEV_TWILIO_AUTH_TOKEN },
      timeoutMs: 5_000,
    }),
  );
  const serviceSid = (await verify.createService({ friendlyName: 'twofold tests' })).sid;
  const worker = await temporal.createWorker(taskQueue, {
    pool,
    authyHttp: createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey, timeoutMs: 5_000 }),
    verify: createVerifyProvider(verify, { serviceSid }),
    verifyFactorType: options.defaultFactorType ?? 'totp',
  });
  const harness = runOnboardingHarness(
    { temporal, emulator, pool, worker, taskQueue },
    { provider: 'verify', stageTimeoutMs: 30_000, ownsPool: !options.pool },
  );
  const entity = (identity: string) => `/verify/services/${serviceSid}/entities/${identity}`;
  return {
    ...harness,
    verify,
    serviceSid,
    async totpCode(identity, factorSid) {
      const { code } = await emulator.control<{ code: string }>(
        'GET',
        `${entity(identity)}/factors/${factorSid}/code`,
      );
      return code;
    },
    async enrolPush(identity, accessToken) {
      const { factorSid } = await emulator.control<{ factorSid: string }>(
        'POST',
        `${entity(identity)}/push-enroll`,
        {
          accessToken,
        },
      );
      return factorSid;
    },
    async answer(identity, challengeSid, status) {
      await emulator.control('POST', `${entity(identity)}/challenges/${challengeSid}/respond`, { status });
    },
  };
}
