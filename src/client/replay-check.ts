import { Worker } from '@temporalio/worker';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import type { FetchedHistory, NamedHistory } from './history-sources';

/** The outcome of replaying one run's history against this checkout's workflow code. */
export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  /** A file path, or `temporal`. */
  source: string;
  /** `replayed`, `nondeterministic` (the code makes other commands than history recorded), or `failed`. */
  result: 'replayed' | 'nondeterministic' | 'failed';
  /** The error's first line, e.g. `[TMPRL1100] Nondeterminism error: …`. */
  error?: string;
}

/** What {@link replayCheck} found. */
export interface ReplayCheckResult {
  checked: number;
  replayed: number;
  /** Every run that does not replay (or whose history could not be fetched), in replay order. */
  failures: ReplayOutcome[];
}

/** Options of {@link replayCheck}. */
export interface ReplayCheckOptions {
  /**
   * The workflow code to replay against (a bundle or a path to bundle), plus — when payloads are
   * encoded — the same `dataConverter` the worker runs with, so the replay decodes inputs as it does.
   */
  worker: Pick<ReplayWorkerOptions, 'workflowsPath' | 'workflowBundle' | 'dataConverter'>;
  /** Called after each history, with its outcome and how many of `total` are done. */
  onOutcome?: (outcome: ReplayOutcome, done: number) => void;
}

/**
 * The most telling line of a replay error. Core wraps the workflow's failure in a debug print
 * (`… Failure { message: "[TMPRL1100] Nondeterminism error: …", stack_trace: "…" } …`): its
 * message's first line is the one an operator needs; otherwise the error's own first line.
 */
export function replayErrorLine(error: Error): string {
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(error.message);
  const text = inner ? inner[1]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1') : error.message;
  return text.split('\n')[0]!.trim() || error.name;
}

/**
 * Replays each history through one replay worker (Worker.runReplayHistories), one at a time and in
 * order, and reports which runs do not replay. A run whose history could not be fetched counts as a
 * failure too: nobody can say it replays.
 */
export async function replayCheck(
  histories: AsyncIterable<FetchedHistory | NamedHistory> | Iterable<FetchedHistory | NamedHistory>,
  options: ReplayCheckOptions,
): Promise<ReplayCheckResult> {
  const failures: ReplayOutcome[] = [];
  let checked = 0;
  let replayed = 0;
  const record = (outcome: ReplayOutcome): void => {
    checked += 1;
    if (outcome.result === 'replayed') replayed += 1;
    else failures.push(outcome);
    options.onOutcome?.(outcome, checked);
  };
  // Histories handed to the replay worker, in order: runReplayHistories replays one at a time and
  // yields its results in the same order, so the head of this queue names each result.
  const handedOver: NamedHistory[] = [];
  async function* replayable(): AsyncGenerator<{ workflowId: string; history: NamedHistory['history'] }> {
    for await (const item of histories) {
      if ('fetchError' in item) {
        record({
          workflowId: item.workflowId,
          runId: item.runId,
          source: 'temporal',
          result: 'failed',
          error: `history not fetched: ${item.fetchError}`,
        });
        continue;
      }
      handedOver.push(item);
      yield { workflowId: item.workflowId, history: item.history };
    }
  }
  for await (const result of Worker.runReplayHistories(
    { ...options.worker, replayName: 'twofold-replay-check' },
    replayable(),
  )) {
    const item = handedOver.shift();
    const named = {
      workflowId: result.workflowId,
      runId: item?.runId ?? result.runId,
      source: item?.source ?? '',
    };
    if (!result.error) record({ ...named, result: 'replayed' });
    else
      record({
        ...named,
        result: result.error.name === 'DeterminismViolationError' ? 'nondeterministic' : 'failed',
        error: replayErrorLine(result.error),
      });
  }
  return { checked, replayed, failures };
}
