import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { DbPool } from '../db/pool';
import { fetchHistories, listOnboardingRuns } from '../client/history-sources';
import { replayCheck } from '../client/replay-check';
import { EXPECTED_STAGE } from '../simulation/personas';
import type { SimulatedPerson } from '../simulation/types';
import { pollUntil } from '../shared/poll';

/** A person whose onboarding did not end as their persona implies. */
export interface WrongEnding {
  workflowId: string;
  persona: string;
  stage: string;
  expected: string;
}

/** People whose onboarding ended elsewhere than {@link EXPECTED_STAGE} says for their persona. */
export function wrongEndings(people: readonly SimulatedPerson[]): WrongEnding[] {
  return people
    .filter((p) => p.stage !== EXPECTED_STAGE[p.persona])
    .map((p) => ({
      workflowId: p.workflowId,
      persona: p.persona,
      stage: p.stage,
      expected: EXPECTED_STAGE[p.persona],
    }));
}

/** A person Authy sent more OneTouch pushes than their onboarding counts. */
export interface ExtraPushes {
  workflowId: string;
  authyId: string;
  /** Approval requests Authy created for the person (the emulator's request log). */
  created: number;
  /** `approvalAttempts` of the onboarding's status. */
  counted: number;
  /** Kills from 2 s before this person's first push to their last: what likely made Authy send one more. */
  killsBetween: string[];
}

/** A kill the suite made: which service, when (epoch ms). */
export interface KillMoment {
  service: string;
  killedAt: number;
}

/** Kills up to this long before a person's first push may have caused their extra one. */
const KILL_LEAD_MS = 2_000;

const CREATE_PATH = /^\/onetouch\/json\/users\/([^/]+)\/approval_requests$/;

/**
 * Approval requests created per authy id, from the emulator's request log (`GET /_emulator/requests`):
 * successful `onetouch.create` calls, each of which sends the person a push.
 */
export async function approvalRequestsCreated(emulatorUrl: string): Promise<Map<string, number[]>> {
  const response = await fetch(`${emulatorUrl}/_emulator/requests?endpoint=onetouch.create&limit=100000`);
  if (!response.ok) throw new Error(`GET /_emulator/requests answered HTTP ${response.status}`);
  const { requests } = (await response.json()) as {
    requests: { path: string; status: number; time: string }[];
  };
  const created = new Map<string, number[]>();
  for (const entry of requests) {
    const authyId = CREATE_PATH.exec(entry.path)?.[1];
    if (authyId === undefined || entry.status < 200 || entry.status >= 300) continue;
    created.set(authyId, [...(created.get(authyId) ?? []), Date.parse(entry.time)]);
  }
  return created;
}

/**
 * People who were sent more pushes than their status's `approvalAttempts` (creation times per authy
 * id from {@link approvalRequestsCreated}), each with the kills that fell between their first and
 * last push.
 */
export function extraPushes(
  people: readonly SimulatedPerson[],
  created: ReadonlyMap<string, readonly number[]>,
  kills: readonly KillMoment[],
): ExtraPushes[] {
  return people.flatMap((p) => {
    const times = p.authyId === undefined ? [] : (created.get(p.authyId) ?? []);
    if (times.length <= p.approvalAttempts) return [];
    const first = Math.min(...times);
    const last = Math.max(...times);
    // From shortly before the first push: a push request can reach Authy after a SIGKILL was sent
    // (the activity read PostgreSQL just before it died, and fails on the insert just after).
    const killsBetween = kills
      .filter((k) => k.killedAt >= first - KILL_LEAD_MS && k.killedAt <= last)
      .map((k) => {
        const offset = k.killedAt - first;
        return `${k.service} killed ${Math.abs(offset)} ms ${offset < 0 ? 'before' : 'after'} the first push`;
      });
    return [
      {
        workflowId: p.workflowId,
        authyId: p.authyId!,
        created: times.length,
        counted: p.approvalAttempts,
        killsBetween,
      },
    ];
  });
}

/** `webhook_inbox` rows still pending. */
export async function pendingCallbacks(pool: DbPool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM webhook_inbox WHERE state = 'pending'",
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Waits up to `timeoutMs` for the gateway's dispatcher to settle every pending `webhook_inbox` row
 * (it retries with backoff after outages), then returns how many are still pending.
 */
export async function pendingCallbacksAfter(pool: DbPool, timeoutMs: number): Promise<number> {
  try {
    await pollUntil(async () => (await pendingCallbacks(pool)) === 0, {
      timeoutMs,
      intervalMs: 1_000,
      what: 'pending webhook_inbox rows to settle',
    });
  } catch {
    // reported as a count below
  }
  return pendingCallbacks(pool);
}

/** What replaying the cohort's histories against the current workflow code found. */
export interface ReplayFigures {
  /** Onboarding runs the stack's Temporal holds. */
  total: number;
  replayed: number;
  failures: { workflowId: string; error: string }[];
}

/**
 * Replays every onboarding run on `taskQueue` (open or closed) against the workflow bundle at
 * `bundlePath`, as `twofold onboarding replay-check` does: a run whose history does not replay would
 * be wedged the moment it left a worker's cache.
 */
export async function replayHistories(
  client: Client,
  taskQueue: string,
  bundlePath: string,
  /** The data converter the worker runs with, so the replay decodes payloads as it does. */
  dataConverter: DataConverter,
): Promise<ReplayFigures> {
  const runs = await listOnboardingRuns(client, { startedAfter: new Date(0), taskQueue });
  const result = await replayCheck(fetchHistories(client, runs), {
    worker: { workflowBundle: { codePath: bundlePath }, dataConverter },
  });
  return {
    total: result.checked,
    replayed: result.replayed,
    failures: result.failures.map((f) => ({ workflowId: f.workflowId, error: shorten(f.error ?? f.result) })),
  };
}

function shorten(line: string): string {
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
