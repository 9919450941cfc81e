import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { createPool } from '../db/pool';
import { SimulationTimeoutError, runSimulation } from '../simulation/run-simulation';
import type { SimulationResult } from '../simulation/types';
import { createEmulatorPeople } from '../simulation/emulator-people';
import { personaCounts } from '../simulation/personas';
import type { Persona } from '../simulation/personas';
import { seededRandom } from '../simulation/random';
import { connectClient } from '../temporal/connection';
import { createDataConverter } from '../temporal/data-converter';
import { buildWorkflowBundle } from '../worker';
import { CHAOS_SERVICES, startChaosStack } from './chaos-stack';
import type { ChaosService, ChaosStack } from './chaos-stack';
import { CHAOS_TIMING } from './chaos-timing';
import {
  approvalRequestsCreated,
  extraPushes,
  pendingCallbacksAfter,
  replayHistories,
  wrongEndings,
} from './checks';
import type { ExtraPushes, ReplayFigures, WrongEnding } from './checks';
import { killSchedule } from './kill-schedule';
import type { PlannedKill } from './kill-schedule';
import { delay } from '../shared/poll';
import { installQuietTemporalRuntime } from './quiet-runtime';
import { resilientPeople } from './resilient-people';

/** One chaos run: how big, how many rounds of kills, which seed. */
export interface ChaosOptions {
  /** People in the cohort (at least 40 for the suite; every persona is in it from 6 on). */
  users?: number;
  /** Rounds of kills; each round kills every service once, in a seeded order. */
  rounds?: number;
  /** Seed of the cohort, the emulator and the kill schedule. */
  seed?: number;
  /** Give the cohort this long to settle (default 4 minutes). */
  cohortTimeoutMs?: number;
  /** Keep the stack's directory (logs, journal, SQLite, cluster) even when the run passes. */
  keepDir?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** One kill as it happened. */
export interface KillRecord extends PlannedKill {
  round: number;
  /** Since the cohort started. */
  atMs: number;
  /** Epoch ms of the SIGKILL. */
  killedAt: number;
  /** From the SIGKILL until the restarted service served again. */
  outageMs: number;
}

/** What a chaos run found; `failures` is empty when every assertion held. */
export interface ChaosResult {
  seed: number;
  users: number;
  rounds: number;
  durationMs: number;
  kills: KillRecord[];
  /** People of each persona in the cohort. */
  personas: Record<Persona, number>;
  peopleRight: number;
  wrongEndings: WrongEnding[];
  extraPushes: ExtraPushes[];
  pendingCallbacks: number;
  histories: ReplayFigures;
  unexpectedExits: string[];
  /** Where the logs are (kept when the run failed). */
  dir: string;
  failures: string[];
}

/**
 * Runs a simulated cohort (src/simulation, every persona) through an isolated local stack while
 * SIGKILLing and restarting the gateway, the worker, the Temporal server, PostgreSQL and the Authy
 * emulator, one at a time, in `rounds` seeded rounds; then checks that every person ended as their
 * persona implies, that nobody was sent more OneTouch pushes than their status counts, that no
 * `webhook_inbox` row stays pending, and that every history replays against the current code.
 */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosResult> {
  const users = options.users ?? 40;
  const rounds = options.rounds ?? 2;
  const seed = options.seed ?? Date.now() % 1_000_000;
  const log = options.log ?? (() => undefined);
  installQuietTemporalRuntime();
  const started = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twofold-chaos-'));
  const failures: string[] = [];
  let stack: ChaosStack | undefined;
  let client: Client | undefined;
  let passed = false;
  try {
    log(`chaos: seed ${seed}, ${users} people, ${rounds} rounds, stack in ${dir}`);
    const bundlePath = path.join(dir, 'workflows.js');
    writeFileSync(bundlePath, await buildWorkflowBundle(quietLogger));
    stack = await startChaosStack({ dir, seed, workflowBundlePath: bundlePath, taskQueue: 'twofold-chaos' });
    log(
      `chaos: stack up in ${seconds(Date.now() - started)} (Temporal ${stack.temporalAddress}, UI :${stack.temporalUiPort}, ` +
        `PostgreSQL ${new URL(stack.databaseUrl).port}, emulator ${stack.emulatorUrl}, gateway ${stack.gatewayUrl})`,
    );
    const { temporal } = loadConfig(stack.env);
    client = await connectClient(temporal);

    let cohortStarted: () => void = () => undefined;
    const started$ = new Promise<void>((resolve) => (cohortStarted = resolve));
    let lastProgress = '';
    const cohortStartedAt = Date.now();
    const simulation: Promise<SimulationResult> = runSimulation({
      client,
      taskQueue: stack.taskQueue,
      emulatorUrl: stack.emulatorUrl,
      users,
      seed,
      idPrefix: 'chaos',
      runId: String(seed),
      timing: CHAOS_TIMING,
      timeoutMs: options.cohortTimeoutMs ?? 240_000,
      lookEveryMs: 1_000,
      people: resilientPeople(createEmulatorPeople(stack.emulatorUrl)),
      onProgress: (progress) => {
        cohortStarted(); // the first report comes once every onboarding has started
        lastProgress = `${progress.settled}/${progress.users} settled`;
      },
    });
    // Surface a failed start at once rather than after the kills.
    const earlyFailure = simulation.then(
      () => undefined,
      (error: unknown) => error,
    );
    const failedToStart = await Promise.race([started$.then(() => undefined), earlyFailure]);

    const kills: KillRecord[] = [];
    const schedule = failedToStart ? [] : killSchedule(seededRandom(seed ^ 0x0c4a05), rounds);
    for (const [index, planned] of schedule.entries()) {
      const round = Math.floor(index / CHAOS_SERVICES.length) + 1;
      await delay(planned.pauseBeforeMs);
      const atMs = Date.now() - cohortStartedAt;
      const killedAt = Date.now();
      await stack.kill(planned.service);
      await delay(planned.downMs);
      await stack.restart(planned.service);
      const outageMs = Date.now() - killedAt;
      kills.push({ ...planned, round, atMs, killedAt, outageMs });
      log(
        `chaos: round ${round}: SIGKILL ${planned.service.padEnd(8)} at ${seconds(atMs)}, back after ${seconds(outageMs)} (cohort ${lastProgress})`,
      );
    }

    let result: SimulationResult | undefined;
    try {
      result = await simulation;
      log(`chaos: cohort settled in ${seconds(result.durationMs)}`);
    } catch (error) {
      failures.push(simulationFailure(error));
    }

    const people = result?.people ?? [];
    const wrong = wrongEndings(people);
    const extra = extraPushes(people, await approvalRequestsCreated(stack.emulatorUrl), kills);
    const pool = createPool(stack.databaseUrl, { max: 2 });
    const pending = await pendingCallbacksAfter(pool, 60_000).finally(() => pool.end());
    const histories = await replayHistories(
      client,
      stack.taskQueue,
      bundlePath,
      createDataConverter(temporal.payloadKeys),
    );

    if (result && wrong.length > 0)
      failures.push(
        `${wrong.length} people ended wrong: ${wrong.map((w) => `${w.workflowId} (${w.persona}) ${w.stage}, expected ${w.expected}`).join('; ')}`,
      );
    if (extra.length > 0)
      failures.push(
        `extra pushes: ${extra
          .map(
            (e) =>
              `${e.workflowId} sent ${e.created}, counted ${e.counted}` +
              (e.killsBetween.length > 0 ? ` (${e.killsBetween.join(', ')})` : ''),
          )
          .join('; ')}`,
      );
    if (pending > 0) failures.push(`${pending} webhook_inbox row(s) still pending`);
    if (histories.total < users)
      failures.push(`only ${histories.total} of ${users} onboardings are in Temporal's visibility`);
    if (histories.failures.length > 0)
      failures.push(
        `histories that do not replay: ${histories.failures.map((f) => `${f.workflowId}: ${f.error}`).join('; ')}`,
      );

    passed = failures.length === 0;
    return {
      seed,
      users,
      rounds,
      durationMs: Date.now() - started,
      kills,
      personas: personaCounts(users),
      peopleRight: people.length - wrong.length,
      wrongEndings: wrong,
      extraPushes: extra,
      pendingCallbacks: pending,
      histories,
      unexpectedExits: stack.unexpectedExits(),
      dir,
      failures,
    };
  } finally {
    await client?.connection.close().catch(() => undefined);
    await stack?.stop();
    if (!options.keepDir && passed) rmSync(dir, { recursive: true, force: true });
  }
}

function simulationFailure(error: unknown): string {
  if (error instanceof SimulationTimeoutError) {
    const who = error.pending.map((p) => `${p.workflowId} (${p.persona}) ${p.stage ?? 'unknown'}`).join('; ');
    return `${error.message}: ${who}`;
  }
  return `the simulation failed: ${error instanceof Error ? error.message : String(error)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export type { ChaosService };
