// Prints the figures a `make bench` run collected (the JSON-lines file bench/run.sh names in
// BENCH_RESULTS, written by recordFigure in bench/support.ts) as one table with a column per Temporal
// backend: each figure with its same-run baseline and their ratio. Usage: tsx bench/summary.ts FILE
import { readFileSync } from 'node:fs';
import type { Figure } from './support';

interface Recorded extends Figure {
  backend: string;
}

function readFigures(file: string): Recorded[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Recorded);
}

function number(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** "12.3 unit", or "12.3 unit vs 10.0 (1.23×)" when the figure has a baseline. */
export function cell(figure: Figure | undefined): string {
  if (!figure) return '—';
  const base = `${number(figure.value)} ${figure.unit}`;
  if (figure.baseline === undefined) return base;
  return `${base} vs ${number(figure.baseline)} (${(figure.value / figure.baseline).toFixed(2)}×)`;
}

/** The side-by-side table: one row per figure (and size), one column per backend, in first-seen order. */
export function sideBySide(figures: Recorded[]): string {
  const backends = [...new Set(figures.map((f) => f.backend))];
  const rows = [...new Set(figures.map((f) => `${f.name}${f.size === undefined ? '' : ` (${f.size})`}`))];
  const find = (row: string, backend: string) =>
    figures.findLast(
      (f) => f.backend === backend && `${f.name}${f.size === undefined ? '' : ` (${f.size})`}` === row,
    );
  const table = [
    ['figure', ...backends],
    ...rows.map((row) => [row, ...backends.map((backend) => cell(find(row, backend)))]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  return table.map((line) => line.map((text, column) => text.padEnd(widths[column]!)).join('  ')).join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/summary.ts RESULTS.jsonl');
  const figures = readFigures(file);
  console.log('\n=================== side by side (figure vs same-run baseline)');
  console.log(figures.length ? sideBySide(figures) : 'no figures recorded');
}
