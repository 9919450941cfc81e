import { createAuthyEmulator } from '../../src/authy-emulator';
import type { AuthyEmulatorOptions } from '../../src/authy-emulator';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';

/** An in-process Authy emulator on a free port, driven through its HTTP control API. */
export interface EmulatorHarness {
  url: string;
  apiKey: string;
  /** POST/GET a control route under /_emulator and return the parsed JSON (throws on non-2xx). */
  control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
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
