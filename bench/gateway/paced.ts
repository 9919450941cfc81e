// Open-loop loads on a fixed schedule, for the gateway benchmark's delivery lag and its baselines.
import { delay } from '../../src/shared/poll';
import { latencySummary } from '../support';

/** What a scheduled run measured: the rate achieved and the answers' latency, in ms. */
export interface PacedFigure {
  rate: number;
  p50: number;
  p99: number;
}

/** When the i-th call is due, in ms after the run's start. */
export type Schedule = (i: number) => number;

/** `rate` calls a second, evenly spaced: one every 1000/rate ms. */
export const evenly =
  (rate: number): Schedule =>
  (i) =>
    (i * 1000) / rate;

/**
 * `rate` calls a second, all due at the start of their second — how autocannon's `overallRate`
 * sends them (each connection spends its per-second quota as soon as the second begins).
 */
export const perSecondBursts =
  (rate: number): Schedule =>
  (i) =>
    Math.floor(i / rate) * 1000;

/**
 * Calls `send(i)` for i = 0 … count−1, each when `schedule` says, whether or not earlier calls have
 * answered (a slow answer delays nothing after it), and times each answer.
 */
export async function paced(
  count: number,
  schedule: Schedule,
  send: (i: number) => Promise<unknown>,
): Promise<PacedFigure> {
  const latencies: number[] = [];
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = started + schedule(i) - performance.now();
    if (wait > 0) await delay(wait); // pacing, not synchronisation
    const began = performance.now();
    sends.push(send(i).then(() => void latencies.push(performance.now() - began)));
  }
  await Promise.all(sends);
  // From the first call to the last answer.
  return { rate: count / ((performance.now() - started) / 1000), ...latencySummary(latencies) };
}
