import type { OnboardingTiming } from '../shared/onboarding';

/**
 * Onboarding timings of a simulated cohort: days become seconds so a minute shows install-link
 * reminders and expired approval requests, while the final wait for an install lasts an hour, so
 * people who never install stay in `awaiting_device` — stuck — long enough to find them in the Web UI.
 * Status polls are the safety net for lost callbacks; slow here so the gateway's signals are what
 * move runs.
 */
export const SIMULATION_TIMING: OnboardingTiming = {
  installReminderIntervalMs: 6_000,
  maxInstallReminders: 2,
  installGiveUpAfterMs: 60 * 60_000,
  deviceStatusPollIntervalMs: 15_000,
  approvalExpiryMs: 15_000,
  maxApprovalAttempts: 2,
  approvalStatusPollIntervalMs: 15_000,
};
