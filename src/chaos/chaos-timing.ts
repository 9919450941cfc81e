import type { OnboardingTiming } from '../shared/onboarding';

/**
 * Onboarding timings of the chaos cohort: seconds, like the simulation's, with status polls every
 * 5 s (the safety net for callbacks lost with a killed emulator or gateway). A push stays open 45 s:
 * simulated people learn of a push through the onboarding's status query, which fails while the
 * worker or Temporal is down, so during the kills they look every 10–20 s instead of every second;
 * with 20 s, a person who approves or denies sometimes answered both pushes too late (measured: 2 of
 * 3 runs). People who never install stay in `awaiting_device` for half an hour.
 */
export const CHAOS_TIMING: OnboardingTiming = {
  installReminderIntervalMs: 8_000,
  maxInstallReminders: 2,
  installGiveUpAfterMs: 30 * 60_000,
  deviceStatusPollIntervalMs: 5_000,
  approvalExpiryMs: 45_000,
  maxApprovalAttempts: 2,
  approvalStatusPollIntervalMs: 5_000,
};
