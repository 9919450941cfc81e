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
