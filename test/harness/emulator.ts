import { createAuthyEmulator } from '../../src/authy-emulator';
import type { AuthyEmulatorOptions } from '../../src/authy-emulator';
import { createAuthyHttp } from '../../src/authy/http';
import { createAuthyReportingClient } from '../../src/authy/reporting';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';

/** An in-process Authy emulator on a free port, driven through its HTTP control API. */
export interface EmulatorHarness {
  url: string;
  apiKey: string;
  /** POST/GET a control route under /_emulator and return the parsed JSON (throws on non-2xx). */
  control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * The app id every event of `emulator` carries (read from one of them through the Reporting API):
 * what tells its rows in the shared `reporting_events` apart from other emulators'. Throws while the
 * emulator has no event yet.
 */
export async function emulatorAppId(emulator: Pick<EmulatorHarness, 'url' | 'apiKey'>): Promise<string> {
  const reporting = createAuthyReportingClient(
    createAuthyHttp({ baseUrl: emulator.url, apiKey: emulator.apiKey, timeoutMs: 5_000 }),
  );
  const [event] = await reporting.listEvents({
    from: '2000-01-01T00:00:00.000Z',
    to: new Date().toISOString(),
    page: 1,
    perPage: 1,
  });
  const id = (event?.objects?.app as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'number' && typeof id !== 'string') {
    throw new Error('the emulator has no event yet to read its app id from');
  }
  return String(id);
}

export async function startEmulator(options: AuthyEmulatorOptions = {}): Promise<EmulatorHarness> {
  const emulator = createAuthyEmulator(options);
  const { url, close } = await emulator.listen(0, '127.0.0.1');
  return {
    url,
    apiKey: options.apiKey ?? DEV_AUTHY_API_KEY,
    async control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}/_emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`emulator ${method} ${path} → ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async close() {
      await close();
      await emulator.close();
    },
  };
}
