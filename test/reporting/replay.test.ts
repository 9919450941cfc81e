import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { replayHistory } from '../harness/replay';

const historiesDir = path.join(__dirname, 'histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

interface RecordedSync {
  workflowId: string;
  status: string;
  history: unknown;
}

// Committed histories of real syncReportingEvents runs, one per way a run ends or carries on (read
// from the dev server after the suite ran them). Replaying them against today's workflow code
// proves a change is deterministic for syncs in flight; one that is not goes behind patched().
describe('syncReportingEvents replay', () => {
  it('when the committed histories exist, then they cover completion, failure, termination and continue-as-new', () => {
    const statuses = new Set(
      files.map(
        (file) => (JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as RecordedSync).status,
      ),
    );
    expect([...statuses].sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'FAILED', 'TERMINATED']);
  });

  it.each(files)('when %s is replayed against the current code, then it is deterministic', async (file) => {
    const recorded = JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')) as RecordedSync;
    expect(await replayHistory(recorded.history, recorded.workflowId)).toBeUndefined();
  });
});
