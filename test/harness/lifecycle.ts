/**
 * Something a describe block opens for its tests: read it inside a test (outside one, before it is
 * opened, it throws).
 */
export type Opened<T> = () => T;

function opened<T>(
  hooks: { before: typeof beforeAll; after: typeof afterAll },
  open: () => Promise<T> | T,
  close: (value: T) => unknown,
): Opened<T> {
  let value: { current: T } | undefined;
  hooks.before(async () => {
    value = { current: await open() };
  });
  hooks.after(async () => {
    const last = value;
    value = undefined;
    if (last) await close(last.current);
  });
  return () => {
    if (!value) throw new Error('opened before the tests of its describe block: read it inside a test');
    return value.current;
  };
}

/** Opens something once before the tests of the calling describe block and closes it after them. */
export function openForAll<T>(open: () => Promise<T> | T, close: (value: T) => unknown): Opened<T> {
  return opened({ before: beforeAll, after: afterAll }, open, close);
}

/** Opens something anew before each test of the calling describe block and closes it after the test. */
export function openForEach<T>(open: () => Promise<T> | T, close: (value: T) => unknown): Opened<T> {
  return opened({ before: beforeEach, after: afterEach }, open, close);
}
