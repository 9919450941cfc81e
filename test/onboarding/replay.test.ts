import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { replayHistory } from '../harness/replay';

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
    expect(await replayHistory(history, `replay-${file}`)).toBeUndefined();
  });
});
