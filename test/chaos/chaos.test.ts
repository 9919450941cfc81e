import { CHAOS_SERVICES } from '../../src/chaos/chaos-stack';
import { formatChaosReport } from '../../src/chaos/report';
import { runChaos } from '../../src/chaos/run-chaos';
import type { ChaosResult } from '../../src/chaos/run-chaos';
import { PERSONAS } from '../../src/simulation/personas';

// One chaos run (src/chaos/run-chaos.ts) on a stack of its own — never the shared Temporal and
// PostgreSQL of the other suites — within CI's budget of 6 minutes on two cores.
const USERS = 40;
const ROUNDS = 2;
const SEED = Number(process.env.CHAOS_SEED ?? 20261128);

describe('chaos: a cohort of 40 people while every service is SIGKILLed and restarted', () => {
  let result: ChaosResult;

  beforeAll(async () => {
    result = await runChaos({ users: USERS, rounds: ROUNDS, seed: SEED, cohortTimeoutMs: 270_000 });
    console.log(formatChaosReport(result));
  }, 355_000);

  test('the cohort covers every persona and each service was killed once per round', () => {
    expect(PERSONAS.filter((p) => result.personas[p] === 0)).toEqual([]);
    for (const service of CHAOS_SERVICES) {
      expect(result.kills.filter((k) => k.service === service)).toHaveLength(ROUNDS);
    }
  });

  test('when the kills are over, then every person has ended as their persona implies', () => {
    expect(result.failures.filter((f) => f.startsWith('the '))).toEqual([]); // the cohort settled
    expect(result.wrongEndings).toEqual([]);
    expect(result.peopleRight).toBe(USERS);
  });

  test('then nobody was sent more OneTouch pushes than their status counts', () => {
    expect(result.extraPushes).toEqual([]);
  });

  test('then no webhook_inbox row stays pending', () => {
    expect(result.pendingCallbacks).toBe(0);
  });

  test('then every history of the cohort replays against the current workflow code', () => {
    expect(result.histories.failures).toEqual([]);
    expect(result.histories.replayed).toBe(USERS);
  });
});
