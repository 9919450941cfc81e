import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createOnboardingHarness } from '../harness/onboarding';
import { useForAll } from '../harness/lifecycle';
import { replayHistory as replay } from '../harness/replay';
import { withLateClock, withStaleClock } from './history-clock';
import type { HistoryJson } from './history-clock';

function readHistory(file: string): HistoryJson {
  return JSON.parse(readFileSync(file, 'utf8')) as HistoryJson;
}

/** The replay errors of `history` with a stale clock and with one `lateByMs` late, under `label`. */
async function replayWithOtherClocks(label: string, history: HistoryJson, lateByMs: number) {
  return {
    label,
    stale: await replay(withStaleClock(history), `stale-${label}`),
    late: await replay(withLateClock(history, lateByMs), `late-${label}`),
  };
}

// The chaos run's history (test/fixtures) failed to replay because the workflow branched on
// `Date.now()` compared with a deadline set in an earlier activation, and one activation's clock was
// stale (docs/onboarding.md#durability). The waits now branch only on which timer fired: replaying
// the same history with other clocks must make the same commands.
describe('onboardUser decides from timers, not from the workflow clock', () => {
  const h = useForAll(createOnboardingHarness);
  const fresh: { name: string; history: HistoryJson }[] = [];

  beforeAll(async () => {
    // Runs of today's code through every timer: device polls, reminders and the give-up wait …
    const neverInstalls = await h.start({
      timing: {
        installReminderIntervalMs: 700,
        maxInstallReminders: 1,
        installGiveUpAfterMs: 700,
        deviceStatusPollIntervalMs: 200,
      },
    });
    // … and approval polls, expiry and a second push.
    const neverAnswers = await h.start({
      timing: { approvalExpiryMs: 1_200, approvalStatusPollIntervalMs: 300, maxApprovalAttempts: 2 },
    });
    const waiting = await h.waitForStage(neverAnswers, 'awaiting_device');
    await h.emulator.control('POST', `/users/${waiting.authyId}/install`);
    for (const [name, run] of [
      ['device expiry', neverInstalls],
      ['approval expiry', neverAnswers],
    ] as const) {
      expect(await run.handle.result()).toMatchObject({ stage: 'expired' });
      const history = JSON.parse(historyToJSON(await run.handle.fetchHistory())) as HistoryJson;
      fresh.push({ name, history });
    }
  }, 90_000);

  it('when a run of the current code is replayed with the recorded clock, a stale clock and a late clock, then all three replay', async () => {
    for (const { name, history } of fresh) {
      expect({ name, error: await replay(history, `recorded-${name}`) }).toEqual({ name, error: undefined });
      expect(await replayWithOtherClocks(name, history, 3_600_000)).toEqual({
        label: name,
        stale: undefined,
        late: undefined,
      });
    }
  });

  it('when the committed histories of the current code are replayed with a stale and a late clock, then they replay', async () => {
    const dir = path.join(__dirname, 'histories');
    const files = readdirSync(dir).filter((file) => file.endsWith('.explicit-timers.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const history = readHistory(path.join(dir, file));
      expect(await replayWithOtherClocks(file, history, 86_400_000)).toEqual({
        label: file,
        stale: undefined,
        late: undefined,
      });
    }
  });

  it('when a run of the legacy clock-comparing code is replayed with a stale clock, then it fails (the hazard this guards)', async () => {
    const legacy = readHistory(path.join(__dirname, 'histories', 'expired.json'));
    expect(await replay(legacy, 'legacy-recorded')).toBeUndefined();
    const error = await replay(withStaleClock(legacy), 'legacy-stale');
    expect(error?.name).toBe('DeterminismViolationError');
  });

  it('when the chaos run fixture is replayed, then it fails with the nondeterminism the chaos run reported', async () => {
    const fixture = readHistory(
      path.join(__dirname, '..', 'fixtures', 'onboarding-nondeterminism-history.json'),
    );
    const error = await replay(fixture, 'chaos-fixture');
    expect(error?.name).toBe('DeterminismViolationError');
    expect(error?.message).toContain('TimerStarted');
  });
});
