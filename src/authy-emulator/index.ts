import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { DEV_AUTHY_KEYS, DEV_TWILIO_CREDENTIALS } from '../shared/dev-keys';
import { createEmulatorApp } from './app';
import { DEFAULT_RETRY_POLICY } from './delivery/retry-policy';
import type { RetryPolicy } from './delivery/retry-policy';
import { EmulatorState } from './state';
import type { TwilioCredentials } from './verify/verify-state';
import type { WebhookContentType } from './webhooks/webhook-delivery';

export type { RetryPolicy } from './delivery/retry-policy';
export { DEFAULT_RETRY_POLICY } from './delivery/retry-policy';
export type { TwilioCredentials } from './verify/verify-state';

/** How to start an emulator; every field has a dev default. */
export interface AuthyEmulatorOptions {
  /** The application API key it accepts (default: the dev key). */
  apiKey?: string;
  /** Webhooks API access key (default: the dev key). */
  accessKey?: string;
  /** Webhooks API signing key, the HMAC key of docs/authy-api.md#22-request-signing (default: the dev key). */
  apiSigningKey?: string;
  /**
   * Seed of every random choice (ids, synthetic history, faults). Omitted: a random seed, so
   * emulators started by parallel tests never hand out the same ids; `GET /_emulator/health` shows it.
   */
  seed?: number;
  /** Where OneTouch callbacks go; none are sent when unset. */
  oneTouchCallbackUrl?: string;
  oneTouchCallbackMethod?: 'POST' | 'GET';
  /** Retry policy of webhook deliveries and OneTouch callbacks; unset fields keep the defaults. */
  webhookRetry?: Partial<RetryPolicy>;
  /** How webhook deliveries carry the JWT: form field `body` (default) or JSON. */
  webhookContentType?: WebhookContentType;
  /** Clock of events, expiry and retention (default Date.now); timers still run on real time. */
  now?: () => number;
  /**
   * The Twilio account of the Verify v2 API (`/v2/…`): account SID + auth token (which also signs
   * Verify webhooks) and an API key + secret; each defaults to its dev value.
   */
  twilio?: Partial<TwilioCredentials>;
}

/** A running emulator: the Koa app (for in-process use) and its HTTP listeners. */
export interface AuthyEmulator {
  app: Koa;
  /** Listens on `port` (0 = a free port) and `host` (default 127.0.0.1). */
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
  /** Stops listeners, timers and pending deliveries. */
  close(): Promise<void>;
}

/** Creates an Authy emulator (docs/contract.md#6-authy-emulator); it does not listen until `listen()`. */
export function createAuthyEmulator(options: AuthyEmulatorOptions = {}): AuthyEmulator {
  const state = new EmulatorState(
    options.seed ?? randomInt(0, 2 ** 31),
    withDefaults(DEV_AUTHY_KEYS, {
      apiKey: options.apiKey,
      accessKey: options.accessKey,
      apiSigningKey: options.apiSigningKey,
    }),
    options.now ?? Date.now,
    {
      oneTouchCallbackUrl: options.oneTouchCallbackUrl ?? null,
      oneTouchCallbackMethod: options.oneTouchCallbackMethod ?? 'POST',
      webhookContentType: options.webhookContentType ?? 'form',
      webhookRetry: { ...DEFAULT_RETRY_POLICY, ...options.webhookRetry },
    },
    withDefaults<TwilioCredentials>(DEV_TWILIO_CREDENTIALS, options.twilio),
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
      state.close();
      await Promise.all([...servers].map(closeServer));
    },
  };
}

/** `given` over `defaults`: a field `given` leaves undefined keeps its default (null stays: "none"). */
function withDefaults<T extends object>(defaults: T, given: { [K in keyof T]?: T[K] | undefined } = {}): T {
  const set = Object.entries(given).filter(([, value]) => value !== undefined);
  return { ...defaults, ...(Object.fromEntries(set) as Partial<T>) };
}
