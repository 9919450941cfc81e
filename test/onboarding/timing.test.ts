import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { InvalidOnboardingInputError, startOnboarding } from '../../src/onboarding/client';
import {
  DEFAULT_ONBOARDING_TIMING,
  MAX_STATUS_POLLS,
  onboardingWorkflowId,
  timingProblem,
} from '../../src/shared/onboarding';
import type { OnboardUserInput } from '../../src/shared/onboarding';
import { SIMULATION_TIMING } from '../../src/simulation/timing';
import { createOnboardingHarness, FAST_TIMING, uniquePhone } from '../harness/onboarding';
import type { OnboardingHarness } from '../harness/onboarding';

describe('onboarding timing limits', () => {
  it("when the timings are the defaults, the simulation or the tests' fast ones, then they are accepted", () => {
    expect(timingProblem()).toBeUndefined();
    expect(timingProblem(DEFAULT_ONBOARDING_TIMING)).toBeUndefined();
    expect(timingProblem(SIMULATION_TIMING)).toBeUndefined();
    expect(timingProblem({ ...FAST_TIMING, deviceStatusPollIntervalMs: 200 })).toBeUndefined();
  });

  it('when a duration is zero, negative or not a number, or a count is fractional, then the field is named', () => {
    expect(timingProblem({ deviceStatusPollIntervalMs: 0 })).toMatch(
      /deviceStatusPollIntervalMs must be a positive/,
    );
    expect(timingProblem({ approvalExpiryMs: -5 })).toMatch(/approvalExpiryMs must be a positive/);
    expect(timingProblem({ installGiveUpAfterMs: Number.NaN })).toMatch(/installGiveUpAfterMs/);
    expect(timingProblem({ maxInstallReminders: 1.5 })).toMatch(/maxInstallReminders must be a whole number/);
    expect(timingProblem({ maxApprovalAttempts: 0 })).toMatch(
      /maxApprovalAttempts must be a whole number of at least 1/,
    );
    expect(timingProblem({ pollEvery: 5 } as never)).toMatch(/timing.pollEvery is not a timing setting/);
  });

  it('when the timings would allow more status polls than the limit, then they are refused with the count', () => {
    // The default install wait is 4 days (3 daily reminders, then a day): 345,600 polls a second
    // apart, plus 3 approval requests × 10 polls.
    expect(timingProblem({ deviceStatusPollIntervalMs: 1_000 })).toMatch(
      new RegExp(`up to 345630 status polls .*at most ${MAX_STATUS_POLLS}`),
    );
    // Approval: attempts × (expiry / poll interval).
    expect(
      timingProblem({
        maxApprovalAttempts: 100,
        approvalExpiryMs: 600_000,
        approvalStatusPollIntervalMs: 1_000,
      }),
    ).toMatch(/status polls/);
  });

  describe('against real Temporal', () => {
    let h: OnboardingHarness;
    beforeAll(async () => {
      h = await createOnboardingHarness();
    });
    afterAll(async () => {
      await h?.close();
    });

    const input = (timing: OnboardUserInput['timing']): OnboardUserInput => ({
      userId: `user-${randomUUID()}`,
      email: `person-${randomUUID().slice(0, 8)}@example.com`,
      countryCode: '1',
      cellphone: uniquePhone(),
      timing,
    });

    it('when startOnboarding gets unusable timings, then it refuses before any workflow starts', async () => {
      const bad = input({ deviceStatusPollIntervalMs: 1_000 });
      await expect(startOnboarding(h.temporal.client, bad, { taskQueue: h.taskQueue })).rejects.toThrow(
        InvalidOnboardingInputError,
      );
      await expect(
        h.temporal.client.workflow.getHandle(onboardingWorkflowId(bad.userId)).describe(),
      ).rejects.toThrow(WorkflowNotFoundError);
    });

    it('when another client starts onboardUser with unusable timings, then the run fails with the reason before calling Authy', async () => {
      const bad = input({ ...FAST_TIMING, approvalStatusPollIntervalMs: 1 });
      const handle = await h.temporal.client.workflow.start('onboardUser', {
        workflowId: onboardingWorkflowId(bad.userId),
        taskQueue: h.taskQueue,
        args: [bad],
      });
      const result = (await handle.result()) as { stage: string; reason?: string; authyId?: string };
      expect(result.stage).toBe('failed');
      expect(result.reason).toMatch(/status polls/);
      expect(result.authyId).toBeUndefined();
    });
  });
});
