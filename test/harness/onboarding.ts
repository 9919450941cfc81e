import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { createAuthyHttp } from '../../src/authy/http';
import type { DbPool } from '../../src/db/pool';
import { startOnboarding } from '../../src/client/onboarding';
import type { StartedOnboarding } from '../../src/client/onboarding';
import type { ProviderName } from '../../src/second-factor/provider';
import type {
  OnboardUserInput,
  OnboardingStage,
  OnboardingStatus,
  OnboardingTiming,
} from '../../src/shared/onboarding';
import { approvalRespondedSignal, statusQuery } from '../../src/workflows/onboarding/messages';
import { createTestPool } from './database';
import { startEmulator } from './emulator';
import type { EmulatorHarness } from './emulator';
import { connectTemporal } from './temporal';
import type { TemporalHarness } from './temporal';
import { waitFor } from './wait-for';

/** Timings short enough for tests: seconds instead of days. Polls are slow so signals are what move runs. */
export const FAST_TIMING: OnboardingTiming = {
  installReminderIntervalMs: 60_000,
  maxInstallReminders: 2,
  installGiveUpAfterMs: 60_000,
  deviceStatusPollIntervalMs: 60_000,
  approvalExpiryMs: 60_000,
  maxApprovalAttempts: 2,
  approvalStatusPollIntervalMs: 60_000,
};

let phoneCounter = 0;
/** A cellphone no other test uses (the emulator keys users by phone). */
export function uniquePhone(): string {
  phoneCounter += 1;
  const n = (Date.now() % 1_000_000) * 1000 + ((process.pid * 7 + phoneCounter) % 1000);
  return `555${String(n).padStart(9, '0').slice(-7)}`;
}

/** What a test may change of a fresh user's onboarding input; `timing` is merged into FAST_TIMING. */
export type OnboardingOverrides = Partial<OnboardUserInput> & { timing?: Partial<OnboardingTiming> };

/**
 * The onboarding input of a fresh user: user id `<prefix>-<uuid>`, an email and a phone no other
 * test uses, FAST_TIMING merged with `overrides.timing`.
 */
export function freshOnboardingInput(prefix = 'user', overrides: OnboardingOverrides = {}): OnboardUserInput {
  return {
    userId: `${prefix}-${randomUUID()}`,
    email: `person-${randomUUID().slice(0, 8)}@example.com`,
    countryCode: '1',
    cellphone: uniquePhone(),
    ...overrides,
    timing: { ...FAST_TIMING, ...overrides.timing },
  };
}

/**
 * The person answers push `approvalUuid` in the emulator, and the answer reaches the run as the
 * gateway signals it (approvalResponded, docs/onboarding.md#messages).
 */
export async function answerPush(
  emulator: EmulatorHarness,
  handle: StartedOnboarding['handle'],
  approvalUuid: string,
  status: 'approved' | 'denied',
): Promise<void> {
  await emulator.control('POST', `/approval_requests/${approvalUuid}/respond`, { status });
  await handle.signal(approvalRespondedSignal, { eventId: randomUUID(), approvalUuid, status });
}

/** Real Temporal + PostgreSQL + an in-process emulator + a worker on a unique task queue. */
export interface OnboardingHarness {
  temporal: TemporalHarness;
  emulator: EmulatorHarness;
  pool: DbPool;
  worker: Worker;
  taskQueue: string;
  /** Shuts the worker down and waits for it (for tests of a task queue nobody polls any more). */
  stopWorker(): Promise<void>;
  /** Starts an onboarding for a fresh user with FAST_TIMING merged with `timing`. */
  start(overrides?: OnboardingOverrides): Promise<StartedOnboarding & { input: OnboardUserInput }>;
  /** Polls the status query until the run awaits an answer to an approval request it has sent. */
  waitForApprovalRequest(
    started: Pick<StartedOnboarding, 'handle' | 'workflowId'>,
    timeoutMs?: number,
  ): Promise<OnboardingStatus & { approvalUuid: string }>;
  /** Polls the status query until the stage is `stage`. */
  waitForStage(
    started: Pick<StartedOnboarding, 'handle' | 'workflowId'>,
    stage: OnboardingStage,
    timeoutMs?: number,
  ): Promise<OnboardingStatus>;
  /** Stops the worker unless a test did, and closes the rest. */
  close(): Promise<void>;
}

/** The parts an {@link OnboardingHarness} runs on; the worker is created but not yet running. */
export interface OnboardingHarnessParts {
  temporal: TemporalHarness;
  emulator: EmulatorHarness;
  pool: DbPool;
  worker: Worker;
  taskQueue: string;
}

/**
 * Runs `parts.worker` and returns the harness around it: the one place both onboarding harnesses
 * (this file's and test/verify/harness.ts) start runs, poll them and close what they hold.
 */
export function runOnboardingHarness(
  parts: OnboardingHarnessParts,
  options: {
    /** The provider of inputs that name none (default Authy). */
    provider?: ProviderName;
    /** How long waitForStage waits by default. */
    stageTimeoutMs: number;
    /** Whether close() ends the pool (false when the caller lent it). */
    ownsPool: boolean;
  },
): OnboardingHarness {
  const { temporal, emulator, pool, worker, taskQueue } = parts;
  let running: Promise<void> | undefined = worker.run();
  const stopWorker = async () => {
    if (!running) return;
    const stopping = running;
    running = undefined;
    worker.shutdown();
    await stopping;
  };
  const startOptions = { taskQueue, ...(options.provider ? { provider: options.provider } : {}) };
  return {
    ...parts,
    async start(overrides = {}) {
      const input = freshOnboardingInput('user', overrides);
      const started = await startOnboarding(temporal.client, input, startOptions);
      return { ...started, input };
    },
    waitForStage(started, stage, timeoutMs = options.stageTimeoutMs) {
      return waitFor(
        () => started.handle.query(statusQuery),
        (status) => status.stage === stage,
        { timeoutMs, what: `${started.workflowId} to reach ${stage}` },
      );
    },
    async waitForApprovalRequest(started, timeoutMs = 20_000) {
      const status = await waitFor(
        () => started.handle.query(statusQuery),
        (s) => s.stage === 'awaiting_approval' && s.approvalUuid !== undefined,
        { timeoutMs, what: `${started.workflowId} to send an approval request` },
      );
      return { ...status, approvalUuid: status.approvalUuid! };
    },
    stopWorker,
    async close() {
      await stopWorker();
      await emulator.close();
      if (options.ownsPool) await pool.end();
      await temporal.close();
    },
  };
}

/** An {@link OnboardingHarness} on the shared test database; its task queue starts with `taskQueuePrefix`. */
export async function createOnboardingHarness(
  options: { taskQueuePrefix?: string } = {},
): Promise<OnboardingHarness> {
  const temporal = await connectTemporal();
  const emulator = await startEmulator();
  const pool = createTestPool();
  const taskQueue = temporal.uniqueTaskQueue(options.taskQueuePrefix ?? 'onboarding');
  const authyHttp = createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey, timeoutMs: 5_000 });
  const worker = await temporal.createWorker(taskQueue, { pool, authyHttp });
  return runOnboardingHarness(
    { temporal, emulator, pool, worker, taskQueue },
    { stageTimeoutMs: 20_000, ownsPool: true },
  );
}
