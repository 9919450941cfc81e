import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { replayHistory as replay } from '../harness/replay';
import { withLateClock, withStaleClock } from './history-clock';
import type { HistoryJson } from './history-clock';

// The committed Verify histories (recorded by test/onboarding/record-verify-histories.ts) replay
// against this checkout's code with the recorded clock (replay.test.ts), a stale clock and a late one:
// the Verify half decides from which timer fired or message arrived, never from the clock
// (docs/verify.md, "Durability").

const dir = path.join(__dirname, 'histories');
const files = readdirSync(dir).filter((file) => file.endsWith('.verify.json'));

describe('onboardUser on Verify: committed histories', () => {
  it('when the Verify histories are listed, then every path is there', () => {
    const paths = ['totp-enabled', 'totp-expired', 'push-enabled', 'push-denied', 'push-expired'];
    expect(files).toEqual(expect.arrayContaining(paths.map((p) => `${p}.verify.json`)));
  });

  it('when the TOTP histories are read as text, then no otpauth URI or secret is in clear', () => {
    for (const file of files)
      expect(readFileSync(path.join(dir, file), 'utf8')).not.toMatch(/otpauth|secret=/);
  });

  it.each(files)(
    'when %s is replayed with a stale clock and a late clock, then it is deterministic',
    async (file) => {
      const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as HistoryJson;
      expect(await replay(withStaleClock(history), `stale-${file}`)).toBeUndefined();
      expect(await replay(withLateClock(history, 86_400_000), `late-${file}`)).toBeUndefined();
    },
  );
});
