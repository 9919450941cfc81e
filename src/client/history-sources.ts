import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { History } from '@temporalio/common/lib/proto-utils';
import { onboardingWorkflowId } from '../shared/onboarding';

/** One workflow history to replay, named as an operator knows it. */
export interface NamedHistory {
  workflowId: string;
  runId: string;
  /** Where it came from: a file path, or `temporal`. */
  source: string;
  history: History;
}

/** A history file that cannot be replayed because it is not a readable history. */
export class HistoryFileError extends Error {
  override name = 'HistoryFileError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

interface JsonEvent {
  eventId?: unknown;
  workflowExecutionStartedEventAttributes?: {
    originalExecutionRunId?: unknown;
    input?: { payloads?: { metadata?: { encoding?: unknown }; data?: unknown }[] };
  };
}

/** Base64 of `json/plain`, the encoding of an unencrypted JSON payload in exported histories. */
const JSON_PLAIN = Buffer.from('json/plain').toString('base64');

/**
 * The workflow id of an exported onboardUser history. Histories do not record their workflow id, but
 * the onboarding's id is `onboarding-<userId>` and the input carries the user id (unless the payload is
 * encrypted, in which case the file name stands in).
 */
function workflowIdOf(first: JsonEvent, file: string): string {
  const payload = first.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (payload?.metadata?.encoding === JSON_PLAIN && typeof payload.data === 'string') {
    try {
      const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as unknown;
      if (
        typeof input === 'object' &&
        input !== null &&
        'userId' in input &&
        typeof input.userId === 'string'
      )
        return onboardingWorkflowId(input.userId);
    } catch {
      // an input that is not JSON leaves the file name as the id
    }
  }
  return `file:${path.basename(file)}`;
}

/**
 * Reads a history exported by `temporal workflow show --output json` (or the SDK's `historyToJSON`):
 * `{ "events": [...] }` in protobuf JSON. Throws {@link HistoryFileError} naming the file when it is
 * missing, not JSON, or not a workflow history.
 */
export async function readHistoryFile(file: string): Promise<NamedHistory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HistoryFileError(
      file,
      `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HistoryFileError(file, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const events = typeof json === 'object' && json !== null && 'events' in json ? json.events : undefined;
  if (!Array.isArray(events) || events.length === 0) {
    throw new HistoryFileError(
      file,
      'not a workflow history: expected { "events": [...] } as `temporal workflow show --output json` writes it',
    );
  }
  const first = events[0] as JsonEvent;
  if (typeof first.eventId !== 'string' || !first.workflowExecutionStartedEventAttributes) {
    throw new HistoryFileError(
      file,
      'not a workflow history: its first event is not a WorkflowExecutionStarted event',
    );
  }
  let history: History;
  try {
    history = historyFromJSON(json);
  } catch (error) {
    throw new HistoryFileError(
      file,
      `not a workflow history (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
  const runId = first.workflowExecutionStartedEventAttributes.originalExecutionRunId;
  return {
    workflowId: workflowIdOf(first, file),
    runId: typeof runId === 'string' ? runId : 'unknown',
    source: file,
    history,
  };
}

/** Which onboardUser runs {@link listOnboardingRuns} finds. */
export interface OnboardingRunFilter {
  /** Runs started at or after this time, open and closed. */
  startedAfter: Date;
  /** Only runs on this task queue. */
  taskQueue?: string;
}

/** The visibility query of {@link listOnboardingRuns}; also usable in the Web UI's filter box. */
export function onboardingRunsQuery(filter: OnboardingRunFilter): string {
  const clauses = [`WorkflowType = 'onboardUser'`, `StartTime >= '${filter.startedAfter.toISOString()}'`];
  if (filter.taskQueue !== undefined) clauses.push(`TaskQueue = '${filter.taskQueue.replace(/'/g, "''")}'`);
  return clauses.join(' AND ');
}

/** One run found by {@link listOnboardingRuns}. */
export interface OnboardingRunRef {
  workflowId: string;
  runId: string;
}

/** Lists onboardUser runs (open and closed) started within the filter's window, oldest first. */
export async function listOnboardingRuns(
  client: Client,
  filter: OnboardingRunFilter,
): Promise<OnboardingRunRef[]> {
  const runs: (OnboardingRunRef & { startTime: number })[] = [];
  for await (const execution of client.workflow.list({ query: onboardingRunsQuery(filter) })) {
    runs.push({
      workflowId: execution.workflowId,
      runId: execution.runId,
      startTime: execution.startTime.getTime(),
    });
  }
  runs.sort((a, b) => a.startTime - b.startTime);
  return runs.map(({ workflowId, runId }) => ({ workflowId, runId }));
}

/** A history fetched from Temporal, or why it could not be fetched (e.g. deleted after retention). */
export type FetchedHistory = NamedHistory | (OnboardingRunRef & { fetchError: string });

/**
 * Fetches the histories of `runs` in order, keeping up to `ahead` downloads in flight so the replay
 * never waits on the network longer than it must. A failed download yields its error; it never throws.
 */
export async function* fetchHistories(
  client: Client,
  runs: readonly OnboardingRunRef[],
  ahead = 4,
): AsyncGenerator<FetchedHistory> {
  const fetchOne = async (run: OnboardingRunRef): Promise<FetchedHistory> => {
    try {
      const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      return { ...run, source: 'temporal', history };
    } catch (error) {
      return { ...run, fetchError: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
    }
  };
  const inFlight: Promise<FetchedHistory>[] = [];
  let next = 0;
  while (next < runs.length || inFlight.length > 0) {
    while (inFlight.length < ahead && next < runs.length) {
      inFlight.push(fetchOne(runs[next]!));
      next += 1;
    }
    yield await inFlight.shift()!;
  }
}
