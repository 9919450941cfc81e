// Shared helpers for benchmarks: timing, percentiles, machine facts, a scratch Temporal namespace,
// and the clean-up of what a benchmark started.
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerNamespace } from '../src/temporal/namespace-registration';

/** Wall time of `work` in ms. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

/** The p-th percentile (0–100) of `values` by nearest rank; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The median and the 99th percentile of `values` ({@link percentile}). */
export function latencySummary(values: readonly number[]): { p50: number; p99: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}

/** Runs `task` for each item with at most `concurrency` in flight. */
export async function mapConcurrent<T, R>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

/** One line describing the machine, printed with every benchmark. */
export function machineFacts(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** One measured figure, as `make bench` collects them for its side-by-side summary of the backends. */
export interface Figure {
  /** Stable id, `<benchmark>.<figure>`, e.g. `waiting.start_rate`. */
  name: string;
  value: number;
  unit: string;
  /** The same run's baseline in the same unit, when the figure has one. */
  baseline?: number;
  /** The workload size the figure is for (runs, deliveries…), when it varies by setting. */
  size?: number;
}

/**
 * Appends a figure to the JSON-lines file named by BENCH_RESULTS (set by bench/run.sh), tagged with
 * the Temporal backend it was measured on; does nothing when the benchmark runs on its own.
 */
export function recordFigure(figure: Figure): void {
  const file = process.env.BENCH_RESULTS;
  if (!file) return;
  const backend = process.env.TEMPORAL_BACKEND === 'postgres' ? 'postgres' : 'dev';
  appendFileSync(file, `${JSON.stringify({ backend, ...figure })}\n`);
}

/** Prints a figure against its baseline as a ratio. */
export function report(name: string, value: number, baseline: number, unit: string): void {
  console.log(
    `${name}: ${value.toFixed(1)} ${unit} vs baseline ${baseline.toFixed(1)} ${unit} → ratio ${(value / baseline).toFixed(2)}`,
  );
}

/**
 * Ensures a namespace for benchmarks, with the onboarding search attributes, so thousands of bench
 * workflows never show up in the default namespace's lists: the chaos stack's registration, which
 * waits until the frontend serves every attribute (SQL visibility takes a few seconds to).
 */
export async function ensureBenchNamespace(address: string, namespace: string): Promise<void> {
  await registerNamespace(address, namespace, 60_000);
}

/** Where `make toolchain` puts its tools (the Temporal CLI, the dev server's SQLite file). */
export const TWOFOLD_HOME = process.env.TWOFOLD_HOME ?? path.join(os.homedir(), '.cache', 'twofold');

/** The Temporal CLI `make toolchain` installs, run against one server and namespace. */
function temporalCli(address: string, namespace: string, args: string[]): string {
  return execFileSync(
    path.join(TWOFOLD_HOME, 'temporal-1.5.1', 'temporal'),
    [...args, '--address', address, '--namespace', namespace],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/**
 * Terminates the running workflows of `namespace` that `query` selects with one server-side batch
 * of the Temporal CLI, and waits until none runs, so nothing a benchmark started outlives it (the
 * caller may stop the server next). A namespace runs one batch at a time: while an earlier one
 * (a previous benchmark's) is still at work, the request is refused and asked again. Gives up after
 * 15 minutes, or after twice the time the runs take at the default batch rate of 50/s if longer
 * (the local servers allow 500/s: `worker.batcherRPS`, docs/temporal-backends.md).
 */
export async function terminateBenchRuns(address: string, namespace: string, query: string): Promise<void> {
  let deadline = 0;
  const running = () =>
    Number(
      /Total: (\d+)/.exec(temporalCli(address, namespace, ['workflow', 'count', '--query', query]))?.[1],
    );
  let lastSubmitted = 0;
  for (let lastReport = 0; ;) {
    const left = running();
    if (left === 0) return;
    deadline ||= Date.now() + Math.max(15 * 60_000, (left / 50) * 2_000);
    if (Date.now() > deadline)
      throw new Error(`${left} benchmark runs still running when the terminate's time ran out`);
    // Asked again every 30 s while runs are left: a request refused while the namespace's one batch
    // at a time was taken, or a batch that missed runs, gets another go (terminating twice is harmless).
    if (Date.now() - lastSubmitted > 30_000) {
      try {
        temporalCli(address, namespace, [
          'workflow',
          'terminate',
          '--query',
          query,
          '--reason',
          'benchmark done',
          '--yes',
        ]);
        lastSubmitted = Date.now();
      } catch {
        // most likely the namespace's one batch operation at a time is taken: asked again next round
      }
    }
    if (Date.now() - lastReport > 10_000) {
      console.log(`    terminating the benchmark's runs: ${left} still running`);
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a progress poll
  }
}
