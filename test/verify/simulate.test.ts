import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { VerifySimulationResult } from '../../src/simulation/verify-simulation';
import { runCli } from '../harness/cli';
import { createVerifyOnboardingHarness } from './harness';
import type { VerifyOnboardingHarness } from './harness';

// `twofold simulate --provider verify` (docs/verify.md, "Operating it"): every persona against a
// worker holding the Verify provider and the emulator's Verify control API (no gateway: the polls
// find enrolled push factors and answers).

let h: VerifyOnboardingHarness;
beforeAll(async () => {
  h = await createVerifyOnboardingHarness();
}, 120_000);
afterAll(() => h.close());

it('when a Verify cohort of every persona is simulated, then each person ends as their persona should and the command exits 0', async () => {
  const resultFile = path.join(tmpdir(), `verify-sim-${randomUUID()}.json`);
  const run = await runCli(
    [
      'simulate',
      '--provider',
      'verify',
      '--users',
      '6',
      '--id-prefix',
      `vsim-${randomUUID().slice(0, 8)}`,
      '--approval-expiry',
      '3s',
      '--approval-attempts',
      '1',
      '--poll-every',
      '1s',
      '--give-up-after',
      '60s',
      '--timeout',
      '50s',
      '--result-file',
      resultFile,
    ],
    {
      VERIFY_API_URL: h.emulator.url,
      VERIFY_SERVICE_SID: h.serviceSid,
      TWILIO_ACCOUNT_SID: '',
      TWILIO_AUTH_TOKEN: '',
      TEMPORAL_TASK_QUEUE: h.taskQueue,
    },
  );
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stdout).toContain('ended as their persona should: 6/6');
  const result = JSON.parse(await readFile(resultFile, 'utf8')) as VerifySimulationResult;
  expect(Object.fromEntries(result.people.map((p) => [p.persona, p.stage]))).toEqual({
    'enters-code': 'enabled',
    'wrong-code-first': 'enabled',
    approves: 'enabled',
    denies: 'denied',
    'ignores-push': 'expired',
    'never-enrolls': 'awaiting_device',
  });
  expect(result.people.find((p) => p.persona === 'wrong-code-first')?.actions).toEqual([
    'wrong code refused',
    'code accepted',
  ]);
}, 90_000);
