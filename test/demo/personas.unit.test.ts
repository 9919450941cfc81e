import type { OnboardingStatus } from '../../src/shared/onboarding';
import { freshMemory, isSettled, nextAction, observe } from '../../src/simulation/person';
import { DEFAULT_PERSONA_MIX, PERSONAS, personaCounts, planCohort } from '../../src/simulation/personas';
import type { PersonPlan, Persona } from '../../src/simulation/personas';
import { SIMULATION_TIMING } from '../../src/simulation/timing';

const plan = (persona: Persona): PersonPlan => ({
  index: 0,
  persona,
  installDelayMs: 2_000,
  afterReminderDelayMs: 500,
  answerDelayMs: 1_000,
  phoneChangeDelayMs: 300,
});

const status = (overrides: Partial<OnboardingStatus>): OnboardingStatus => ({
  userId: 'u',
  stage: 'awaiting_device',
  authyId: '1234567',
  remindersSent: 0,
  approvalAttempts: 0,
  phoneChanges: 0,
  stageEnteredAt: new Date(0).toISOString(),
  ...overrides,
});

describe('the cohort plan', () => {
  it('when a demo-sized cohort is planned, then most people approve and every persona appears at least once', () => {
    const counts = personaCounts(24);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(24);
    expect(counts.approves).toBe(12);
    for (const persona of PERSONAS) expect(counts[persona]).toBeGreaterThanOrEqual(1);
  });

  it('when the cohort is smaller than the number of personas, then the counts still add up and follow the shares', () => {
    const counts = personaCounts(3);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(3);
    expect(counts.approves).toBeGreaterThanOrEqual(1);
  });

  it('when a persona has no share, then nobody plays it', () => {
    const counts = personaCounts(10, { ...DEFAULT_PERSONA_MIX, 'never-installs': 0 });
    expect(counts['never-installs']).toBe(0);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('when planned twice with one seed, then the cohort is identical; another seed reorders it', () => {
    const a = planCohort({ users: 20, seed: 42 });
    expect(planCohort({ users: 20, seed: 42 })).toEqual(a);
    expect(planCohort({ users: 20, seed: 43 }).map((p) => p.persona)).not.toEqual(a.map((p) => p.persona));
    for (const p of a) {
      expect(p.installDelayMs).toBeGreaterThanOrEqual(1_000);
      expect(p.installDelayMs).toBeLessThanOrEqual(4_000);
    }
  });
});

describe('what a simulated person does', () => {
  it('when the install link arrives, then an approver installs only after their delay', () => {
    const memory = freshMemory();
    observe(memory, status({}), 10_000);
    expect(nextAction(plan('approves'), memory, status({}), 11_000)).toBeUndefined();
    expect(nextAction(plan('approves'), memory, status({}), 12_000)).toEqual({
      kind: 'install',
      authyId: '1234567',
    });
  });

  it('when no reminder has come yet, then a reminder-waiter does nothing; after one, they install', () => {
    const memory = freshMemory();
    observe(memory, status({}), 0);
    expect(nextAction(plan('installs-after-reminder'), memory, status({}), 60_000)).toBeUndefined();
    const reminded = status({ remindersSent: 1 });
    observe(memory, reminded, 61_000);
    expect(nextAction(plan('installs-after-reminder'), memory, reminded, 61_400)).toBeUndefined();
    expect(nextAction(plan('installs-after-reminder'), memory, reminded, 61_500)).toMatchObject({
      kind: 'install',
    });
  });

  it('when a phone changer sees the link, then they change phone first and install afterwards', () => {
    const memory = freshMemory();
    observe(memory, status({}), 0);
    expect(nextAction(plan('changes-phone'), memory, status({}), 5_000)).toMatchObject({
      kind: 'change-phone',
    });
    memory.phoneChanged = true;
    expect(nextAction(plan('changes-phone'), memory, status({}), 5_000)).toMatchObject({ kind: 'install' });
  });

  it('when a push arrives, then approvers approve, deniers deny and push-ignorers do nothing, each after the delay', () => {
    const push = status({ stage: 'awaiting_approval', approvalUuid: 'uuid-1' });
    const answers = (['approves', 'denies', 'ignores-push', 'changes-phone'] as const).map((persona) => {
      const memory = freshMemory();
      observe(memory, push, 0);
      return [
        persona,
        nextAction(plan(persona), memory, push, 999),
        nextAction(plan(persona), memory, push, 1_000),
      ] as const;
    });
    expect(answers).toEqual([
      ['approves', undefined, { kind: 'respond', approvalUuid: 'uuid-1', status: 'approved' }],
      ['denies', undefined, { kind: 'respond', approvalUuid: 'uuid-1', status: 'denied' }],
      ['ignores-push', undefined, undefined],
      ['changes-phone', undefined, { kind: 'respond', approvalUuid: 'uuid-1', status: 'approved' }],
    ]);
  });

  it('when a push was answered, then the same request is not answered again, but a re-sent one is', () => {
    const memory = freshMemory();
    const first = status({ stage: 'awaiting_approval', approvalUuid: 'uuid-1' });
    observe(memory, first, 0);
    memory.answered.add('uuid-1');
    expect(nextAction(plan('approves'), memory, first, 5_000)).toBeUndefined();
    const second = status({ stage: 'awaiting_approval', approvalUuid: 'uuid-2' });
    observe(memory, second, 5_000);
    expect(nextAction(plan('approves'), memory, second, 6_000)).toMatchObject({ approvalUuid: 'uuid-2' });
  });

  it('when a never-installer has had every reminder, then they are settled (stuck); before that they are not', () => {
    const waiting = status({ remindersSent: SIMULATION_TIMING.maxInstallReminders - 1 });
    expect(isSettled(plan('never-installs'), waiting, SIMULATION_TIMING)).toBe(false);
    const stuck = status({ remindersSent: SIMULATION_TIMING.maxInstallReminders });
    expect(isSettled(plan('never-installs'), stuck, SIMULATION_TIMING)).toBe(true);
    expect(isSettled(plan('approves'), stuck, SIMULATION_TIMING)).toBe(false);
    expect(isSettled(plan('approves'), status({ stage: 'enabled' }), SIMULATION_TIMING)).toBe(true);
    expect(isSettled(plan('approves'), undefined, SIMULATION_TIMING)).toBe(false);
  });
});
