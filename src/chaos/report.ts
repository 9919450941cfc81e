import type { ChaosResult } from './run-chaos';

/** The four figures of a chaos run, one line each, then what failed (if anything). */
export function formatChaosReport(result: ChaosResult): string {
  const lines = [
    `chaos run (seed ${result.seed}): ${result.users} people, ${result.kills.length} kills in ${result.rounds} rounds, ${(result.durationMs / 1000).toFixed(0)} s`,
    `  kills: ${result.kills.map((k) => `${k.service}@${(k.atMs / 1000).toFixed(0)}s`).join(' ') || 'none'}`,
    `  people ended right      ${result.peopleRight}/${result.users}`,
    `  extra pushes            ${result.extraPushes.reduce((sum, e) => sum + e.created - e.counted, 0)}`,
    `  pending callbacks       ${result.pendingCallbacks}`,
    `  histories replayed      ${result.histories.replayed}/${result.histories.total}`,
  ];
  if (result.unexpectedExits.length > 0)
    lines.push(`  restarted after exiting on their own: ${result.unexpectedExits.join('; ')}`);
  lines.push(result.failures.length === 0 ? '  PASSED' : `  FAILED (logs kept in ${result.dir}):`);
  for (const failure of result.failures) lines.push(`    - ${failure}`);
  return lines.join('\n');
}
