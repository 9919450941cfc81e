// @ts-check
// Stuck onboardings: per waiting stage, how many wait and how many longer than the threshold, the
// longest waits, each linked to its workflow in the Temporal Web UI, and the stage's list filter.

import { formatCount, formatDateTime, formatDuration } from './format.js';
import { el } from './tooltip.js';

/**
 * @typedef {{ workflowId: string, runId: string, provider: 'authy' | 'verify' | null,
 *   stageEnteredAt: string, waitingSeconds: number, enteredAtSource: 'record' | 'start_time',
 *   url: string }} Waiting
 * @typedef {{ stage: string, label: string, waiting: number, stuck: number,
 *   stuckByProvider: Record<string, number>, longestWaitSeconds: number | null, listUrl: string,
 *   longest: Waiting[] }} StageReport
 * @typedef {{ generatedAt: string, olderThanSeconds: number, namespace: string, complete: boolean,
 *   stages: StageReport[] }} StuckReport
 */

/** @type {Record<string, string>} */
const PROVIDER_LABELS = { authy: 'Authy', verify: 'Verify' };

/**
 * @param {HTMLElement} container
 * @param {StuckReport} report
 */
export function renderStuck(container, report) {
  // '' = no minimum: every waiting run counts and is listed.
  const threshold = report.olderThanSeconds === 0 ? '' : formatDuration(report.olderThanSeconds);
  const cards = el(
    'div',
    { class: 'stages' },
    ...report.stages.map((stage) => stageCard(stage, threshold, report.complete)),
  );
  const anyWaiting = report.stages.some((s) => s.waiting > 0 || s.stuck > 0);
  const note = anyWaiting
    ? null
    : el('p', { class: 'empty' }, `No onboarding is waiting in namespace “${report.namespace}” right now.`);
  const partial = report.complete
    ? null
    : el(
        'p',
        { class: 'note' },
        'More onboardings could be stuck than this page examined: stuck counts are lower bounds. The Web UI links list them all.',
      );
  container.replaceChildren(cards, ...(note ? [note] : []), ...(partial ? [partial] : []));
  container.dataset.state = anyWaiting ? 'ready' : 'empty';
}

/**
 * @param {StageReport} stage
 * @param {string} threshold
 * @param {boolean} complete
 */
function stageCard(stage, threshold, complete) {
  const list =
    stage.longest.length === 0
      ? el(
          'p',
          { class: 'quiet' },
          stage.waiting === 0 || threshold === ''
            ? 'Nobody waits here.'
            : `Nobody has waited longer than ${threshold}.`,
        )
      : el(
          'ol',
          { class: 'waits' },
          ...stage.longest.map((w) =>
            el(
              'li',
              {},
              el(
                'a',
                {
                  href: w.url,
                  target: '_blank',
                  rel: 'noopener',
                  'data-workflow-id': w.workflowId,
                  title: `Open ${w.workflowId} in the Temporal Web UI`,
                },
                w.workflowId,
              ),
              el(
                'span',
                {
                  class: 'provider',
                  'data-provider': w.provider ?? 'unknown',
                  title: w.provider
                    ? 'Provider of this onboarding'
                    : 'No customer record yet: provider unknown',
                },
                w.provider ? (PROVIDER_LABELS[w.provider] ?? w.provider) : '?',
              ),
              el(
                'span',
                {
                  class: 'wait',
                  'data-seconds': w.waitingSeconds,
                  title:
                    w.enteredAtSource === 'record'
                      ? `in this stage since ${formatDateTime(w.stageEnteredAt)}`
                      : `running since ${formatDateTime(w.stageEnteredAt)} (no customer record yet)`,
                },
                `${w.enteredAtSource === 'record' ? '' : '≤ '}${formatDuration(w.waitingSeconds)}`,
              ),
            ),
          ),
        );
  return el(
    'article',
    { class: 'stage', 'data-stage': stage.stage, 'data-waiting': stage.waiting, 'data-stuck': stage.stuck },
    el('h3', {}, stage.label),
    el(
      'p',
      { class: 'big' },
      el('span', { class: 'waiting-count' }, formatCount(stage.waiting)),
      el('span', { class: 'unit' }, ' waiting'),
    ),
    el(
      'p',
      { class: stage.stuck > 0 ? 'stuck alert' : 'stuck' },
      threshold === '' ? null : `${complete ? '' : '≥ '}${formatCount(stage.stuck)} longer than ${threshold}`,
      stage.longestWaitSeconds === null
        ? null
        : `${threshold === '' ? '' : ' · '}longest ${formatDuration(stage.longestWaitSeconds)}`,
    ),
    stage.stuck === 0
      ? null
      : el(
          'p',
          { class: 'by-provider' },
          Object.entries(stage.stuckByProvider)
            .map(([provider, n]) => `${PROVIDER_LABELS[provider] ?? provider} ${formatCount(n)}`)
            .join(' · '),
        ),
    list,
    el(
      'a',
      { class: 'ui-link', href: stage.listUrl, target: '_blank', rel: 'noopener', 'data-list': stage.stage },
      'Open the list in the Temporal Web UI ↗',
    ),
  );
}
