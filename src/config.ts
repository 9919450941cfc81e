import { z } from 'zod';
import { DEV_AUTHY_API_KEY, DEV_AUTHY_ACCESS_KEY, DEV_AUTHY_API_SIGNING_KEY } from './shared/dev-keys';

/** The PostgreSQL the bootstrap scripts start when `DATABASE_URL` is not set (CONTRACT.md section 2). */
export const LOCAL_DATABASE_URL = 'postgres://twofold:twofold@127.0.0.1:55432/twofold';
export const REAL_AUTHY_API_URL = 'https://api.authy.com';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const hostPort = z
  .string()
  .regex(/^[^\s:/]+(:\d{1,5})$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'expected a postgres:// or postgresql:// URL');

/**
 * The whole environment of CONTRACT.md section 3. Validated once by each entrypoint through
 * {@link loadConfig}, so a bad value fails at start with the variable's name, never mid-flight.
 */
export const EnvSchema = z
  .object({
    TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('twofold'),
    TEMPORAL_API_KEY: optionalText,
    TEMPORAL_TLS_CERT: optionalText,
    TEMPORAL_TLS_KEY: optionalText,
    TEMPORAL_UI_PORT: port(8233),
    TEMPORAL_UI_URL: z.url().optional(),
    DATABASE_URL: postgresUrl.default(LOCAL_DATABASE_URL),
    AUTHY_API_URL: z.url().default(REAL_AUTHY_API_URL),
    AUTHY_API_KEY: optionalText,
    AUTHY_WEBHOOK_SIGNING_KEY: optionalText,
    AUTHY_WEBHOOK_SIGNING_KEY_PREVIOUS: optionalText,
    AUTHY_ACCESS_KEY: optionalText,
    AUTHY_API_SIGNING_KEY: optionalText,
    AUTHY_EMULATOR_PORT: port(4010),
    AUTHY_EMULATOR_SEED: z.coerce.number().int().min(0).default(1),
    AUTHY_ONETOUCH_CALLBACK_URL: z.url().optional(),
    GATEWAY_PORT: port(3000),
    GATEWAY_PUBLIC_URL: z.url().optional(),
    TWOFOLD_WORKFLOW_BUNDLE: optionalText,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if ((env.TEMPORAL_TLS_CERT === undefined) !== (env.TEMPORAL_TLS_KEY === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TEMPORAL_TLS_CERT === undefined ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'],
        message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (paths to PEM files)',
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** Typed, validated configuration shared by every entrypoint. */
export interface Config {
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls?: { certPath: string; keyPath: string };
    uiUrl: string;
    /** A prebuilt workflow bundle (production start-up skips bundling); absent = bundle at start. */
    workflowBundlePath?: string;
  };
  databaseUrl: string;
  authy: {
    apiUrl: string;
    /** Application API key; dev default when talking to a local emulator, '' when remote and unset. */
    apiKey: string;
    webhookSigningKey?: string;
    /** The webhook signing key being rotated out; accepted alongside the current one. */
    webhookSigningKeyPrevious?: string;
    /** Webhooks API credentials; dev defaults only when talking to a local emulator. */
    accessKey?: string;
    apiSigningKey?: string;
    /** True when the API URL is not loopback, i.e. the real Twilio service. */
    isRemote: boolean;
  };
  emulator: {
    port: number;
    /** Seed of the emulator's random source: the same seed replays the same ids and faults. */
    seed: number;
    /** Where the emulator sends OneTouch callbacks; default the local gateway's route. */
    oneTouchCallbackUrl: string;
  };
  gateway: { port: number; publicUrl: string };
  logLevel: Env['LOG_LEVEL'];
}

/** Secrets a command cannot work without when talking to the real Authy API. */
export type NeededSecret = 'AUTHY_API_KEY' | 'AUTHY_ACCESS_KEY' | 'AUTHY_API_SIGNING_KEY';

export interface LoadConfigOptions {
  /** Variables this entrypoint requires (locally they fall back to the emulator's dev keys). */
  needs?: NeededSecret[];
}

/** Raised when the environment is invalid; its message names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'));
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/**
 * Parses and validates the environment. Called by entrypoints (worker, gateway, CLI), never at
 * import time, so tests can pass their own env.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): Config {
  // An empty value (`KEY=` in a .env file) means "unset", so defaults apply.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
    );
  }
  const e = parsed.data;
  const isRemote = !isLoopback(e.AUTHY_API_URL);
  const needed = options.needs ?? [];
  const missing = needed.filter((k) => isRemote && e[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((variable) => ({
        variable,
        message: `required when AUTHY_API_URL (${e.AUTHY_API_URL}) is not a local emulator`,
      })),
    );
  }
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
      ...(e.TEMPORAL_TLS_CERT && e.TEMPORAL_TLS_KEY
        ? { tls: { certPath: e.TEMPORAL_TLS_CERT, keyPath: e.TEMPORAL_TLS_KEY } }
        : {}),
      uiUrl: e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`,
      ...optional('workflowBundlePath', e.TWOFOLD_WORKFLOW_BUNDLE),
    },
    databaseUrl: e.DATABASE_URL,
    authy: {
      apiUrl: e.AUTHY_API_URL.replace(/\/+$/, ''),
      apiKey: e.AUTHY_API_KEY ?? (isRemote ? '' : DEV_AUTHY_API_KEY),
      ...optional('webhookSigningKey', e.AUTHY_WEBHOOK_SIGNING_KEY),
      ...optional('webhookSigningKeyPrevious', e.AUTHY_WEBHOOK_SIGNING_KEY_PREVIOUS),
      ...optional('accessKey', e.AUTHY_ACCESS_KEY ?? (isRemote ? undefined : DEV_AUTHY_ACCESS_KEY)),
      ...optional(
        'apiSigningKey',
        e.AUTHY_API_SIGNING_KEY ?? (isRemote ? undefined : DEV_AUTHY_API_SIGNING_KEY),
      ),
      isRemote,
    },
    emulator: {
      port: e.AUTHY_EMULATOR_PORT,
      seed: e.AUTHY_EMULATOR_SEED,
      oneTouchCallbackUrl:
        e.AUTHY_ONETOUCH_CALLBACK_URL ?? `http://127.0.0.1:${e.GATEWAY_PORT}/webhooks/authy/onetouch`,
    },
    gateway: {
      port: e.GATEWAY_PORT,
      publicUrl: (e.GATEWAY_PUBLIC_URL ?? `http://127.0.0.1:${e.GATEWAY_PORT}`).replace(/\/+$/, ''),
    },
    logLevel: e.LOG_LEVEL,
  };
}
