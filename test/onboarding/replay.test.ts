import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { ReplayResult } from '@temporalio/worker';
import { createDataConverter } from '../../src/temporal/data-converter';
import { testTemporalSettings } from '../harness/temporal';

const historiesDir = path.join(__dirname, 'histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

// Committed histories of real onboardUser runs (recorded with scripts/record-onboarding-histories.ts).
// Replaying them against today's workflow code proves a change is deterministic for runs already in
// flight; a change that is not must go through patched() and gain a new history here.
describe('onboardUser replay', () => {
  it.each([
    ['the first release (clock-comparing waits)', ''],
    ['the explicit-timers patch', '.explicit-timers'],
  ])('when the committed histories of %s exist, then they cover every ending', (_version, suffix) => {
    const endings = ['cancelled', 'denied', 'enabled', 'expired', 'failed'];
    expect(files).toEqual(expect.arrayContaining(endings.map((ending) => `${ending}${suffix}.json`)));
  });

  it.each(files)('when %s is replayed against the current code, then it is deterministic', async (file) => {
    const history: unknown = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8'));
    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories(
      {
        workflowBundle: { codePath: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE! },
        dataConverter: createDataConverter(testTemporalSettings().payloadKeys),
      },
      [{ workflowId: `replay-${file}`, history }],
    )) {
      results.push(result);
    }
    expect(results).toHaveLength(1);
    expect(results[0]!.error).toBeUndefined();
  });
});
