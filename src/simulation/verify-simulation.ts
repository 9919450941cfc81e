import type { Client, WorkflowHandle } from '@temporalio/client';
import { getEnrollment, startOnboarding, submitTotpCode } from '../client/onboarding';
import type { VerifyFactorType } from '../second-factor/provider';
import { FINAL_STAGES, onboardingWorkflowId } from '../shared/onboarding';
import type { OnboardingStage, OnboardingStatus, OnboardingTiming } from '../shared/onboarding';
import { mapLimit } from '../shared/map-limit';
import { verifyIdentity } from '../verify/identity';
import { statusQuery } from '../workflows/onboarding/messages';
import { SIMULATION_TIMING } from './timing';

/** How a simulated person behaves in a Verify onboarding (docs/verify.md, "Operating it"). */
export const VERIFY_PERSONAS = [
  'enters-code',
  'wrong-code-first',
  'approves',
  'denies',
  'ignores-push',
  'never-enrolls',
] as const;
export type VerifyPersona = (typeof VERIFY_PERSONAS)[number];

/** The factor each persona enrols, what they do, and the stage their onboarding should end in. */
export const VERIFY_PERSONA_PLAN: Record<
  VerifyPersona,
  { factorType: VerifyFactorType; description: string; expected: OnboardingStage }
> = {
  'enters-code': {
    factorType: 'totp',
    description: 'scans the QR code, enters the code',
    expected: 'enabled',
  },
  'wrong-code-first': {
    factorType: 'totp',
    description: 'scans the QR code, mistypes the first code, then enters the right one',
    expected: 'enabled',
  },
  approves: { factorType: 'push', description: 'enrols the app, approves the push', expected: 'enabled' },
  denies: { factorType: 'push', description: 'enrols the app, denies the push', expected: 'denied' },
  'ignores-push': {
    factorType: 'push',
    description: 'enrols the app, never answers the push (challenges expire)',
    expected: 'expired',
  },
  'never-enrolls': {
    factorType: 'totp',
    description: 'never scans the QR code (stuck in awaiting_device)',
    expected: 'awaiting_device',
  },
};

/** What a Verify simulation needs: Temporal, the task queue, the emulator (its Verify API) and the Service. */
export interface VerifySimulationOptions {
  client: Client;
  taskQueue: string;
  /** The emulator's URL (its control API plays the people's phones). */
  emulatorUrl: string;
  serviceSid: string;
  users: number;
  /** User ids are `<idPrefix>-<runId>-<nnn>`. */
  idPrefix?: string;
  runId?: string;
  timing?: Partial<OnboardingTiming>;
  /** Give up after this long (default 3 minutes). */
  timeoutMs?: number;
  lookEveryMs?: number;
  onProgress?: (counts: Partial<Record<OnboardingStage, number>>) => void;
}

/** One person of a Verify cohort and how their onboarding ended. */
export interface VerifySimulatedPerson {
  userId: string;
  persona: VerifyPersona;
  factorType: VerifyFactorType;
  expected: OnboardingStage;
  stage: OnboardingStage | undefined;
  actions: string[];
}

/** The outcome: every person, and whether each ended in their persona's stage. */
export interface VerifySimulationResult {
  provider: 'verify';
  runId: string;
  settled: boolean;
  people: VerifySimulatedPerson[];
  endedRight: number;
  durationMs: number;
}

/** Raised by the emulator's control API (an answer that is neither success nor an expected conflict). */
export class VerifyControlError extends Error {
  override name = 'VerifyControlError';
}

/**
 * Starts `users` Verify onboardings (personas in turn) and plays their people through the emulator's
 * Verify control API — scan the QR code and type codes, enrol the push app and answer challenges, or
 * not — until every onboarding is final or its person has nothing more to do.
 */
export async function runVerifySimulation(options: VerifySimulationOptions): Promise<VerifySimulationResult> {
  if (!Number.isInteger(options.users) || options.users < 1)
    throw new RangeError('users must be a positive integer');
  const started = Date.now();
  const runId = options.runId ?? started.toString(36);
  const prefix = options.idPrefix ?? 'vsim';
  const timing: OnboardingTiming = { ...SIMULATION_TIMING, ...options.timing };
  const timeoutMs = options.timeoutMs ?? 180_000;
  const lookEveryMs = options.lookEveryMs ?? 500;
  const root = options.emulatorUrl.replace(/\/+$/, '');
  const control = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${root}/_emulator/verify/services/${options.serviceSid}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok)
      throw new VerifyControlError(`emulator ${method} ${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };

  const people = Array.from({ length: options.users }, (_, index) => {
    const persona = VERIFY_PERSONAS[index % VERIFY_PERSONAS.length]!;
    const plan = VERIFY_PERSONA_PLAN[persona];
    const userId = `${prefix}-${runId}-${String(index + 1).padStart(3, '0')}`;
    return {
      userId,
      identity: verifyIdentity(userId),
      persona,
      factorType: plan.factorType,
      expected: plan.expected,
      stage: undefined as OnboardingStage | undefined,
      actions: [] as string[],
      enrolled: false,
      answered: new Set<string>(),
      handle: undefined as WorkflowHandle | undefined,
    };
  });

  await mapLimit(people, 8, async (person) => {
    const { handle } = await startOnboarding(
      options.client,
      {
        userId: person.userId,
        email: `person-${person.userId}@example.com`,
        countryCode: '1',
        cellphone: '5550100000',
        provider: 'verify',
        factorType: person.factorType,
        timing,
      },
      { taskQueue: options.taskQueue },
    );
    person.handle = handle;
  });

  async function act(person: (typeof people)[number], status: OnboardingStatus): Promise<void> {
    if (status.stage === 'awaiting_device' && !person.enrolled && person.persona !== 'never-enrolls') {
      const enrollment = await getEnrollment(options.client, person.userId);
      if (enrollment.factorType === 'totp') {
        const { code } = await control<{ code: string }>(
          'GET',
          `/entities/${person.identity}/factors/${status.factorSid!}/code`,
        );
        if (person.persona === 'wrong-code-first') {
          const wrong = String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');
          const { accepted } = await submitTotpCode(options.client, person.userId, wrong);
          person.actions.push(accepted ? 'wrong code accepted' : 'wrong code refused');
        }
        const { accepted } = await submitTotpCode(options.client, person.userId, code);
        person.actions.push(accepted ? 'code accepted' : 'code refused');
      } else {
        await control('POST', `/entities/${person.identity}/push-enroll`, {
          accessToken: enrollment.accessToken,
        });
        person.actions.push('enrolled push');
      }
      person.enrolled = true;
      return;
    }
    const challenge = status.challengeSid;
    if (status.stage === 'awaiting_approval' && challenge && !person.answered.has(challenge)) {
      if (person.persona !== 'approves' && person.persona !== 'denies') return;
      const answer = person.persona === 'approves' ? 'approved' : 'denied';
      person.answered.add(challenge);
      await control('POST', `/entities/${person.identity}/challenges/${challenge}/respond`, {
        status: answer,
      });
      person.actions.push(answer);
    }
  }

  /** Done: final, or waiting in a stage where this person will do nothing more. */
  const done = (person: (typeof people)[number]) =>
    person.stage !== undefined &&
    (FINAL_STAGES.includes(person.stage) ||
      (person.persona === 'never-enrolls' && person.stage === 'awaiting_device'));

  let settled = false;
  while (Date.now() - started < timeoutMs) {
    await mapLimit(
      people.filter((p) => !FINAL_STAGES.includes(p.stage ?? 'registering')),
      8,
      async (person) => {
        const status = await person.handle!.query(statusQuery).catch(() => undefined);
        if (!status) return;
        person.stage = status.stage;
        // A failed step (the emulator or an update briefly unavailable) is tried again on the next look.
        await act(person, status).catch((error: unknown) => {
          person.actions.push(`error: ${error instanceof Error ? error.message : String(error)}`);
        });
      },
    );
    const counts: Partial<Record<OnboardingStage, number>> = {};
    for (const p of people) if (p.stage) counts[p.stage] = (counts[p.stage] ?? 0) + 1;
    options.onProgress?.(counts);
    if (people.every(done)) {
      settled = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, lookEveryMs));
  }

  const result: VerifySimulatedPerson[] = people.map((p) => ({
    userId: p.userId,
    persona: p.persona,
    factorType: p.factorType,
    expected: p.expected,
    stage: p.stage,
    actions: p.actions,
  }));
  return {
    provider: 'verify',
    runId,
    settled,
    people: result,
    endedRight: result.filter((p) => p.stage === p.expected).length,
    durationMs: Date.now() - started,
  };
}

/** A plain-text summary: per persona, how many ended as they should. */
export function formatVerifySimulation(result: VerifySimulationResult): string {
  const lines = [
    `Verify cohort ${result.runId}: ${result.people.length} people, ${Math.round(result.durationMs / 1000)} s`,
  ];
  for (const persona of VERIFY_PERSONAS) {
    const group = result.people.filter((p) => p.persona === persona);
    if (group.length === 0) continue;
    const right = group.filter((p) => p.stage === p.expected).length;
    const plan = VERIFY_PERSONA_PLAN[persona];
    lines.push(
      `  ${persona.padEnd(17)} ${plan.factorType.padEnd(5)} ${String(right).padStart(3)}/${group.length} ended ${plan.expected}  (${plan.description})`,
    );
  }
  lines.push(
    `  ended as their persona should: ${result.endedRight}/${result.people.length}${result.settled ? '' : ' (NOT settled before the timeout)'}`,
  );
  for (const p of result.people.filter((q) => q.stage !== q.expected)) {
    lines.push(
      `  ! ${onboardingWorkflowId(p.userId)} (${p.persona}) is ${p.stage ?? 'unknown'}, expected ${p.expected}`,
    );
  }
  return lines.join('\n');
}
