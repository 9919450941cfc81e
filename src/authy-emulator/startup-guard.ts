import { isLoopbackHost } from '../shared/loopback';

/** What decides whether the emulator may start: where it listens and the environment it runs in. */
export interface EmulatorStartContext {
  /** The listen address (`--host`). */
  host: string;
  /** `process.env.NODE_ENV`. */
  nodeEnv: string | undefined;
  /** `--force` or AUTHY_EMULATOR_FORCE=1: an operator knowingly runs it in a lab. */
  force: boolean;
}

/**
 * Why the emulator must not start, or undefined when it may. It accepts public dev keys, and its
 * unauthenticated control API (`/_emulator`) approves pushes, reads TOTP codes and resets state, so
 * it never serves production (NODE_ENV=production) or listens beyond loopback unless forced.
 */
export function emulatorStartRefusal(context: EmulatorStartContext): string | undefined {
  if (context.force) return undefined;
  const reasons: string[] = [];
  if (context.nodeEnv === 'production') reasons.push('NODE_ENV=production');
  if (!isLoopbackHost(context.host))
    reasons.push(`--host ${context.host} is not a loopback address (127.0.0.0/8, ::1, localhost)`);
  if (reasons.length === 0) return undefined;
  return (
    `refusing to start the Authy emulator: ${reasons.join(' and ')}.\n` +
    '  The emulator is a test double: anyone who reaches its control API (/_emulator, no auth) can\n' +
    '  approve OneTouch requests, read TOTP codes and reset its state. It must never stand in for\n' +
    '  api.authy.com in production.\n' +
    '  Fix: listen on 127.0.0.1 outside production, or pass --force (AUTHY_EMULATOR_FORCE=1) for a\n' +
    '  lab on a private network.'
  );
}
