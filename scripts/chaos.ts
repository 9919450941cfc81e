/**
 * `make chaos`: runs the chaos suite (src/chaos/run-chaos.ts) CHAOS_RUNS times in a row (default 1),
 * each with CHAOS_USERS people (default 40) and CHAOS_ROUNDS rounds of kills (default 3), prints the
 * figures of each run and exits 1 if any run failed. CHAOS_SEED fixes the first run's seed (the next
 * runs add 1 each); CHAOS_KEEP=1 keeps every run's directory.
 */
import { formatChaosReport } from '../src/chaos/report';
import { runChaos } from '../src/chaos/run-chaos';

function whole(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return Number(raw);
}

async function main(): Promise<number> {
  const runs = whole('CHAOS_RUNS', 1);
  const users = whole('CHAOS_USERS', 40);
  const rounds = whole('CHAOS_ROUNDS', 3);
  const firstSeed = whole('CHAOS_SEED', Date.now() % 1_000_000);
  let passed = 0;
  for (let run = 1; run <= runs; run += 1) {
    console.log(`\n== chaos run ${run}/${runs}`);
    try {
      const result = await runChaos({
        users,
        rounds,
        seed: firstSeed + run - 1,
        keepDir: process.env.CHAOS_KEEP === '1',
        log: (line) => console.log(line),
      });
      console.log(formatChaosReport(result));
      if (result.failures.length === 0) passed += 1;
    } catch (error) {
      // The stack itself did not come up (or went away): a failed run, and the next one still runs.
      console.log(`  FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`\nchaos: ${passed}/${runs} runs passed`);
  return passed === runs ? 0 : 1;
}

// Ctrl-C or a SIGTERM: exit, so the stack's 'exit' hook SIGKILLs every service this run started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
