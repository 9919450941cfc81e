import { createAuthyEmulator } from '../../src/authy-emulator';
import type { AuthyEmulator, AuthyEmulatorOptions } from '../../src/authy-emulator';
import { DEV_AUTHY_API_KEY } from '../../src/shared/dev-keys';
import { forwardTo, openForEach } from '../harness/lifecycle';

/** A started emulator and small fetch helpers for its API and control surface. */
export interface RunningEmulator {
  emulator: AuthyEmulator;
  url: string;
  /** Authy API call with the dev key in X-Authy-API-Key (unless `headers` overrides it). */
  api<T = AuthyErrorBody>(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Control API call: JSON in, JSON out. */
  control<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

let nextSeed = 1000 + (process.pid % 1000) * 100;

/** Starts an emulator on a free port; each call gets its own seed unless one is given. */
export async function startEmulator(options: AuthyEmulatorOptions = {}): Promise<RunningEmulator> {
  nextSeed += 1;
  const emulator = createAuthyEmulator({ seed: nextSeed, ...options });
  const { url } = await emulator.listen(0);
  return {
    emulator,
    url,
    async api(path, init = {}) {
      const response = await fetch(url + path, {
        ...init,
        headers: { 'X-Authy-API-Key': DEV_AUTHY_API_KEY, ...(init.headers as Record<string, string>) },
      });
      return {
        status: response.status,
        body: (await readJson(response)) as never,
        headers: response.headers,
      };
    },
    async control(method, path, body) {
      const response = await fetch(url + path, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await readJson(response)) as never };
    },
    close: () => emulator.close(),
  };
}

/**
 * A fresh emulator for each test of the calling describe block (started before the test, closed
 * after it), read as `emu.…` inside the tests.
 */
export function useEmulator(options: AuthyEmulatorOptions = {}): RunningEmulator {
  return forwardTo(
    openForEach(
      () => startEmulator(options),
      (emu) => emu.close(),
    ),
  );
}

/** Registers a user through `POST /protected/json/users/new` (docs/authy-api.md#14-users); returns the authy id. */
export async function registerUser(
  emu: RunningEmulator,
  cellphone: string,
  email = 'person@example.com',
): Promise<number> {
  const created = await emu.api<{ user: { id: number } }>('/protected/json/users/new', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: { email, cellphone, country_code: 1 } }),
  });
  return created.body.user.id;
}

/** Seeds `count` synthetic events between `from` and `to` (ms) through the control API; answers its body. */
export async function seedEvents(
  emu: RunningEmulator,
  count: number,
  from: number,
  to: number,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const { status, body } = await emu.control('POST', '/_emulator/reporting/seed', {
    count,
    from: iso(from),
    to: iso(to),
    ...extra,
  });
  expect(status).toBe(200);
  return body;
}

/**
 * The error answer docs/authy-api.md#12-error-answers describes: `message`, the same again as
 * `errors.message`, `success: false` and the `error_code`.
 */
export function authyError(errorCode: string, message: string): AuthyErrorBody {
  return { message, errors: { message }, success: false, error_code: errorCode };
}

/** Authy's error answer (docs/authy-api.md#12-error-answers). */
export interface AuthyErrorBody {
  message: string;
  errors: Record<string, string>;
  success: false;
  error_code: string;
  [extra: string]: unknown;
}

/** A control API error answer. */
export interface ControlErrorBody {
  error: { code: string; message: string };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** One field of a form-encoded body (throws when absent, so a missing field fails loudly). */
export function formField(body: string, name: string): string {
  const value = new URLSearchParams(body).get(name);
  if (value === null) throw new Error(`form body has no field ${name}`);
  return value;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
