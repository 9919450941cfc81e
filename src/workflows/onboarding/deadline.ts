import { CancellationScope, sleep } from '@temporalio/workflow';

/** A deadline backed by its own durable timer; see {@link startDeadline}. */
export interface Deadline {
  /** True once this deadline's own timer has fired: the wait decides from that, never from a clock. */
  passed(): boolean;
  /** Cancels the timer (a no-op once it fired); call when the wait ends for another reason. */
  cancel(): void;
}

/**
 * Starts a durable timer of `ms` whose firing sets a flag. A wait that loops on `condition()` asks
 * `passed()` instead of comparing `Date.now()` with a deadline computed in an earlier activation, so
 * its branches depend only on which timer fired — the same on replay whatever the workflow clock read
 * (docs/onboarding.md#durability). The timer runs in a child of the current cancellation scope, so a
 * cancelled onboarding cancels it too.
 */
export function startDeadline(ms: number, summary: string): Deadline {
  let passed = false;
  const scope = new CancellationScope();
  scope
    .run(() => sleep(ms, { summary }))
    .then(
      () => {
        passed = true;
      },
      () => undefined,
    );
  return { passed: () => passed, cancel: () => scope.cancel() };
}
