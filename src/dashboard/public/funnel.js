// @ts-check
// The onboarding funnel: one bar per step (share of the runs started, loss from the step before),
// then how the period's runs ended, as one stacked bar with its legend.

import { formatCount, formatDuration, formatPercent } from './format.js';
import { el, hideTooltip, showTooltip, tooltipBody } from './tooltip.js';

/**
 * @typedef {{ key: string, label: string, count: number, ofStarted: number }} Step
 * @typedef {{
 *   provider: string, runs: number, runsByProvider: Record<string, number>,
 *   steps: Step[], medianSecondsToEnabled: number | null,
 *   outcomes: Record<string, number> & { inProgress: Record<string, number> },
 * }} Funnel
 */

/** @type {Record<string, string>} */
const PROVIDER_NAMES = { authy: 'Authy', verify: 'Verify' };

const OUTCOMES = [
  { key: 'enabled', label: 'Enabled', color: 'c-green' },
  { key: 'denied', label: 'Denied', color: 'c-orange' },
  { key: 'expired', label: 'Expired', color: 'c-amber' },
  { key: 'failed', label: 'Failed', color: 'c-red' },
  { key: 'cancelled', label: 'Cancelled', color: 'c-grey' },
  { key: 'in_progress', label: 'Still in progress', color: 'c-blue' },
];

/**
 * @param {HTMLElement} container
 * @param {Funnel} funnel
 * @param {string} periodText
 */
export function renderFunnel(container, funnel, periodText) {
  if (funnel.runs === 0) {
    const provider =
      funnel.provider === 'all' ? '' : `${PROVIDER_NAMES[funnel.provider] ?? funnel.provider} `;
    container.replaceChildren(el('p', { class: 'empty' }, `No ${provider}onboarding started ${periodText}.`));
    container.dataset.state = 'empty';
    return;
  }
  const steps = el(
    'ol',
    { class: 'funnel' },
    ...funnel.steps.map((step, i) => {
      const previous = funnel.steps[i - 1];
      const lost = previous ? previous.count - step.count : 0;
      return el(
        'li',
        { 'data-step': step.key, 'data-count': step.count },
        el('span', { class: 'step-label' }, step.label),
        el(
          'span',
          { class: 'step-track' },
          el('span', {
            class: 'step-bar',
            'data-width': (step.ofStarted * 100).toFixed(2),
          }),
        ),
        el('span', { class: 'step-count' }, formatCount(step.count)),
        el('span', { class: 'step-share' }, formatPercent(step.ofStarted)),
        el(
          'span',
          { class: 'step-lost', title: previous ? `lost since “${previous.label}”` : '' },
          lost > 0 ? `−${formatCount(lost)}` : '',
        ),
      );
    }),
  );
  // Widths are set through the CSSOM: the page's policy allows no inline style attributes.
  for (const bar of steps.querySelectorAll('.step-bar')) {
    const node = /** @type {HTMLElement} */ (bar);
    node.style.width = `${node.dataset.width}%`;
  }

  const inProgress = Object.values(funnel.outcomes.inProgress).reduce((a, b) => a + b, 0);
  /** @param {string} key */
  const outcomeCount = (key) => (key === 'in_progress' ? inProgress : (funnel.outcomes[key] ?? 0));
  const stack = el('div', { class: 'outcome-bar', role: 'img', 'aria-label': 'How the runs ended' });
  for (const outcome of OUTCOMES) {
    const count = outcomeCount(outcome.key);
    if (count === 0) continue;
    const part = el('span', {
      class: `outcome ${outcome.color}`,
      'data-outcome': outcome.key,
      'data-count': count,
    });
    part.style.flexGrow = String(count);
    const details =
      outcome.key === 'in_progress'
        ? Object.entries(funnel.outcomes.inProgress).map(([stage, n]) => ({
            label: stage.replace(/_/g, ' '),
            value: formatCount(n),
          }))
        : [];
    /** @param {PointerEvent} event */
    const show = (event) =>
      showTooltip(
        tooltipBody(outcome.label, [
          { label: 'Runs', value: formatCount(count), swatch: outcome.color },
          { label: 'Share', value: formatPercent(count / funnel.runs) },
          ...details,
        ]),
        event.clientX,
        event.clientY,
      );
    part.addEventListener('pointermove', (event) => show(/** @type {PointerEvent} */ (event)));
    part.addEventListener('pointerdown', (event) => show(/** @type {PointerEvent} */ (event)));
    part.addEventListener('pointerleave', hideTooltip);
    stack.append(part);
  }
  const legend = el(
    'ul',
    { class: 'legend outcomes' },
    ...OUTCOMES.map((outcome) =>
      el(
        'li',
        { class: outcome.color, 'data-outcome': outcome.key },
        el('span', { class: 'swatch' }),
        `${outcome.label} `,
        el('b', { 'data-count': outcomeCount(outcome.key) }, formatCount(outcomeCount(outcome.key))),
      ),
    ),
  );
  const facts = el(
    'p',
    { class: 'facts' },
    `${formatCount(funnel.runs)} onboarding run${funnel.runs === 1 ? '' : 's'} (a user who retried counts once per run)`,
    funnel.provider === 'all'
      ? el(
          'span',
          { class: 'by-provider' },
          ` · Authy ${formatCount(funnel.runsByProvider.authy ?? 0)}`,
          ` · Verify ${formatCount(funnel.runsByProvider.verify ?? 0)}`,
        )
      : ` on ${PROVIDER_NAMES[funnel.provider] ?? funnel.provider}`,
    funnel.medianSecondsToEnabled === null
      ? null
      : ` · median time to 2FA enabled ${formatDuration(funnel.medianSecondsToEnabled)}`,
  );
  container.replaceChildren(steps, el('h3', {}, 'How they ended'), stack, legend, facts);
  container.dataset.state = 'ready';
}
