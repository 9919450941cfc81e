import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startOnboarding } from '../../src/client/onboarding';
import type { StartedOnboarding } from '../../src/client/onboarding';
import type { OnboardingStatus } from '../../src/shared/onboarding';
import { approvalRespondedSignal, cancelSignal, statusQuery } from '../../src/workflows/onboarding/messages';
import { createTestPool } from '../harness/database';
import { startEmulator } from '../harness/emulator';
import type { EmulatorHarness } from '../harness/emulator';
import { FAST_TIMING, uniquePhone } from '../harness/onboarding';
import { connectTemporal } from '../harness/temporal';
import type { TemporalHarness } from '../harness/temporal';
import { waitFor } from '../harness/wait-for';

const repoRoot = path.resolve(__dirname, '..', '..');
const COHORT = 50;

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** Runs `twofold worker` as a separate process, so it can be killed with SIGKILL mid-flight. */
function spawnWorker(taskQueue: string, authyUrl: string): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot, 'bin/twofold.js'), 'worker'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TEMPORAL_TASK_QUEUE: taskQueue,
      AUTHY_API_URL: authyUrl,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('onboardUser durability', () => {
  let temporal: TemporalHarness;
  let emulator: EmulatorHarness;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    temporal = await connectTemporal();
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await Promise.all(workers.map(killed));
    await emulator.close();
    await temporal.close();
  });

  it(`when the worker is SIGKILLed with ${COHORT} onboardings mid-flight, then a new worker finishes every one in the right stage`, async () => {
    const taskQueue = temporal.uniqueTaskQueue('durability');
    workers.push(spawnWorker(taskQueue, emulator.url));
    const timing = { ...FAST_TIMING, deviceStatusPollIntervalMs: 300, approvalStatusPollIntervalMs: 60_000 };
    const cohort: StartedOnboarding[] = [];
    for (let i = 0; i < COHORT; i += 1) {
      cohort.push(
        await startOnboarding(
          temporal.client,
          {
            userId: `durable-${randomUUID()}`,
            email: `d${i}@example.com`,
            countryCode: '1',
            cellphone: uniquePhone(),
            timing,
          },
          { taskQueue },
        ),
      );
    }
    const statuses = () => Promise.all(cohort.map((o) => o.handle.query(statusQuery)));
    const waiting = await waitFor(statuses, (all) => all.every((s) => s.stage === 'awaiting_device'), {
      timeoutMs: 60_000,
      what: 'the cohort to await the device',
    });

    // Plan: the first 40 install (30 approve, 10 deny); the last 10 never install and are cancelled.
    const installers = waiting.slice(0, 40);
    for (const s of installers) await emulator.control('POST', `/users/${s.authyId}/install`);
    // Kill while the cohort is moving: some have their approval request, some are polling or creating it.
    await waitFor(statuses, (all) => all.filter((s) => s.stage === 'awaiting_approval').length >= 10, {
      timeoutMs: 60_000,
      what: 'some approvals to be in flight',
    });
    await killed(workers[0]!);
    workers.push(spawnWorker(taskQueue, emulator.url));

    const approving = await waitFor(
      statuses,
      (all) => all.slice(0, 40).every((s) => s.stage === 'awaiting_approval' && s.approvalUuid !== undefined),
      { timeoutMs: 60_000, what: 'every installer to have an approval request' },
    );
    const log = await emulator.control<{ requests: LoggedRequest[] }>('GET', '/requests');
    const creates = new Map<string, string[]>();
    for (const r of log.requests.filter(
      (q) => q.method === 'POST' && q.path.includes('/approval_requests'),
    )) {
      const authyId = /users\/([^/]+)\/approval_requests/.exec(r.path)?.[1] ?? '';
      creates.set(authyId, [...(creates.get(authyId) ?? []), r.path]);
    }
    // Authy has no idempotency keys: only a create in flight at the kill may repeat, so at most once per user.
    for (const s of approving.slice(0, 40))
      expect(creates.get(s.authyId!)?.length ?? 0).toBeGreaterThanOrEqual(1);
    for (const s of approving.slice(0, 40)) expect(creates.get(s.authyId!)!.length).toBeLessThanOrEqual(2);

    const expected = new Map<string, OnboardingStatus['stage']>();
    for (const [index, status] of approving.entries()) {
      const onboarding = cohort[index]!;
      if (index < 40) {
        const answer = index < 30 ? 'approved' : 'denied';
        await emulator.control('POST', `/approval_requests/${status.approvalUuid}/respond`, {
          status: answer,
        });
        await onboarding.handle.signal(approvalRespondedSignal, {
          eventId: randomUUID(),
          approvalUuid: status.approvalUuid!,
          status: answer,
        });
        expected.set(onboarding.workflowId, answer === 'approved' ? 'enabled' : 'denied');
      } else {
        await onboarding.handle.signal(cancelSignal, { eventId: randomUUID(), reason: 'never installed' });
        expected.set(onboarding.workflowId, 'cancelled');
      }
    }
    const finals = await Promise.all(cohort.map((o) => o.handle.result()));
    expect(new Map(cohort.map((o, i) => [o.workflowId, finals[i]!.stage]))).toEqual(expected);

    const pool = createTestPool();
    try {
      const { rows } = await pool.query<{ workflow_id: string; stage: string }>(
        'select workflow_id, stage from onboardings where workflow_id = any($1)',
        [cohort.map((o) => o.workflowId)],
      );
      expect(new Map(rows.map((r) => [r.workflow_id, r.stage]))).toEqual(expected);
    } finally {
      await pool.end();
    }
  }, 240_000);
});
