// Parsing a Reporting API query (docs/authy-api.md#32-query-syntax, #33-paging-and-limits): the
// conditions `<param>[attribute][operator]=value`, checked and compiled into a filter, and the page
// asked for. A query the Reporting API would refuse throws ReportingQueryError (answered 60089). How
// the compiled filter matches events is ./query-match.ts.
import { isRecord } from '../../shared/is-record';
import { EVENT_NAMES } from '../event-names';
import { OPERATORS, lookup, valueTest } from './query-match';
import type { Operator, ReportingFilter, ValueCondition } from './query-match';

/** Twilio's documented paging limits (docs/authy-api.md#33-paging-and-limits). */
export const MAX_PAGE = 100;
export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 50;

/** Attribute type prefixes of docs/authy-api.md#25-event-attributes: string, integer, boolean, array of strings, datetime. */
type ValueType = ValueCondition['type'];

/** A `query[...]` the Reporting API would refuse: answered 400 with error_code 60089. */
export class ReportingQueryError extends Error {
  override name = 'ReportingQueryError';
}

/** A parsed events query: its conditions and the page asked for. */
export interface ReportingQuery extends ReportingFilter {
  page: number;
  perPage: number;
}

/**
 * Parses `query[attr][op]=value` (ANDed), `page` and `per_page` from qs-parsed parameters
 * (docs/authy-api.md#32-query-syntax, #33-paging-and-limits). The conditions are those of {@link parseConditions}.
 */
export function parseReportingQuery(params: Record<string, unknown>): ReportingQuery {
  const page = pagingNumber(params.page, 'page', 1, MAX_PAGE);
  const perPage = pagingNumber(params.per_page, 'per_page', DEFAULT_PER_PAGE, MAX_PER_PAGE);
  return { ...parseConditions(params.query, 'query'), page, perPage };
}

/**
 * Parses the conditions `<param>[attr][op]=value` (ANDed) of one qs-parsed parameter — `query` of
 * the events endpoint, `scope` and each `report[label]` of date_histogram (docs/authy-api.md#32-query-syntax, #35-date-histogram).
 * Attributes: `event`, `time`, `request_id`, and `objects.<path>.<p>_<name>` with p in s/i/b/as/t.
 * Stored times are whole milliseconds, so every time bound becomes [from, to).
 */
export function parseConditions(raw: unknown, param: string): ReportingFilter {
  const filter: ReportingFilter = { from: -Infinity, to: Infinity, codes: null, rows: [] };
  if (raw === undefined || raw === '') return filter;
  if (!isRecord(raw))
    throw new ReportingQueryError(`${param} must be given as ${param}[attribute][operator]=value`);
  const eventTests: ((name: string) => boolean)[] = [];
  for (const [attribute, conditions] of Object.entries(raw)) {
    if (!isRecord(conditions) || Object.keys(conditions).length === 0) {
      throw new ReportingQueryError(
        `${param}[${attribute}] needs an operator: ${param}[${attribute}][eq]=value`,
      );
    }
    for (const [op, value] of Object.entries(conditions)) {
      if (!isOperator(op)) {
        throw new ReportingQueryError(
          `unknown operator "${op}" for ${attribute} (use ${OPERATORS.join(', ')})`,
        );
      }
      if (typeof value !== 'string') {
        throw new ReportingQueryError(`${param}[${attribute}][${op}] must have exactly one value`);
      }
      if (attribute === 'time') {
        applyTime(filter, op, parseTime(value, attribute));
      } else if (attribute === 'event') {
        eventTests.push(valueTest(checkCondition('s', op, value, attribute)));
      } else if (attribute === 'request_id' || attribute === 'request.id') {
        const test = valueTest(checkCondition('s', op, value, attribute));
        filter.rows.push((event) => test(event.request_id));
      } else if (attribute.startsWith('objects.')) {
        const { path, type } = objectAttribute(attribute);
        const test = valueTest(checkCondition(type, op, value, attribute));
        filter.rows.push((event) => {
          const found = lookup(event.objects, path);
          return found !== undefined && found !== null && test(found);
        });
      } else {
        throw new ReportingQueryError(
          `unknown attribute "${attribute}" (event, time, request_id or objects.*)`,
        );
      }
    }
  }
  if (eventTests.length > 0) {
    filter.codes = Uint8Array.from(EVENT_NAMES, (name) => (eventTests.every((test) => test(name)) ? 1 : 0));
  }
  return filter;
}

/** A paging parameter: an integer in 1..max, `fallback` when absent. */
export function pagingNumber(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new ReportingQueryError(`${name} must be an integer between 1 and ${max}`);
  }
  const number = Number(value);
  if (number < 1 || number > max) throw new ReportingQueryError(`${name} must be between 1 and ${max}`);
  return number;
}

function applyTime(query: ReportingFilter, op: Operator, time: number): void {
  switch (op) {
    case 'eq':
      query.from = Math.max(query.from, time);
      query.to = Math.min(query.to, time + 1);
      return;
    case 'gt':
      query.from = Math.max(query.from, time + 1);
      return;
    case 'gte':
      query.from = Math.max(query.from, time);
      return;
    case 'lt':
      query.to = Math.min(query.to, time);
      return;
    case 'lte':
      query.to = Math.min(query.to, time + 1);
      return;
    case 'lk':
      throw new ReportingQueryError('time does not support the lk operator');
  }
}

function parseTime(value: string, attribute: string): number {
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time))
    throw new ReportingQueryError(`${attribute} must be an ISO 8601 date, got "${value}"`);
  return Math.floor(time);
}

function objectAttribute(attribute: string): { path: string[]; type: ValueType } {
  const segments = attribute.split('.').slice(1);
  const last = segments.pop();
  const match = last === undefined ? null : /^(as|s|i|b|t)_(.+)$/.exec(last);
  if (segments.length === 0 || segments.some((s) => s === '') || match === null) {
    throw new ReportingQueryError(
      `"${attribute}" must name a typed attribute, e.g. objects.user.s_authy_id (prefixes s_, i_, b_, as_, t_)`,
    );
  }
  return { path: [...segments, match[2]!], type: match[1] as ValueType };
}

/** Checks `attributeValue <op> value` against the attribute's type; refuses what the API refuses. */
function checkCondition(type: ValueType, op: Operator, value: string, attribute: string): ValueCondition {
  switch (type) {
    case 's':
      return { type, op, value };
    case 'i':
      if (op === 'lk') throw new ReportingQueryError(`${attribute} is an integer: lk is not supported`);
      if (!/^-?\d+$/.test(value))
        throw new ReportingQueryError(`${attribute} expects an integer, got "${value}"`);
      return { type, op, value: Number(value) };
    case 'b':
      if (op !== 'eq') throw new ReportingQueryError(`${attribute} is a boolean: only eq is supported`);
      if (value !== 'true' && value !== 'false') {
        throw new ReportingQueryError(`${attribute} expects true or false, got "${value}"`);
      }
      return { type, value: value === 'true' };
    case 'as':
      if (op !== 'eq' && op !== 'lk') throw new ReportingQueryError(`${attribute} is an array: use eq or lk`);
      return { type, op, value };
    case 't':
      if (op === 'lk') throw new ReportingQueryError(`${attribute} is a datetime: lk is not supported`);
      return { type, op, value: parseTime(value, attribute) };
  }
}

function isOperator(value: string): value is Operator {
  return (OPERATORS as readonly string[]).includes(value);
}
