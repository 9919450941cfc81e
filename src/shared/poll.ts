/**
 * Polls `probe` every `intervalMs` until it returns true, or throws naming `what` after `timeoutMs`:
 * how the chaos suite and the benchmarks wait for a service to come up or a queue to drain (a condition, never a sleep).
 */
export async function pollUntil(
  probe: () => Promise<boolean>,
  { timeoutMs, intervalMs = 200, what }: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${why}`);
    }
    await delay(intervalMs);
  }
}

/** Resolves after `ms`: poll intervals and the chaos schedule's seeded pauses, never synchronisation. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `url` answers 2xx within 2 s. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
