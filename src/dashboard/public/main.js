// @ts-check
// The dashboard page: keeps the period (and the stuck threshold) in the URL, loads every panel's
// endpoint in parallel and renders each as soon as it answers, with loading, empty and error states.

import { ApiError, endpointUrl, getJson } from './api.js';
import { renderDailyChart } from './daily-chart.js';
import {
  DAY_MS,
  dateToDay,
  dayToDate,
  daysOf,
  formatClock,
  formatPercent,
  formatShortDay,
} from './format.js';
import { renderFunnel } from './funnel.js';
import { renderStuck } from './stuck.js';
import { el } from './tooltip.js';

/**
 * @typedef {{ from: string, to: string, olderThan: string, provider: string }} State `to` is
 *   exclusive, as in the API
 * @typedef {{ title: string, sub: string, colors: string[], mode: 'stacked' | 'lines', empty: string,
 *   describe?: (values: Record<string, number>) => { label: string, value: string }[] }} ChartPanel
 *   One daily chart: its heading, its series' colours and how it draws them, its empty-state text
 */

/**
 * The daily charts, in page order; each one's panel is built from the page's `chart-panel` template.
 * @type {Record<string, ChartPanel>}
 */
const CHART_PANELS = {
  registrations: {
    title: 'Device registrations',
    sub: 'Authenticator apps installed, per day',
    colors: ['c-blue'],
    mode: 'stacked',
    empty: 'No device was registered',
  },
  onetouch: {
    title: 'OneTouch approvals vs denials',
    sub: 'Push requests answered, per day',
    colors: ['c-blue', 'c-orange'],
    mode: 'stacked',
    empty: 'No OneTouch request was answered',
    describe: (v) => {
      const answered = (v.approved ?? 0) + (v.denied ?? 0);
      return answered === 0
        ? []
        : [{ label: 'Approval rate', value: formatPercent((v.approved ?? 0) / answered) }];
    },
  },
  'phone-changes': {
    title: 'Phone changes',
    sub: 'Users who moved to a new number, per day',
    colors: ['c-violet'],
    mode: 'stacked',
    empty: 'No phone number was changed',
  },
  recoveries: {
    title: 'Account recoveries',
    sub: 'Self-service recoveries after a lost device, per day',
    colors: ['c-blue', 'c-green', 'c-grey'],
    mode: 'lines',
    empty: 'No account recovery happened',
  },
};
const THRESHOLDS = ['0s', '5m', '1h', '1d', '3d', '7d'];
const PROVIDERS = ['all', 'authy', 'verify'];
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const form = /** @type {HTMLFormElement} */ (document.getElementById('period'));
const fromInput = /** @type {HTMLInputElement} */ (form.elements.namedItem('from'));
const toInput = /** @type {HTMLInputElement} */ (form.elements.namedItem('to'));
const thresholdSelect = /** @type {HTMLSelectElement} */ (document.getElementById('older-than'));
const providerSelect = /** @type {HTMLSelectElement} */ (document.getElementById('provider'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));

/** Puts a panel for each daily chart where the page's `chart-panel` template stands. */
function buildChartPanels() {
  const template = /** @type {HTMLTemplateElement} */ (document.getElementById('chart-panel'));
  const panels = Object.entries(CHART_PANELS).map(([id, { title, sub }]) => {
    const panel = /** @type {HTMLElement} */ (template.content.firstElementChild?.cloneNode(true));
    panel.id = id;
    panel.setAttribute('aria-labelledby', `${id}-title`);
    const heading = /** @type {HTMLElement} */ (panel.querySelector('h2'));
    heading.id = `${id}-title`;
    heading.textContent = title;
    /** @type {HTMLElement} */ (panel.querySelector('.sub')).textContent = sub;
    const json = /** @type {HTMLAnchorElement} */ (panel.querySelector('a.json'));
    json.dataset.endpoint = id;
    json.href = `dashboard/api/${id}`;
    return panel;
  });
  template.replaceWith(...panels);
}

buildChartPanels();

/** @param {number} days */
function lastDays(days) {
  const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS);
  return { from: dateToDay(new Date(to.getTime() - days * DAY_MS)), to: dateToDay(to) };
}

/** @returns {State} */
function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const olderThan = params.get('olderThan') ?? '';
  const provider = params.get('provider') ?? '';
  const period = DAY_PATTERN.test(from) && DAY_PATTERN.test(to) && from < to ? { from, to } : lastDays(30);
  return {
    ...period,
    olderThan: THRESHOLDS.includes(olderThan) ? olderThan : '1h',
    provider: PROVIDERS.includes(provider) ? provider : 'all',
  };
}

let state = stateFromUrl();

function showState() {
  fromInput.value = state.from;
  toInput.value = dateToDay(new Date(dayToDate(state.to).getTime() - DAY_MS));
  thresholdSelect.value = state.olderThan;
  providerSelect.value = state.provider;
  const url = new URL(window.location.href);
  url.searchParams.set('from', state.from);
  url.searchParams.set('to', state.to);
  url.searchParams.set('olderThan', state.olderThan);
  url.searchParams.set('provider', state.provider);
  window.history.replaceState(null, '', url);
  for (const button of form.querySelectorAll('button[data-days]')) {
    const preset = lastDays(Number(/** @type {HTMLElement} */ (button).dataset.days));
    const active = preset.from === state.from && preset.to === state.to;
    button.setAttribute('aria-pressed', String(active));
  }
  for (const link of document.querySelectorAll('a[data-endpoint]')) {
    const anchor = /** @type {HTMLAnchorElement} */ (link);
    const endpoint = anchor.dataset.endpoint ?? '';
    anchor.href = endpointUrl(endpoint, paramsFor(endpoint)).href;
  }
}

/**
 * @param {string} endpoint
 * @returns {Record<string, string>}
 */
function paramsFor(endpoint) {
  // The event panels are Authy reporting events: the provider choice is the funnel's and the stuck list's.
  if (endpoint === 'stuck') return { olderThan: state.olderThan, provider: state.provider };
  if (endpoint === 'funnel') return { from: state.from, to: state.to, provider: state.provider };
  return { from: state.from, to: state.to };
}

function periodText() {
  const last = dateToDay(new Date(dayToDate(state.to).getTime() - DAY_MS));
  return state.from === last
    ? `on ${formatShortDay(state.from)}`
    : `between ${formatShortDay(state.from)} and ${formatShortDay(last)}`;
}

/** @param {string} id */
function panelBody(id) {
  return /** @type {HTMLElement} */ (document.querySelector(`#${id} .body`));
}

let controller = new AbortController();

/**
 * Loads one panel and renders it; failures show in the panel with a retry button.
 * @param {string} id
 * @param {AbortSignal} signal
 */
async function loadPanel(id, signal) {
  const body = panelBody(id);
  body.dataset.state = 'loading';
  body.setAttribute('aria-busy', 'true');
  try {
    const data = await getJson(id, paramsFor(id), signal);
    if (signal.aborted) return;
    if (id === 'funnel') renderFunnel(body, data, periodText());
    else if (id === 'stuck') renderStuck(body, data);
    else {
      const panel = /** @type {ChartPanel} */ (CHART_PANELS[id]);
      renderDailyChart(body, {
        days: daysOf(data.period.from, data.period.to),
        series: data.series,
        colors: panel.colors,
        mode: panel.mode,
        emptyText: `${panel.empty} ${periodText()}.`,
        ...(panel.describe ? { describe: panel.describe } : {}),
      });
    }
  } catch (error) {
    if (signal.aborted) return;
    const message = error instanceof ApiError ? error.message : 'unexpected error';
    const retry = el('button', { type: 'button' }, 'Retry');
    retry.addEventListener('click', () => void loadPanel(id, controller.signal));
    body.replaceChildren(
      el('p', { class: 'error', role: 'alert' }, `Could not load this panel: ${message}. `, retry),
    );
    body.dataset.state = 'error';
  } finally {
    if (!signal.aborted) body.removeAttribute('aria-busy');
  }
}

/** Reloads every panel for the current state. */
async function loadAll() {
  controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  showState();
  document.body.dataset.loaded = 'false';
  status.textContent = `Loading ${periodText()} (UTC)…`;
  const ids = ['funnel', ...Object.keys(CHART_PANELS), 'stuck'];
  await Promise.all(ids.map((id) => loadPanel(id, signal)));
  if (signal.aborted) return;
  status.textContent = `${periodText()} (UTC) · updated ${formatClock(new Date())}`;
  document.body.dataset.loaded = 'true';
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const from = fromInput.value;
  const lastDay = toInput.value;
  if (!DAY_PATTERN.test(from) || !DAY_PATTERN.test(lastDay) || from > lastDay) {
    status.textContent = 'Pick a start day on or before the end day.';
    return;
  }
  state = { ...state, from, to: dateToDay(new Date(dayToDate(lastDay).getTime() + DAY_MS)) };
  void loadAll();
});
for (const button of form.querySelectorAll('button[data-days]')) {
  button.addEventListener('click', () => {
    state = { ...state, ...lastDays(Number(/** @type {HTMLElement} */ (button).dataset.days)) };
    void loadAll();
  });
}
document.getElementById('refresh')?.addEventListener('click', () => void loadAll());
thresholdSelect.addEventListener('change', () => {
  state = { ...state, olderThan: thresholdSelect.value };
  showState();
  void loadPanel('stuck', controller.signal);
});

providerSelect.addEventListener('change', () => {
  state = { ...state, provider: providerSelect.value };
  showState();
  void loadPanel('funnel', controller.signal);
  void loadPanel('stuck', controller.signal);
});

void loadAll();
