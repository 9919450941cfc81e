import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { ReplayResult } from '@temporalio/worker';

const historiesDir = path.join(__dirname, 'histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

// Committed histories of real onboardUser runs (recorded with scripts/record-onboarding-histories.ts).
// Replaying them against today's workflow code proves a change is deterministic for runs already in
// flight; a change that is not must go through patched() and gain a new history here.
describe('onboardUser replay', () => {
  it('when the committed histories exist, then they cover every ending', () => {
    const endings = files.map((f) => f.replace(/\.json$/, '')).sort();
    expect(endings).toEqual(expect.arrayContaining(['cancelled', 'denied', 'enabled', 'expired', 'failed']));
  });

  it.each(files)('when %s is replayed against the current code, then it is deterministic', async (file) => {
    const history: unknown = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8'));
    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: process.env.TWOFOLD_TEST_WORKFLOW_BUNDLE! } },
      [{ workflowId: `replay-${file}`, history }],
    )) {
      results.push(result);
    }
    expect(results).toHaveLength(1);
    expect(results[0]!.error).toBeUndefined();
  });
});
