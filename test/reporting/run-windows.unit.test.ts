import { runWindows } from '../../src/workflows/reporting/run-windows';

/** A promise with its settle functions exposed. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runWindows (the workflow window scheduler)', () => {
  it('when one window fails in the same instant another completes, then the failure is not lost', async () => {
    const a = deferred();
    const b = deferred();
    const done = runWindows(['a', 'b'], {
      concurrency: 2,
      mayStart: () => true,
      run: (w) => (w === 'a' ? a.promise : b.promise),
    });
    await tick();
    // Both settle before the scheduler runs again: a race would only report b's completion.
    b.resolve();
    a.reject(new Error('window a refused'));
    await expect(done).rejects.toThrow('window a refused');
  });

  it('when windows add more windows, then all of them run, never more than the concurrency at once', async () => {
    const queue = [1, 2, 3];
    const ran: number[] = [];
    let inFlight = 0;
    let peak = 0;
    await runWindows(queue, {
      concurrency: 2,
      mayStart: () => true,
      run: async (n) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await tick();
        ran.push(n);
        if (n < 3) queue.push(n * 10);
        inFlight -= 1;
      },
    });
    expect(ran.sort((x, y) => x - y)).toEqual([1, 2, 3, 10, 20]);
    expect(peak).toBe(2);
    expect(queue).toEqual([]);
  });

  it('when starting is no longer allowed, then started windows finish and the rest stays queued', async () => {
    const queue = [1, 2, 3, 4, 5];
    let started = 0;
    await runWindows(queue, {
      concurrency: 2,
      mayStart: () => started < 3,
      run: async () => {
        started += 1;
        await tick();
      },
    });
    expect(started).toBe(3);
    expect(queue).toEqual([4, 5]);
  });
});
