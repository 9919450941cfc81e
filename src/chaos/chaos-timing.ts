import type { OnboardingTiming } from '../shared/onboarding';

/**
 * Onboarding timings of the chaos cohort: seconds, like the simulation's, with status polls every
 * 5 s (the safety net for callbacks lost with a killed emulator or gateway) and push approvals that
 * stay open 20 s, so a person who could not look at their phone during an outage still gets to
 * answer the second push. People who never install stay in `awaiting_device` for half an hour.
 */
export const CHAOS_TIMING: OnboardingTiming = {
  installReminderIntervalMs: 8_000,
  maxInstallReminders: 2,
  installGiveUpAfterMs: 30 * 60_000,
  deviceStatusPollIntervalMs: 5_000,
  approvalExpiryMs: 20_000,
  maxApprovalAttempts: 2,
  approvalStatusPollIntervalMs: 5_000,
};
