// @ts-check
// A daily time-series chart drawn as SVG: stacked bars (parts of one whole, e.g. OneTouch answers)
// or lines (related counts, e.g. recoveries started / approved). Hover, touch or arrow keys show a
// day's values; every drawn value carries data-series / data-day / data-value for tests and tools.

import { formatCount, formatLongDay, formatShortDay } from './format.js';
import { el, hideTooltip, showTooltip, tooltipBody } from './tooltip.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @typedef {{ day: string, count: number }} Point
 * @typedef {{ key: string, label: string, total: number, points: Point[] }} ApiSeries
 * @typedef {{
 *   days: string[],
 *   series: ApiSeries[],
 *   colors: string[],
 *   mode: 'stacked' | 'lines',
 *   emptyText: string,
 *   describe?: (values: Record<string, number>) => { label: string, value: string }[],
 * }} ChartSpec
 */

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attributes
 * @returns {SVGElement}
 */
function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/**
 * A round step for about `ticks` grid lines up to `max` (never below 1: counts are whole).
 * @param {number} max
 * @param {number} ticks
 */
function niceStep(max, ticks) {
  const raw = Math.max(1, max / ticks);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return Math.max(1, Math.round(step));
}

/**
 * Renders the chart, its legend (with the period totals) and a table view into `container`.
 * @param {HTMLElement} container
 * @param {ChartSpec} spec
 */
export function renderDailyChart(container, spec) {
  const { days, series, colors } = spec;
  const values = series.map((s) => {
    const byDay = new Map(s.points.map((p) => [p.day, p.count]));
    return days.map((day) => byDay.get(day) ?? 0);
  });

  const legend = el(
    'ul',
    { class: 'legend' },
    ...series.map((s, i) =>
      el(
        'li',
        { class: colors[i] },
        el('span', { class: 'swatch' }),
        `${s.label} `,
        el('b', { 'data-total': s.key }, formatCount(s.total)),
      ),
    ),
  );
  if (series.every((s) => s.total === 0)) {
    container.replaceChildren(legend, el('p', { class: 'empty' }, spec.emptyText));
    container.dataset.state = 'empty';
    return;
  }

  const chart = el('div', { class: 'chart' });
  container.replaceChildren(legend, chart, tableView(spec, values));
  container.dataset.state = 'ready';

  let width = 0;
  const draw = () => {
    const measured = Math.max(260, Math.floor(chart.clientWidth));
    if (measured === width) return;
    width = measured;
    chart.replaceChildren(drawSvg(spec, values, width));
  };
  draw();
  new ResizeObserver(draw).observe(chart);
}

/**
 * @param {ChartSpec} spec
 * @param {number[][]} values values[series][day]
 * @param {number} width
 */
function drawSvg(spec, values, width) {
  const { days, series, colors, mode } = spec;
  const stacked = mode === 'stacked';
  const dayTotals = days.map((_, d) => values.reduce((sum, v) => sum + (v[d] ?? 0), 0));
  const max = stacked ? Math.max(...dayTotals) : Math.max(...values.flat());
  const step = niceStep(max, 4);
  const top = Math.ceil(max / step) * step;

  const height = width < 480 ? 180 : 220;
  const margin = { top: 10, right: 8, bottom: 24, left: 14 + 7 * formatCount(top).length };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const band = plotW / days.length;
  /** @param {number} v */
  const y = (v) => margin.top + plotH - (v / top) * plotH;
  /** @param {number} d */
  const x = (d) => margin.left + d * band;

  const root = /** @type {SVGSVGElement} */ (
    svg('svg', {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      tabindex: 0,
      'aria-label': `${series.map((s) => `${s.label}: ${formatCount(s.total)}`).join(', ')}, over ${days.length} days. Use the arrow keys for each day.`,
    })
  );

  const grid = svg('g', { class: 'axes' });
  for (let v = 0; v <= top; v += step) {
    grid.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v) }));
    const label = svg('text', { x: margin.left - 6, y: y(v) + 4, 'text-anchor': 'end' });
    label.textContent = formatCount(v);
    grid.append(label);
  }
  const every = Math.max(1, Math.ceil(64 / band));
  for (let d = 0; d < days.length; d += every) {
    const cx = Math.min(Math.max(x(d) + band / 2, margin.left + 18), width - margin.right - 18);
    const label = svg('text', { x: cx, y: height - 6, 'text-anchor': 'middle' });
    label.textContent = formatShortDay(/** @type {string} */ (days[d]));
    grid.append(label);
  }
  const hover = svg('rect', {
    class: 'hover-band',
    x: 0,
    y: margin.top,
    width: band,
    height: plotH,
    visibility: 'hidden',
  });
  root.append(grid, hover);

  const marks = svg('g', { class: 'marks' });
  if (stacked) {
    const pad = band >= 6 ? band * 0.15 : 0;
    days.forEach((day, d) => {
      let base = 0;
      series.forEach((s, i) => {
        const v = values[i]?.[d] ?? 0;
        if (v === 0) return;
        const y1 = y(base + v);
        const h = Math.max(1, y(base) - y1);
        marks.append(
          svg('rect', {
            class: `bar ${colors[i]}`,
            x: x(d) + pad,
            y: y(base) - h,
            width: Math.max(1, band - 2 * pad),
            height: h,
            'data-series': s.key,
            'data-day': day,
            'data-value': v,
          }),
        );
        base += v;
      });
    });
  } else {
    series.forEach((s, i) => {
      const line = values[i] ?? [];
      const path = line.map(
        (v, d) => `${d === 0 ? 'M' : 'L'}${(x(d) + band / 2).toFixed(1)},${y(v).toFixed(1)}`,
      );
      marks.append(svg('path', { class: `line ${colors[i]}`, d: path.join('') }));
      line.forEach((v, d) => {
        if (v === 0) return;
        marks.append(
          svg('circle', {
            class: `dot ${colors[i]}`,
            cx: x(d) + band / 2,
            cy: y(v),
            r: band >= 8 ? 3 : 2,
            'data-series': s.key,
            'data-day': /** @type {string} */ (days[d]),
            'data-value': v,
          }),
        );
      });
    });
  }
  root.append(marks);

  const overlay = svg('rect', {
    class: 'overlay',
    x: margin.left,
    y: margin.top,
    width: plotW,
    height: plotH,
    fill: 'transparent',
  });
  root.append(overlay);

  let active = -1;
  /** @param {number} d @param {number} clientX @param {number} clientY */
  const point = (d, clientX, clientY) => {
    active = Math.min(days.length - 1, Math.max(0, d));
    hover.setAttribute('x', String(x(active)));
    hover.setAttribute('visibility', 'visible');
    /** @type {Record<string, number>} */
    const byKey = {};
    series.forEach((s, i) => (byKey[s.key] = values[i]?.[active] ?? 0));
    /** @type {{ label: string, value: string, swatch?: string }[]} */
    const rows = series.map((s, i) => ({
      label: s.label,
      value: formatCount(byKey[s.key] ?? 0),
      swatch: colors[i],
    }));
    if (stacked && series.length > 1)
      rows.push({ label: 'Total', value: formatCount(dayTotals[active] ?? 0) });
    rows.push(...(spec.describe?.(byKey) ?? []));
    showTooltip(tooltipBody(formatLongDay(/** @type {string} */ (days[active])), rows), clientX, clientY);
    root.dataset.activeDay = days[active];
  };
  const clear = () => {
    hover.setAttribute('visibility', 'hidden');
    delete root.dataset.activeDay;
    hideTooltip();
  };
  /** @param {PointerEvent} event */
  const fromPointer = (event) => {
    const box = root.getBoundingClientRect();
    const scale = width / box.width;
    point(
      Math.floor(((event.clientX - box.left) * scale - margin.left) / band),
      event.clientX,
      event.clientY,
    );
  };
  overlay.addEventListener('pointermove', (event) => fromPointer(/** @type {PointerEvent} */ (event)));
  overlay.addEventListener('pointerdown', (event) => fromPointer(/** @type {PointerEvent} */ (event)));
  overlay.addEventListener('pointerleave', clear);
  root.addEventListener('blur', clear);
  root.addEventListener('keydown', (event) => {
    const key = /** @type {KeyboardEvent} */ (event).key;
    const moves = { ArrowLeft: active - 1, ArrowRight: active + 1, Home: 0, End: days.length - 1 };
    if (key === 'Escape') return clear();
    if (!(key in moves)) return;
    event.preventDefault();
    const next = active < 0 ? days.length - 1 : moves[/** @type {keyof typeof moves} */ (key)];
    const box = root.getBoundingClientRect();
    const at = Math.min(days.length - 1, Math.max(0, next));
    point(
      at,
      box.left + ((x(at) + band / 2) * box.width) / width,
      box.top + (margin.top * box.height) / height,
    );
  });
  return root;
}

/**
 * The same numbers as a table (days with any event), for screen readers and copying.
 * @param {ChartSpec} spec
 * @param {number[][]} values
 */
function tableView(spec, values) {
  const rows = spec.days
    .map((day, d) => ({ day, cells: values.map((v) => v[d] ?? 0) }))
    .filter((row) => row.cells.some((c) => c > 0));
  return el(
    'details',
    { class: 'table-view' },
    el('summary', {}, `Table (${rows.length} day${rows.length === 1 ? '' : 's'} with events)`),
    el(
      'div',
      { class: 'scroll' },
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'col' }, 'Day (UTC)'),
            ...spec.series.map((s) => el('th', { scope: 'col' }, s.label)),
          ),
        ),
        el(
          'tbody',
          {},
          ...rows.map((row) =>
            el(
              'tr',
              {},
              el('th', { scope: 'row' }, row.day),
              ...row.cells.map((c) => el('td', {}, formatCount(c))),
            ),
          ),
        ),
      ),
    ),
  );
}
