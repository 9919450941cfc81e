// The summary at the end of `make demo`: onboardings per stage (from the simulation's result file),
// Authy events stored in reporting_events and deliveries the gateway recorded in the demo window, and
// where to find the stuck onboardings. Exits non-zero when nothing flowed (no events synced or no
// callbacks received), so a broken pipeline fails the demo.
// Usage: tsx scripts/demo-summary.ts --result <file> --from <ISO> --to <ISO>
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../src/config';
import { workflowListUrl } from '../src/dashboard/web-ui-links';
import { createPool } from '../src/db/pool';
import type { DbPool } from '../src/db/pool';
import { ONBOARDING_STAGES } from '../src/shared/onboarding';
import { formatStageTable } from '../src/simulation/report';

const ResultSchema = z.looseObject({
  runId: z.string(),
  users: z.number(),
  durationMs: z.number(),
  stages: z.record(z.enum(ONBOARDING_STAGES), z.number()),
  stuck: z.array(z.string()),
  people: z.array(
    z.looseObject({
      authyId: z.string().optional(),
      remindersSent: z.number(),
      approvalAttempts: z.number(),
    }),
  ),
});

/** Counts of the demo cohort's rows in the window; the database may hold other runs' rows too. */
async function countsBy(pool: DbPool, sql: string, window: { from: string; to: string }, authyIds: string[]) {
  const { rows } = await pool.query<{ key: string; count: string }>(sql, [window.from, window.to, authyIds]);
  return rows.map((r) => ({ key: r.key, count: Number(r.count) }));
}

function table(rows: { key: string; count: number }[]): string[] {
  const width = Math.max(18, ...rows.map((r) => r.key.length));
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  return [
    ...rows.map((r) => `  ${r.key.padEnd(width)} ${String(r.count).padStart(5)}`),
    `  ${'total'.padEnd(width)} ${String(total).padStart(5)}`,
  ];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { result: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  });
  if (!values.result || !values.from || !values.to) {
    console.error('usage: demo-summary.ts --result <file> --from <ISO> --to <ISO>');
    return 2;
  }
  const window = { from: values.from, to: values.to };
  const config = loadConfig();
  const result = ResultSchema.parse(JSON.parse(await readFile(values.result, 'utf8')));
  const pool = createPool(config.databaseUrl, { max: 2 });
  try {
    const authyIds = result.people.flatMap((p) => (p.authyId ? [p.authyId] : []));
    const events = await countsBy(
      pool,
      `select event as key, count(*) as count from reporting_events
        where occurred_at >= $1 and occurred_at < $2 and authy_id = any($3::text[])
        group by event order by count(*) desc, event`,
      window,
      authyIds,
    );
    const deliveries = await countsBy(
      pool,
      `select source || ' ' || event || ' → ' || state as key, count(*) as count from webhook_inbox
        where received_at >= $1 and received_at < $2 and authy_id = any($3::text[])
        group by 1 order by 2 desc, 1`,
      window,
      authyIds,
    );
    const reminders = result.people.reduce((sum, p) => sum + p.remindersSent, 0);
    const approvals = result.people.reduce((sum, p) => sum + p.approvalAttempts, 0);
    const target = { uiUrl: config.temporal.uiUrl, namespace: config.temporal.namespace };
    const lines = [
      `onboardings by stage (${result.users} people, settled in ${(result.durationMs / 1000).toFixed(1)}s;` +
        ` ${reminders} install-link reminders, ${approvals} approval requests):`,
      ...formatStageTable(result.stages),
      '',
      `the cohort's Authy events stored in reporting_events (synced for [${window.from}, ${window.to})), by type:`,
      ...table(events),
      '',
      "the cohort's callbacks recorded by the gateway (webhook_inbox: source, event → state):",
      ...table(deliveries),
      '',
      `stuck onboardings (awaiting_device): ${result.stuck.length}`,
      `  Temporal Web UI: ${workflowListUrl(target, 'OnboardingStage="awaiting_device"')}`,
      `  this run only:   ${workflowListUrl(target, `OnboardingStage="awaiting_device" AND WorkflowId STARTS_WITH "onboarding-demo-${result.runId}-"`)}`,
      '  CLI:             npx twofold onboarding stuck --stage awaiting_device',
      `  dashboard:       http://127.0.0.1:${config.admin.port}/dashboard (the gateway's admin listener)`,
    ];
    console.log(lines.join('\n'));
    const problems = [
      ...(events.length === 0 ? ['no Authy events were synced into reporting_events'] : []),
      ...(deliveries.length === 0 ? ['the gateway recorded no webhook or OneTouch delivery'] : []),
    ];
    for (const problem of problems) console.error(`[twofold] demo check failed: ${problem}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
