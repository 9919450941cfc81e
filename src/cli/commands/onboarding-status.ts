import type { Command } from 'commander';
import { findOnboarding } from '../../db/onboardings';
import { createPool } from '../../db/pool';
import type { DbPool } from '../../db/pool';
import { errorText, readOnboardingStatus } from '../../client/onboarding-status';
import type { RecordedStatus, StatusAnswer } from '../../client/onboarding-status';
import { onboardingWorkflowId } from '../../shared/onboarding';
import type { OnboardingStatus } from '../../shared/onboarding';
import { durationOption } from '../arguments';
import { CliError, commandContext } from '../context';
import { withTemporalClient } from '../temporal-client';
import { printStatusRows, statusRows } from './status-rows';

interface StatusCommandOptions {
  json?: boolean;
  queryTimeout: number;
}

const SOURCE_LABEL: Record<StatusAnswer['source'], string> = {
  query: 'status query',
  result: 'workflow result (the run completed)',
  'customer-record': 'customer record in PostgreSQL (the query failed; it may lag the run)',
  none: 'none',
};

function printAnswer(answer: StatusAnswer, json: boolean | undefined): void {
  if (json) {
    console.log(
      JSON.stringify({
        ...answer.status,
        source: answer.source,
        workflowId: answer.workflowId,
        runId: answer.runId,
        runStatus: answer.runStatus,
        ...(answer.queryError === undefined ? {} : { queryError: answer.queryError }),
      }),
    );
    return;
  }
  const status: Partial<OnboardingStatus & RecordedStatus> = answer.status ?? {};
  printStatusRows([
    ...statusRows(status),
    ['completed', status.completedAt],
    ['run', `${answer.runId} (${answer.runStatus})`],
    ['source', SOURCE_LABEL[answer.source]],
  ]);
}

/**
 * `twofold onboarding status <userId>`: the status query of a running onboarding; a completed run's
 * result (no worker needed); and when the query fails, why, with the customer record as a fallback.
 */
export function registerOnboardingStatusCommand(onboarding: Command): void {
  onboarding
    .command('status')
    .description(
      "print a user's onboarding status: the status query, a completed run's result, or — when the query fails — why, and the customer record; exit 1 when the run cannot be queried",
    )
    .argument('<userId>')
    .addOption(
      durationOption(
        '--query-timeout <duration>',
        'give up on the query after this long (no worker answering)',
        {
          minMs: 100,
          defaultMs: 10_000,
        },
      ),
    )
    .option(
      '--json',
      'print the status as JSON, with source (query, result, customer-record or none), runStatus and queryError',
    )
    .action(async (userId: string, options: StatusCommandOptions) => {
      const { config } = commandContext();
      let pool: DbPool | undefined;
      let recordError: string | undefined;
      try {
        const answer = await withTemporalClient(config, (client) =>
          readOnboardingStatus(client, userId, {
            queryTimeoutMs: options.queryTimeout,
            readRecord: async (id) => {
              pool ??= createPool(config.databaseUrl, { max: 1, statementTimeoutMs: 5_000 });
              return findOnboarding(pool, id).catch((error: unknown) => {
                recordError = errorText(error);
                return undefined;
              });
            },
          }).catch((error: unknown) => {
            if (error instanceof Error && error.name === 'WorkflowNotFoundError') {
              throw new CliError(
                `no onboarding for user ${userId} (workflow ${onboardingWorkflowId(userId)})`,
              );
            }
            throw error;
          }),
        );
        if (answer.queryError !== undefined) {
          console.error(
            `twofold: cannot query ${answer.workflowId} (run ${answer.runId}, ${answer.runStatus}): ${answer.queryError}`,
          );
        }
        printAnswer(answer, options.json);
        if (answer.source === 'customer-record') {
          throw new CliError(
            'the run could not be queried: the status above is the customer record, not the run\n' +
              "  Fix: check that a worker polls the run's task queue, and `twofold onboarding replay-check` for runs that no longer replay.",
          );
        }
        if (answer.source === 'none') {
          throw new CliError(
            `the run could not be queried and ${recordError ? `the customer record could not be read (${recordError})` : 'it has no customer record yet'}\n` +
              "  Fix: check that a worker polls the run's task queue, and `twofold onboarding replay-check` for runs that no longer replay.",
          );
        }
      } finally {
        await pool?.end();
      }
    });
}
