import {
  durationArgument,
  integerArgument,
  portArgument,
  positiveIntegerArgument,
  positiveNumberArgument,
} from '../../src/cli/arguments';
import { CliError, EXIT } from '../../src/cli/context';

/** The usage error a parser throws for `value`, or a failure when it accepts it. */
function refusal(parse: (value: string) => number, value: string): CliError {
  try {
    const accepted = parse(value);
    throw new Error(`accepted "${value}" as ${accepted}`);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return error;
  }
}

describe('the CLI flag parsers (src/cli/arguments.ts)', () => {
  it('when a duration is given as text or milliseconds, then it is milliseconds; below the minimum or unreadable, a usage error naming the flag', () => {
    const parse = durationArgument('--every', { minMs: 1000 });
    expect(parse('5m')).toBe(300_000);
    expect(parse('1500')).toBe(1500);
    for (const bad of ['soon', '500ms', '-1m', '']) {
      const error = refusal(parse, bad);
      expect(error.exitCode).toBe(EXIT.usage);
      expect(error.message).toBe(
        `--every must be a duration of at least 1s, such as 30s, 5m or 1h (got "${bad}")`,
      );
    }
  });

  it('when an integer is within its range, then it is the number; outside it or not whole, a usage error', () => {
    const parse = integerArgument('--users', 1, 10);
    expect(parse('1')).toBe(1);
    expect(parse('10')).toBe(10);
    for (const bad of ['0', '11', '2.5', '-3', 'five', '']) {
      expect(refusal(parse, bad).message).toBe(`--users must be an integer from 1 to 10 (got "${bad}")`);
    }
  });

  it('when a positive integer is asked for, then 0, fractions, signs, words and unsafe integers are usage errors', () => {
    const parse = positiveIntegerArgument('--limit');
    expect(parse('1')).toBe(1);
    expect(parse('250000')).toBe(250_000);
    for (const bad of ['0', '1.5', '+3', '-1', 'lots', '', '99999999999999999999']) {
      const error = refusal(parse, bad);
      expect(error.exitCode).toBe(EXIT.usage);
      expect(error.message).toBe(`--limit must be a positive integer (got "${bad}")`);
    }
  });

  it('when a positive number of a unit is asked for, then fractions are accepted and 0, negatives and words are not', () => {
    const parse = positiveNumberArgument('--nonce-window', 'seconds');
    expect(parse('300')).toBe(300);
    expect(parse('0.5')).toBe(0.5);
    for (const bad of ['0', '-5', 'abc', '', 'Infinity']) {
      expect(refusal(parse, bad).message).toBe(
        `--nonce-window must be a positive number of seconds (got "${bad}")`,
      );
    }
  });

  it('when a port is asked for, then 1 to 65535 are ports; 0 only where any free port is allowed', () => {
    const parse = portArgument('--metrics-port');
    expect(parse('1')).toBe(1);
    expect(parse('65535')).toBe(65_535);
    for (const bad of ['0', '65536', '80.5', 'http', '']) {
      const error = refusal(parse, bad);
      expect(error.exitCode).toBe(EXIT.usage);
      expect(error.message).toBe(`--metrics-port must be a port from 1 to 65535 (got "${bad}")`);
    }
    const anyFree = portArgument('--port', { allowZero: true });
    expect(anyFree('0')).toBe(0);
    expect(refusal(anyFree, '-1').message).toBe(
      '--port must be a port from 0 to 65535 (0: any free port) (got "-1")',
    );
  });
});
