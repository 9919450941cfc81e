import { msToNumber } from '@temporalio/common';
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
