import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { DEV_AUTHY_ACCESS_KEY, DEV_AUTHY_API_KEY, DEV_AUTHY_API_SIGNING_KEY } from '../shared/dev-keys';
import { createEmulatorApp } from './app';
import { EmulatorState } from './state';

/** How to start an emulator; every field has a dev default. */
export interface AuthyEmulatorOptions {
  /** The application API key it accepts (default: the dev key). */
  apiKey?: string;
  /** Webhooks API access key (default: the dev key). */
  accessKey?: string;
  /** Webhooks API signing key, the HMAC key of reference 2.2 (default: the dev key). */
  apiSigningKey?: string;
  /**
   * Seed of every random choice (ids, synthetic history, faults). Omitted: a random seed, so
   * emulators started by parallel tests never hand out the same ids; `GET /_emulator/health` shows it.
   */
  seed?: number;
  /** Where OneTouch callbacks go; none are sent when unset. */
  oneTouchCallbackUrl?: string;
  oneTouchCallbackMethod?: 'POST' | 'GET';
  /** Retry policy of webhook deliveries and OneTouch callbacks (docs/emulator.md). */
  webhookRetry?: Partial<RetryPolicy>;
  /** Clock of events, expiry and retention (default Date.now); timers still run on real time. */
  now?: () => number;
}

/** Delivery retry policy: exponential backoff until maxAttempts or maxDurationMs runs out. */
export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  backoffFactor: number;
  maxDelayMs: number;
  /** No retry is scheduled past this long after the first attempt. */
  maxDurationMs: number;
  /** Per-attempt timeout; a slower receiver counts as a failed attempt. */
  timeoutMs: number;
}

/** A running emulator: the Koa app (for in-process use) and its HTTP listeners. */
export interface AuthyEmulator {
  app: Koa;
  /** Listens on `port` (0 = a free port) and `host` (default 127.0.0.1). */
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
  /** Stops listeners, timers and pending deliveries. */
  close(): Promise<void>;
}

/** Creates an Authy emulator (CONTRACT.md section 6); it does not listen until `listen()`. */
export function createAuthyEmulator(options: AuthyEmulatorOptions = {}): AuthyEmulator {
  const state = new EmulatorState(
    options.seed ?? randomInt(0, 2 ** 31),
    {
      apiKey: options.apiKey ?? DEV_AUTHY_API_KEY,
      accessKey: options.accessKey ?? DEV_AUTHY_ACCESS_KEY,
      apiSigningKey: options.apiSigningKey ?? DEV_AUTHY_API_SIGNING_KEY,
    },
    options.now ?? Date.now,
  );
  const app = createEmulatorApp(state, { reset: () => state.reset() });
  const servers = new Set<Server>();

  const closeServer = (server: Server) =>
    new Promise<void>((resolve) => {
      if (!servers.delete(server)) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    app,
    async listen(port = 0, host = '127.0.0.1') {
      const handle = app.callback();
      const server = createServer((req, res) => {
        void handle(req, res);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.add(server);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `http://${shownHost}:${address.port}`, close: () => closeServer(server) };
    },
    async close() {
      state.timers.clear(true);
      await Promise.all([...servers].map(closeServer));
    },
  };
}
