// How a parsed Reporting API query matches events (docs/authy-api.md#32-query-syntax): the compiled
// filter (a time window, the allowed event names, tests over each event's other attributes), and the
// test of one checked condition against an attribute's value, per attribute type
// (docs/authy-api.md#25-event-attributes). Parsing and refusing bad conditions is ./query-parse.ts.
import { isRecord } from '../../shared/is-record';
import type { ReportingEvent } from '../event-objects';

/** The comparison operators of a condition. */
export const OPERATORS = ['eq', 'lt', 'lte', 'gt', 'gte', 'lk'] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * One condition, already checked against its attribute's type: string (`s`), integer (`i`),
 * boolean (`b`), array of strings (`as`) or datetime (`t`, epoch ms).
 */
export type ValueCondition =
  | { type: 's'; op: Operator; value: string }
  | { type: 'i' | 't'; op: Exclude<Operator, 'lk'>; value: number }
  | { type: 'b'; value: boolean }
  | { type: 'as'; op: 'eq' | 'lk'; value: string };

/** Conditions over events: a time window the store answers by binary search, plus filters. */
export interface ReportingFilter {
  /** Inclusive lower bound, epoch ms. */
  from: number;
  /** Exclusive upper bound, epoch ms. */
  to: number;
  /** Allowed event codes (index = code), or null when every event name passes. */
  codes: Uint8Array | null;
  /** Conditions over `objects.*` and `request_id`, checked per candidate event. */
  rows: ((event: ReportingEvent) => boolean)[];
}

/** The conditions of both filters at once (AND): the narrower window, both name sets, all row tests. */
export function bothFilters(a: ReportingFilter, b: ReportingFilter): ReportingFilter {
  let codes = a.codes ?? b.codes;
  if (a.codes !== null && b.codes !== null) {
    const other = b.codes;
    codes = a.codes.map((allowed, code) => allowed & other[code]!);
  }
  return { from: Math.max(a.from, b.from), to: Math.min(a.to, b.to), codes, rows: [...a.rows, ...b.rows] };
}

/** The value at `path` inside `root` (an event's `objects`), or undefined where the path ends early. */
export function lookup(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** The test `attributeValue <op> value` of one checked condition. */
export function valueTest(condition: ValueCondition): (found: unknown) => boolean {
  switch (condition.type) {
    case 's':
      return stringTest(condition.op, condition.value);
    case 'i': {
      const { op, value: target } = condition;
      return (found) => {
        const number = typeof found === 'number' ? found : typeof found === 'string' ? Number(found) : NaN;
        return !Number.isNaN(number) && compareValues(op, number, target);
      };
    }
    case 'b': {
      const target = condition.value;
      return (found) => found === target || found === String(target);
    }
    case 'as': {
      const test = stringTest(condition.op, condition.value);
      return (found) => Array.isArray(found) && found.some((item) => item !== null && test(item));
    }
    case 't': {
      const { op, value: target } = condition;
      return (found) => {
        const time =
          typeof found === 'string' ? Date.parse(found) : typeof found === 'number' ? found * 1000 : NaN;
        return !Number.isNaN(time) && compareValues(op, time, target);
      };
    }
  }
}

function stringTest(op: Operator, value: string): (found: unknown) => boolean {
  if (op === 'lk') {
    const pattern = likePattern(value);
    return (found) => pattern.test(String(found));
  }
  return (found) => compareValues(op, String(found), value);
}

/** `lk`: SQL LIKE with `%` wildcards, case-insensitive; without `%` it is a substring match. */
function likePattern(value: string): RegExp {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = value.includes('%') ? `^${escaped.replace(/%/g, '.*')}$` : escaped;
  return new RegExp(source, 'is');
}

/** `a op b` for two numbers, or two strings compared by code unit (as the filters compare text). */
function compareValues<T extends number | string>(op: Exclude<Operator, 'lk'>, a: T, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}
