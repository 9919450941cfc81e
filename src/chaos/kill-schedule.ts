import type { SeededRandom } from '../simulation/random';
import { CHAOS_SERVICES } from './chaos-stack';
import type { ChaosService } from './chaos-stack';

/** One kill of the schedule: which service, after what pause, down for how long before it restarts. */
export interface PlannedKill {
  service: ChaosService;
  /** Pause after the previous service is back (or the cohort has started). */
  pauseBeforeMs: number;
  /** Between the SIGKILL and the restart. */
  downMs: number;
}

/**
 * The kills of a chaos run: `rounds` rounds, each killing every service once in a seeded order, with
 * seeded pauses (1–4 s) and downtimes (0.5–3 s). The same seed gives the same schedule.
 */
export function killSchedule(random: SeededRandom, rounds: number): PlannedKill[] {
  const kills: PlannedKill[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const service of random.shuffle(CHAOS_SERVICES)) {
      kills.push({
        service,
        pauseBeforeMs: random.between(1_000, 4_000),
        downMs: random.between(500, 3_000),
      });
    }
  }
  return kills;
}
