import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../src/temporal/data-converter';
import { testTemporalSettings } from './temporal';

/**
 * Replays one workflow history (Temporal's JSON form) against this checkout's workflow bundle,
 * with the suite's data converter; resolves to the replay error, or undefined when it replays.
 */
export async function replayHistory(history: unknown, workflowId: string): Promise<Error | undefined> {
  const results = Worker.runReplayHistories(
    {
      workflowBundle: { codePath: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE! },
      dataConverter: createDataConverter(testTemporalSettings().payloadKeys),
    },
    [{ workflowId, history }],
  );
  for await (const result of results) return result.error;
  throw new Error('the replayer returned no result');
}
