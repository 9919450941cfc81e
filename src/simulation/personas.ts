import type { OnboardingStage } from '../shared/onboarding';
import { seededRandom } from './random';

/** How a simulated person behaves once their onboarding has texted them the install link. */
export const PERSONAS = [
  'approves',
  'installs-after-reminder',
  'denies',
  'ignores-push',
  'changes-phone',
  'never-installs',
] as const;
export type Persona = (typeof PERSONAS)[number];

/** What each persona does, for output and docs. */
export const PERSONA_DESCRIPTIONS: Record<Persona, string> = {
  approves: 'installs the app after a short delay, approves the push',
  'installs-after-reminder': 'installs only after an install-link reminder, then approves',
  denies: 'installs the app, denies the push',
  'ignores-push': 'installs the app, never answers the push (approval requests expire)',
  'changes-phone': 'changes phone number first, then installs and approves',
  'never-installs': 'never installs the app (reminders, then stuck in awaiting_device)',
};

/** The stage each persona's onboarding should end in (while the install window is still open). */
export const EXPECTED_STAGE: Record<Persona, OnboardingStage> = {
  approves: 'enabled',
  'installs-after-reminder': 'enabled',
  denies: 'denied',
  'ignores-push': 'expired',
  'changes-phone': 'enabled',
  'never-installs': 'awaiting_device',
};

/** Share of each persona in a cohort; shares are relative (they need not sum to 1). */
export type PersonaMix = Record<Persona, number>;

/** Most people install and approve; a tenth each deny, ignore the push, change phone, never install. */
export const DEFAULT_PERSONA_MIX: PersonaMix = {
  approves: 0.5,
  'installs-after-reminder': 0.1,
  denies: 0.1,
  'ignores-push': 0.1,
  'changes-phone': 0.1,
  'never-installs': 0.1,
};

/** Ranges, in ms, of how long people take to act. */
export interface PersonPace {
  /** From the install link (awaiting_device) to the install. */
  installDelayMs: [number, number];
  /** From a reminder to the install, for people who wait for one. */
  afterReminderDelayMs: [number, number];
  /** From the push (an approval request) to the answer. */
  answerDelayMs: [number, number];
  /** From the install link to the phone change, for people who change phone. */
  phoneChangeDelayMs: [number, number];
}

/** Seconds, so a cohort plays out in well under a minute with the simulation timings. */
export const DEFAULT_PERSON_PACE: PersonPace = {
  installDelayMs: [1_000, 4_000],
  afterReminderDelayMs: [500, 1_500],
  answerDelayMs: [500, 2_000],
  phoneChangeDelayMs: [300, 1_000],
};

/** One simulated person: who, how they behave and how fast. */
export interface PersonPlan {
  index: number;
  persona: Persona;
  installDelayMs: number;
  afterReminderDelayMs: number;
  answerDelayMs: number;
  phoneChangeDelayMs: number;
}

/**
 * How many people of each persona a cohort of `users` has: proportional to the mix (largest
 * remainders), and, when the cohort is at least as large as the number of personas in the mix,
 * at least one of each so every path shows up.
 */
export function personaCounts(users: number, mix: PersonaMix = DEFAULT_PERSONA_MIX): Record<Persona, number> {
  const active = PERSONAS.filter((p) => mix[p] > 0);
  if (active.length === 0) throw new RangeError('the persona mix has no positive share');
  const total = active.reduce((sum, p) => sum + mix[p], 0);
  const counts = Object.fromEntries(PERSONAS.map((p) => [p, 0])) as Record<Persona, number>;
  const exact = active.map((p) => ({ p, value: (users * mix[p]) / total }));
  for (const { p, value } of exact) counts[p] = Math.floor(value);
  let left = users - active.reduce((sum, p) => sum + counts[p], 0);
  for (const { p } of [...exact].sort((a, b) => (b.value % 1) - (a.value % 1) || b.value - a.value)) {
    if (left === 0) break;
    counts[p] += 1;
    left -= 1;
  }
  if (users >= active.length) {
    for (const p of active) {
      if (counts[p] > 0) continue;
      const donor = active.reduce((a, b) => (counts[b] > counts[a] ? b : a));
      counts[donor] -= 1;
      counts[p] = 1;
    }
  }
  return counts;
}

/** A cohort of `users` people in a seeded order with seeded delays: the same seed, the same cohort. */
export function planCohort(options: {
  users: number;
  seed: number;
  mix?: PersonaMix;
  pace?: PersonPace;
}): PersonPlan[] {
  const random = seededRandom(options.seed);
  const pace = options.pace ?? DEFAULT_PERSON_PACE;
  const counts = personaCounts(options.users, options.mix);
  const personas = random.shuffle(PERSONAS.flatMap((p) => Array<Persona>(counts[p]).fill(p)));
  const pick = ([min, max]: [number, number]) => random.between(min, max);
  return personas.map((persona, index) => ({
    index,
    persona,
    installDelayMs: pick(pace.installDelayMs),
    afterReminderDelayMs: pick(pace.afterReminderDelayMs),
    answerDelayMs: pick(pace.answerDelayMs),
    phoneChangeDelayMs: pick(pace.phoneChangeDelayMs),
  }));
}
