// The sync's tunables: the input's overrides over the defaults, checked before anything runs.
import { ApplicationFailure } from '@temporalio/common';
import { REPORTING_INVALID_INPUT } from '../../shared/failures';
import { DEFAULT_REPORTING_SYNC_OPTIONS } from '../../shared/reporting';
import type { ReportingSyncOptions, SyncReportingEventsInput } from '../../shared/reporting';

/**
 * The options of a run: every field the input sets, over {@link DEFAULT_REPORTING_SYNC_OPTIONS}.
 * Throws a non-retryable `ReportingInvalidInput` failure naming every bad field.
 */
export function resolveOptions(input: SyncReportingEventsInput): ReportingSyncOptions {
  const options = { ...DEFAULT_REPORTING_SYNC_OPTIONS };
  for (const key of Object.keys(options) as (keyof ReportingSyncOptions)[]) {
    const value = input[key];
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  }
  const problems: string[] = [];
  if (typeof options.source !== 'string' || options.source === '')
    problems.push('source must be a non-empty string');
  const limits: [keyof ReportingSyncOptions, number, number][] = [
    ['overlapMs', 0, Number.MAX_SAFE_INTEGER],
    ['settleLagMs', 0, Number.MAX_SAFE_INTEGER],
    ['initialLookbackMs', 1, Number.MAX_SAFE_INTEGER],
    ['concurrency', 1, 64],
    ['perPage', 1, 100],
    ['maxPages', 1, 100],
    ['maxActivitiesPerRun', 1, 10_000],
    ['maxSplitParts', 2, 10_000],
  ];
  for (const [key, min, max] of limits) {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer in [${min}, ${max}] (got ${String(value)})`);
    }
  }
  if (problems.length > 0) throw invalidInput(problems.join('; '));
  return options;
}

/** The non-retryable failure that ends a run whose input is unusable. */
export function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: REPORTING_INVALID_INPUT,
    message: `invalid syncReportingEvents input: ${message}`,
    nonRetryable: true,
  });
}
