// Workflow bundle for the onboarding benchmark: the real onboardUser, plus a baseline with the same
// number of activities and signals and no logic, so the ratio shows what onboarding itself costs.
import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createBaselineActivities } from './baseline-activities';

export { onboardUser } from '../../src/workflows/onboarding/onboard-user';

/** The baseline's two signals, mirroring deviceRegistered and approvalResponded. */
export const baselineStepSignal = defineSignal<[{ step: number }]>('baselineStep');
export const baselineStageQuery = defineQuery<string>('status');

const { noop } = proxyActivities<ReturnType<typeof createBaselineActivities>>({
  startToCloseTimeout: '30 seconds',
});

/** Seven activities and two signals, like an onboarding that goes registering → enabled. */
export async function baselineOnboarding(): Promise<string> {
  let steps = 0;
  let stage = 'registering';
  setHandler(baselineStepSignal, () => {
    steps += 1;
  });
  setHandler(baselineStageQuery, () => stage);
  await noop();
  await noop();
  await noop();
  await noop();
  stage = 'awaiting_approval';
  await noop();
  await noop();
  await condition(() => steps >= 2);
  await noop();
  stage = 'enabled';
  return stage;
}
