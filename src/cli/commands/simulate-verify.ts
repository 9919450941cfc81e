import { writeFile } from 'node:fs/promises';
import type { OnboardingTiming } from '../../shared/onboarding';
import { formatVerifySimulation, runVerifySimulation } from '../../simulation/verify-simulation';
import { CliError, EXIT, commandContext } from '../context';
import { withTemporalClient } from '../temporal-client';
import { verifyCredentialsProblem } from '../../config';

/**
 * `twofold simulate --provider verify`: a Verify cohort whose people the emulator's Verify control API
 * plays (TOTP codes, push enrolment and answers). Exits 1 unless every person ended as their persona
 * should (docs/verify.md, "Operating it").
 */
export async function runVerifySimulateCommand(options: {
  users: number;
  idPrefix: string;
  timeout: number;
  timing: OnboardingTiming;
  resultFile?: string;
  json?: boolean;
}): Promise<void> {
  const { config } = commandContext();
  if (config.verify.isRemote) {
    throw new CliError(
      `simulate plays the emulator's people, but VERIFY_API_URL (${config.verify.apiUrl}) is not a local emulator\n` +
        '  Fix: start one (`make up` or `twofold emulator`) and set VERIFY_API_URL=http://127.0.0.1:4010.',
      EXIT.config,
    );
  }
  const problem = verifyCredentialsProblem(config.verify, { needsService: true });
  if (problem !== undefined) throw new CliError(problem, EXIT.config);
  let last = '';
  const result = await withTemporalClient(config, (client) =>
    runVerifySimulation({
      client,
      taskQueue: config.temporal.taskQueue,
      emulatorUrl: config.verify.apiUrl,
      serviceSid: config.verify.serviceSid!,
      users: options.users,
      idPrefix: options.idPrefix,
      timing: options.timing,
      timeoutMs: options.timeout,
      ...(options.json
        ? {}
        : {
            onProgress: (counts) => {
              const line = Object.entries(counts)
                .map(([stage, n]) => `${stage} ${n}`)
                .join(', ');
              if (line !== last) process.stderr.write(`[verify cohort] ${line}\n`);
              last = line;
            },
          }),
    }),
  );
  if (options.resultFile) await writeFile(options.resultFile, JSON.stringify(result, null, 2));
  if (options.json) console.log(JSON.stringify(result));
  else console.log(formatVerifySimulation(result));
  if (!result.settled || result.endedRight !== result.people.length) {
    throw new CliError(
      `${result.people.length - result.endedRight} of ${result.people.length} people did not end as their persona should`,
    );
  }
}
