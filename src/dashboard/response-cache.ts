/** Options of {@link createResponseCache}. */
export interface ResponseCacheOptions {
  /** How long a computed answer is served again (default 5 s). */
  ttlMs?: number;
  /** Most answers kept; the oldest is dropped first (default 200). */
  maxEntries?: number;
  /** Most computations running at once across all keys; the others wait their turn (default 2). */
  concurrency?: number;
  now?: () => number;
}

/** A short-lived cache of dashboard answers by request key; see {@link createResponseCache}. */
export interface ResponseCache {
  /** The answer for `key`: a fresh cached one, the one being computed, or a new computation. */
  get<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

interface Entry {
  value: Promise<unknown>;
  /** When the answer stops being served; Infinity while it is still being computed. */
  expiresAt: number;
}

/**
 * Caches the heavy dashboard endpoints for a few seconds, so any number of open tabs or a burst of
 * requests cost one query per distinct request per few seconds. Identical requests arriving while
 * the answer is computed share that computation; at most `concurrency` computations run at once,
 * so distinct requests cannot fan out over PostgreSQL and Temporal either. Failures are not cached.
 */
export function createResponseCache(options: ResponseCacheOptions = {}): ResponseCache {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 200;
  const concurrency = options.concurrency ?? 2;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let running = 0;
  const waiting: (() => void)[] = [];

  async function limited<T>(compute: () => Promise<T>): Promise<T> {
    while (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await compute();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  }

  return {
    get<T>(key: string, compute: () => Promise<T>): Promise<T> {
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now()) return cached.value as Promise<T>;
      entries.delete(key);
      const entry: Entry = { value: Promise.resolve(), expiresAt: Infinity };
      const value = limited(compute).then(
        (result) => {
          entry.expiresAt = now() + ttlMs;
          return result;
        },
        (error: unknown) => {
          if (entries.get(key) === entry) entries.delete(key);
          throw error;
        },
      );
      entry.value = value;
      entries.set(key, entry);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return value;
    },
  };
}
