import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { InvalidOnboardingInputError, startOnboarding } from '../../src/client/onboarding';
import { onboardingWorkflowId } from '../../src/shared/onboarding';
import type { OnboardUserInput } from '../../src/shared/onboarding';
import { createOnboardingHarness, FAST_TIMING, uniquePhone } from '../harness/onboarding';
import { useForAll } from '../harness/lifecycle';

describe('onboarding timing limits', () => {
  describe('against real Temporal', () => {
    const h = useForAll(createOnboardingHarness);

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
