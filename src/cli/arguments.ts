import { msToNumber } from '@temporalio/common';
import { Option } from 'commander';
import { CliError, EXIT } from './context';

/**
 * A commander argument parser for a duration flag ("30s", "5m", "2d", or milliseconds as a number):
 * returns milliseconds, or exits with a usage error naming the flag and giving examples.
 */
export function durationArgument(flag: string, options: { minMs?: number; examples?: string } = {}) {
  const minMs = options.minMs ?? 0;
  const examples = options.examples ?? '30s, 5m or 1h';
  return (value: string): number => {
    let ms: number;
    try {
      ms = msToNumber(value as Parameters<typeof msToNumber>[0]);
    } catch {
      ms = NaN;
    }
    if (!Number.isFinite(ms) || ms < minMs) {
      const least = minMs > 0 ? ` of at least ${minMs / 1000}s,` : '';
      throw new CliError(
        `${flag} must be a duration${least} such as ${examples} (got "${value}")`,
        EXIT.usage,
      );
    }
    return ms;
  };
}

/** A commander argument parser for a whole number from `min` to `max` (usage error otherwise). */
export function integerArgument(flag: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new CliError(`${flag} must be an integer from ${min} to ${max} (got "${value}")`, EXIT.usage);
    }
    return Number(value);
  };
}

/** A commander argument parser for a whole number of at least 1 (usage error otherwise). */
export function positiveIntegerArgument(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
      throw new CliError(`${flag} must be a positive integer (got "${value}")`, EXIT.usage);
    }
    return Number(value);
  };
}

/**
 * A commander argument parser for a positive number of `unit`s, fractions allowed (`0.5`): for
 * flags whose help names the unit (`--nonce-window <seconds>`). Usage error otherwise.
 */
export function positiveNumberArgument(flag: string, unit: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) {
      throw new CliError(`${flag} must be a positive number of ${unit} (got "${value}")`, EXIT.usage);
    }
    return number;
  };
}

/**
 * A commander argument parser for a TCP port, 1 to 65535; with `allowZero`, 0 too (the system
 * picks a free port). Usage error otherwise.
 */
export function portArgument(flag: string, options: { allowZero?: boolean } = {}) {
  const min = options.allowZero ? 0 : 1;
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 65_535) {
      const zero = options.allowZero ? ' (0: any free port)' : '';
      throw new CliError(`${flag} must be a port from ${min} to 65535${zero} (got "${value}")`, EXIT.usage);
    }
    return Number(value);
  };
}

/** The long flag of commander's `flags` ("--reminder-every <duration>" → "--reminder-every"). */
function flagOf(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags;
}

const DURATION_UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
] as const;

/** Milliseconds in the largest unit they are a whole number of ("6s", "5m", "1d"), as the help shows a default. */
function durationText(ms: number): string {
  const unit = DURATION_UNITS.find(([, size]) => ms >= size && ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : String(ms);
}

/**
 * An option whose value is a duration in milliseconds ({@link durationArgument}, named by its flag);
 * with `defaultMs`, the help shows that default as a duration.
 */
export function durationOption(
  flags: string,
  description: string,
  options: { minMs?: number; examples?: string; defaultMs?: number } = {},
): Option {
  const { defaultMs, ...limits } = options;
  const option = new Option(flags, description).argParser(durationArgument(flagOf(flags), limits));
  return defaultMs === undefined ? option : option.default(defaultMs, durationText(defaultMs));
}

/** An option whose value is a whole number from `min` to `max` ({@link integerArgument}, named by its flag). */
export function integerOption(
  flags: string,
  description: string,
  range: { min: number; max: number; default?: number },
): Option {
  const option = new Option(flags, description).argParser(
    integerArgument(flagOf(flags), range.min, range.max),
  );
  return range.default === undefined ? option : option.default(range.default);
}

/** The names a variadic flag was given (`--events a b,c`): space- or comma-separated, blanks dropped. */
export function listedNames(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
