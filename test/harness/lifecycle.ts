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

/** Something a test opens and has to close. */
export interface Closable {
  close(): unknown;
}

/**
 * What `opened` holds, read as the thing itself (`h.start()` rather than `h().start()`): every
 * property is read from what is open at that moment, methods bound to it. Like `opened()`, reading
 * it outside a test throws.
 */
export function forwardTo<T extends object>(opened: Opened<T>): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const current = opened();
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}

/**
 * Opens something once before the tests of the calling describe block and closes it (its own
 * `close()`) after them; read as the thing itself ({@link forwardTo}): `const h = useForAll(create)`.
 */
export function useForAll<T extends Closable>(open: () => Promise<T> | T): T {
  return forwardTo(openForAll(open, (value) => value.close()));
}

/**
 * For what the tests of the calling describe block open themselves (each with options of its own):
 * returns `closeAfter`, which passes the opened thing through and closes it once the test is over,
 * the last opened first, and only what was opened.
 */
export function closeAfterEach(): <T extends Closable>(opening: Promise<T> | T) => Promise<T> {
  const opened: Closable[] = [];
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
  });
  return async (opening) => {
    const resource = await opening;
    opened.push(resource);
    return resource;
  };
}
