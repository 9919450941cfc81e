import { FINAL_STAGES } from '../shared/onboarding';
import type { OnboardingStatus, OnboardingTiming } from '../shared/onboarding';
import type { PersonPlan } from './personas';

/** What a simulated person remembers between looks at their phone. Times are epoch ms. */
export interface PersonMemory {
  /** When the person first saw the install link (their onboarding in `awaiting_device`). */
  linkSeenAt?: number;
  /** When the person first saw a reminder. */
  reminderSeenAt?: number;
  installed: boolean;
  phoneChanged: boolean;
  /** Approval requests (uuids) seen, with when they were first seen. */
  pushesSeenAt: Map<string, number>;
  /** Approval requests answered (or found no longer pending). */
  answered: Set<string>;
}

/** One thing a person does with the emulator. */
export type PersonAction =
  | { kind: 'install'; authyId: string }
  | { kind: 'change-phone'; authyId: string }
  | { kind: 'respond'; approvalUuid: string; status: 'approved' | 'denied' };

/** A 10-digit US-style number unique to this run and person (the emulator keys users by phone). */
export function phoneOf(runId: string, index: number, area: string): string {
  let hash = 0;
  for (const ch of runId) hash = (hash * 31 + ch.charCodeAt(0)) % 10_000_000;
  return `${area}${String((hash + index) % 10_000_000).padStart(7, '0')}`;
}

/** A person who has not seen anything yet. */
export function freshMemory(): PersonMemory {
  return { installed: false, phoneChanged: false, pushesSeenAt: new Map(), answered: new Set() };
}

/** Updates what the person has seen from their onboarding's current status. */
export function observe(memory: PersonMemory, status: OnboardingStatus, now: number): void {
  if (status.stage === 'awaiting_device') {
    memory.linkSeenAt ??= now;
    if (status.remindersSent > 0) memory.reminderSeenAt ??= now;
  }
  if (
    status.stage === 'awaiting_approval' &&
    status.approvalUuid &&
    !memory.pushesSeenAt.has(status.approvalUuid)
  ) {
    memory.pushesSeenAt.set(status.approvalUuid, now);
  }
}

/**
 * The next action a person takes given their plan, memory and onboarding status, or undefined when
 * they do nothing now. Pure: the simulation calls it on every look and performs what it returns.
 */
export function nextAction(
  plan: PersonPlan,
  memory: PersonMemory,
  status: OnboardingStatus,
  now: number,
): PersonAction | undefined {
  const { persona } = plan;
  if (status.stage === 'awaiting_device' && status.authyId && memory.linkSeenAt !== undefined) {
    const authyId = status.authyId;
    if (persona === 'changes-phone' && !memory.phoneChanged) {
      return now >= memory.linkSeenAt + plan.phoneChangeDelayMs
        ? { kind: 'change-phone', authyId }
        : undefined;
    }
    if (persona === 'never-installs' || memory.installed) return undefined;
    if (persona === 'installs-after-reminder') {
      if (memory.reminderSeenAt === undefined) return undefined;
      return now >= memory.reminderSeenAt + plan.afterReminderDelayMs
        ? { kind: 'install', authyId }
        : undefined;
    }
    return now >= memory.linkSeenAt + plan.installDelayMs ? { kind: 'install', authyId } : undefined;
  }
  if (status.stage === 'awaiting_approval' && status.approvalUuid) {
    const uuid = status.approvalUuid;
    const seenAt = memory.pushesSeenAt.get(uuid);
    if (seenAt === undefined || memory.answered.has(uuid) || persona === 'ignores-push') return undefined;
    if (now < seenAt + plan.answerDelayMs) return undefined;
    return { kind: 'respond', approvalUuid: uuid, status: persona === 'denies' ? 'denied' : 'approved' };
  }
  return undefined;
}

/**
 * True once nothing more will happen to this person within the simulation: their onboarding is
 * final, or they never install and every reminder has been sent (they now wait — stuck — for the
 * install window to close).
 */
export function isSettled(
  plan: PersonPlan,
  status: OnboardingStatus | undefined,
  timing: OnboardingTiming,
): boolean {
  if (!status) return false;
  if (FINAL_STAGES.includes(status.stage)) return true;
  return (
    plan.persona === 'never-installs' &&
    status.stage === 'awaiting_device' &&
    status.remindersSent >= timing.maxInstallReminders
  );
}
