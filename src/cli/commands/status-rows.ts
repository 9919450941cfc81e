import type { OnboardingStatus } from '../../shared/onboarding';

/** One labelled line of a human-readable status; undefined values are left out. */
export type StatusRow = [label: string, value: string | number | undefined];

/** The lines every status print shows, in order: `onboarding status` and `onboarding cancel`. */
export function statusRows(status: Partial<OnboardingStatus>): StatusRow[] {
  return [
    ['user', status.userId],
    ['stage', status.stage],
    ['since', status.stageEnteredAt],
    ['provider', status.provider],
    ['authy id', status.authyId],
    ['approval', status.approvalUuid],
    ['factor', status.factorSid],
    ['challenge', status.challengeSid],
    ['reminders sent', status.remindersSent],
    ['approval requests', status.approvalAttempts],
    ['reason', status.reason],
  ];
}

/** Prints the rows that have a value, labels aligned. */
export function printStatusRows(rows: readonly StatusRow[]): void {
  for (const [label, value] of rows) if (value !== undefined) console.log(`${label.padEnd(18)} ${value}`);
}
