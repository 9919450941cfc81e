import { createLimiter } from '../../src/shared/limiter';

/** A task that runs until the test ends it. */
function heldTask(log: string[], name: string) {
  let end: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (end = resolve));
  return {
    run: async () => {
      log.push(`start ${name}`);
      await ended;
      log.push(`end ${name}`);
    },
    end,
  };
}

describe('createLimiter', () => {
  it('when more tasks are offered than slots, then at most the limit run at once and the others start in the order offered as slots free', async () => {
    const log: string[] = [];
    const limiter = createLimiter(2);
    const tasks = ['a', 'b', 'c', 'd'].map((name) => heldTask(log, name));
    await limiter.start(tasks[0]!.run);
    await limiter.start(tasks[1]!.run);
    const third = limiter.start(tasks[2]!.run);
    const fourth = limiter.start(tasks[3]!.run);
    await Promise.resolve();
    expect(log).toEqual(['start a', 'start b']);

    tasks[1]!.end();
    await third;
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);

    tasks[0]!.end();
    await fourth;
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c', 'end a', 'start d']);
    tasks[2]!.end();
    tasks[3]!.end();
    await limiter.idle();
  });

  it('when idle is awaited, then it resolves only once every started task has settled', async () => {
    const log: string[] = [];
    const limiter = createLimiter(3);
    const tasks = ['a', 'b'].map((name) => heldTask(log, name));
    for (const task of tasks) await limiter.start(task.run);
    let idle = false;
    const waiting = limiter.idle().then(() => (idle = true));
    tasks[0]!.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    tasks[1]!.end();
    await waiting;
    expect(log).toEqual(['start a', 'start b', 'end a', 'end b']);
  });
});
