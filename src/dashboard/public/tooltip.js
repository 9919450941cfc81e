// @ts-check
// The one floating tooltip every chart shares: shown next to the pointer (or the focused element),
// kept inside the viewport.

const tip = /** @type {HTMLElement} */ (document.getElementById('tooltip'));

/**
 * Shows `content` near (x, y) in viewport coordinates.
 * @param {Node} content
 * @param {number} x
 * @param {number} y
 */
export function showTooltip(content, x, y) {
  tip.replaceChildren(content);
  tip.hidden = false;
  const { width, height } = tip.getBoundingClientRect();
  const margin = 12;
  let left = x + margin;
  if (left + width > window.innerWidth - 4) left = Math.max(4, x - margin - width);
  let top = y - height - margin;
  if (top < 4) top = Math.min(window.innerHeight - height - 4, y + margin);
  tip.style.left = `${left + window.scrollX}px`;
  tip.style.top = `${top + window.scrollY}px`;
}

export function hideTooltip() {
  tip.hidden = true;
}

/**
 * A small element tree: `el('p', { class: 'x' }, 'text', child)`.
 * @param {string} tag
 * @param {Record<string, string | number | undefined>} [attributes]
 * @param {...(Node | string | number | null | undefined)} children
 * @returns {HTMLElement}
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/**
 * The tooltip body of one data point: a title and labelled values with colour swatches.
 * @param {string} title
 * @param {{ label: string, value: string, swatch?: string }[]} rows
 */
export function tooltipBody(title, rows) {
  return el(
    'div',
    {},
    el('strong', {}, title),
    ...rows.map((row) =>
      el(
        'div',
        { class: 'tip-row' },
        row.swatch ? el('span', { class: `swatch ${row.swatch}` }) : null,
        el('span', { class: 'tip-label' }, row.label),
        el('span', { class: 'tip-value' }, row.value),
      ),
    ),
  );
}
