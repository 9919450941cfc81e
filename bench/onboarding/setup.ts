// What the onboarding benchmarks (onboarding.bench.ts, waiting-onboardings.bench.ts) share: the
// stack they run against and how they start an onboarding that waits without timers firing.
import type { Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createAuthyEmulator } from '../../src/authy-emulator';
import { loadConfig } from '../../src/config';
import type { Config } from '../../src/config';
import { createPool } from '../../src/db/pool';
import type { DbPool } from '../../src/db/pool';
import { onboardingWorkflowId, withResolvedTiming } from '../../src/shared/onboarding';
import { connectClientConnection } from '../../src/temporal/connection';
import { ensureBenchNamespace } from '../support';

/** The Temporal namespace of the benchmarks: their runs never show in the default namespace's lists. */
export const BENCH_NAMESPACE = 'twofold-bench';

/** Onboarding timings under which no reminder, status poll or approval expiry fires during a benchmark. */
export const SLOW_TIMING = {
  installReminderIntervalMs: 7 * 24 * 3600_000,
  deviceStatusPollIntervalMs: 24 * 3600_000,
  approvalStatusPollIntervalMs: 24 * 3600_000,
  approvalExpiryMs: 24 * 3600_000,
};

/** How a benchmark starts one person's `onboardUser` run on `taskQueue` ({@link SLOW_TIMING}). */
export function onboardingStart(taskQueue: string, userId: string, cellphone: string) {
  return {
    workflowId: onboardingWorkflowId(userId),
    taskQueue,
    args: [
      withResolvedTiming({
        userId,
        email: 'bench@example.com',
        countryCode: '1',
        cellphone,
        timing: SLOW_TIMING,
      }),
    ],
  };
}

/** What an onboarding benchmark runs against; `close()` closes what it opened. */
export interface OnboardingBenchStack {
  config: Config;
  /** An in-process Authy emulator of the benchmark's own. */
  authyUrl: string;
  pool: DbPool;
  connection: Connection;
  close(): Promise<void>;
}

/**
 * Opens the shared stack's PostgreSQL and Temporal (the {@link BENCH_NAMESPACE}, made if missing)
 * and starts an Authy emulator with `seed`; the SDK logs warnings only.
 */
export async function openOnboardingBench(options: {
  seed: number;
  poolMax: number;
}): Promise<OnboardingBenchStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  await ensureBenchNamespace(config.temporal.address, BENCH_NAMESPACE);
  const emulator = createAuthyEmulator({ seed: options.seed });
  const { url: authyUrl } = await emulator.listen(0);
  const pool = createPool(config.databaseUrl, { max: options.poolMax });
  const connection = await connectClientConnection(config.temporal);
  return {
    config,
    authyUrl,
    pool,
    connection,
    async close() {
      await connection.close();
      await pool.end();
      await emulator.close();
    },
  };
}
