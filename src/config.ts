import { z } from 'zod';
import {
  DEV_AUTHY_API_KEY,
  DEV_AUTHY_ACCESS_KEY,
  DEV_AUTHY_API_SIGNING_KEY,
  DEV_TWILIO_ACCOUNT_SID,
  DEV_TWILIO_AUTH_TOKEN,
} from './shared/dev-keys';
import { codecCorsOrigins, resolvePayloadKeys } from './temporal/payload-config';
import type { PayloadKey } from './temporal/payload-keys';
import { isLoopbackUrl } from './shared/loopback';

/** The PostgreSQL the bootstrap scripts start when `DATABASE_URL` is not set (docs/contract.md#2-ports). */
export const LOCAL_DATABASE_URL = 'postgres://twofold:twofold@127.0.0.1:55432/twofold';
export const REAL_AUTHY_API_URL = 'https://api.authy.com';
export const REAL_VERIFY_API_URL = 'https://verify.twilio.com';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const hostPort = z
  .string()
  .regex(/^[^\s:/]+(:\d{1,5})$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');

/** An http(s) URL: `javascript:`, `data:`, `file:` and the like are refused (they end up in links). */
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

/** Twilio's keys are long random strings; a short one is a typo or a placeholder, never a real key. */
export const MIN_KEY_LENGTH = 16;
const authyKey = optionalText.refine(
  (value) => value === undefined || value.length >= MIN_KEY_LENGTH,
  `too short: Authy keys are at least ${MIN_KEY_LENGTH} characters`,
);
/** A webhook signing key as the Webhooks API hands it out: `WSK_` and a long random tail. */
const webhookSigningKey = optionalText.refine(
  (value) => value === undefined || (value.startsWith('WSK_') && value.length >= 4 + MIN_KEY_LENGTH),
  `expected the WSK_… signing key of the registered webhook (WSK_ and at least ${MIN_KEY_LENGTH} more characters)`,
);
const flag = z
  .enum(['0', '1', 'true', 'false'])
  .default('0')
  .transform((value) => value === '1' || value === 'true');

/** A Twilio SID: two letters of its kind and 32 hex digits (`AC…`, `SK…`, `VA…`). */
const twilioSid = (prefix: string) =>
  optionalText.refine(
    (value) => value === undefined || new RegExp(`^${prefix}[0-9a-fA-F]{32}$`).test(value),
    `expected ${prefix} followed by 32 hex digits`,
  );

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'expected a postgres:// or postgresql:// URL');

/**
 * The whole environment of docs/contract.md#3-configuration. Validated once by each entrypoint through
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
    TEMPORAL_UI_URL: httpUrl.optional(),
    DATABASE_URL: postgresUrl.default(LOCAL_DATABASE_URL),
    AUTHY_API_URL: httpUrl.default(REAL_AUTHY_API_URL),
    AUTHY_API_ALLOW_HTTP: flag,
    AUTHY_API_KEY: authyKey,
    AUTHY_WEBHOOK_SIGNING_KEY: webhookSigningKey,
    AUTHY_WEBHOOK_SIGNING_KEY_PREVIOUS: webhookSigningKey,
    AUTHY_ACCESS_KEY: authyKey,
    AUTHY_API_SIGNING_KEY: authyKey,
    TWOFOLD_PROVIDER: z.enum(['authy', 'verify']).default('authy'),
    TWILIO_ACCOUNT_SID: twilioSid('AC'),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_API_KEY: twilioSid('SK'),
    TWILIO_API_SECRET: optionalText,
    VERIFY_SERVICE_SID: twilioSid('VA'),
    VERIFY_API_URL: httpUrl.default(REAL_VERIFY_API_URL),
    VERIFY_FACTOR_TYPE: z.enum(['totp', 'push']).default('totp'),
    AUTHY_EMULATOR_PORT: port(4010),
    AUTHY_EMULATOR_SEED: z.coerce.number().int().min(0).default(1),
    AUTHY_EMULATOR_FORCE: flag,
    AUTHY_ONETOUCH_CALLBACK_URL: httpUrl.optional(),
    GATEWAY_PORT: port(3000),
    GATEWAY_PUBLIC_URL: httpUrl.optional(),
    AUTHY_WEBHOOK_MAX_AGE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .default(24 * 60 * 60),
    ADMIN_HOST: z.string().trim().min(1).default('127.0.0.1'),
    ADMIN_PORT: port(3001),
    TWOFOLD_ADMIN_TOKEN: optionalText.refine(
      (value) => value === undefined || value.length >= 32,
      'too short: use at least 32 random characters (e.g. `openssl rand -hex 32`)',
    ),
    TWOFOLD_WORKFLOW_BUNDLE: optionalText,
    TWOFOLD_PAYLOAD_KEYS: optionalText,
    CODEC_PORT: port(8089),
    TWOFOLD_CODEC_TOKEN: optionalText.refine(
      (value) => value === undefined || value.length >= 16,
      'too short: use at least 16 random characters',
    ),
    TWOFOLD_CODEC_CORS_ORIGINS: optionalText,
    REPORTING_PERSONAL_DATA_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
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
    // API keys travel in every request to the provider (and key OneTouch signatures): never in clear
    // beyond this machine, unless an operator opts in for an emulator on a private network.
    if (
      env.AUTHY_API_URL.startsWith('http:') &&
      !isLoopbackUrl(env.AUTHY_API_URL) &&
      !env.AUTHY_API_ALLOW_HTTP
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTHY_API_URL'],
        message:
          'must be https:// unless it is a loopback address (127.0.0.0/8, ::1, localhost); ' +
          'AUTHY_API_ALLOW_HTTP=1 permits an emulator on a private network',
      });
    }
    // The Twilio credentials travel in every Verify request: https beyond loopback, no exception.
    if (env.VERIFY_API_URL.startsWith('http:') && !isLoopbackUrl(env.VERIFY_API_URL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['VERIFY_API_URL'],
        message: 'must be https:// unless it is a loopback address (127.0.0.0/8, ::1, localhost)',
      });
    }
    if ((env.TWILIO_API_KEY === undefined) !== (env.TWILIO_API_SECRET === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TWILIO_API_KEY === undefined ? 'TWILIO_API_KEY' : 'TWILIO_API_SECRET'],
        message: 'TWILIO_API_KEY and TWILIO_API_SECRET must be set together',
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
    /** Payload encryption keyring: the first key encrypts, every key decrypts (docs/security.md). */
    payloadKeys: PayloadKey[];
  };
  databaseUrl: string;
  authy: {
    apiUrl: string;
    /** Application API key; dev default only on an all-loopback dev stack, else '' when unset. */
    apiKey: string;
    webhookSigningKey?: string;
    /** The webhook signing key being rotated out; accepted alongside the current one. */
    webhookSigningKeyPrevious?: string;
    /** Webhooks API credentials; dev defaults only on an all-loopback dev stack. */
    accessKey?: string;
    apiSigningKey?: string;
    /** True when the API URL is not loopback, i.e. the real Twilio service. */
    isRemote: boolean;
    /** True when unset credentials fall back to the public dev keys: see {@link devCredentialsRefusal}. */
    usesDevKeys: boolean;
  };
  /** The provider new onboardings use unless their input names one (`TWOFOLD_PROVIDER`). */
  provider: 'authy' | 'verify';
  /**
   * Twilio Verify v2 (docs/verify.md). Credentials fall back to the emulator's dev account only for a
   * loopback `VERIFY_API_URL` (with a loopback gateway URL, outside production); else they are ''
   * when unset and `verifyCredentialsProblem` names what is missing.
   */
  verify: {
    apiUrl: string;
    accountSid: string;
    /** Auth token: Basic-auth password (unless an API key is set) and the webhook signing key. */
    authToken: string;
    /** API key (`SK…`) and secret: used for the REST calls instead of the auth token when set. */
    apiKey?: string;
    apiSecret?: string;
    /** The Verify Service onboardings use; unset until `twofold verify service ensure` made one. */
    serviceSid?: string;
    factorType: 'totp' | 'push';
    isRemote: boolean;
    usesDevKeys: boolean;
  };
  emulator: {
    port: number;
    /** Seed of the emulator's random source: the same seed replays the same ids and faults. */
    seed: number;
    /** Where the emulator sends OneTouch callbacks; default the local gateway's route. */
    oneTouchCallbackUrl: string;
  };
  gateway: {
    port: number;
    publicUrl: string;
    /** Oldest webhook JWT accepted by its `iat`, in seconds; 0 turns the age check off. */
    webhookMaxAgeSeconds: number;
  };
  /**
   * The gateway's admin listener (dashboard, `/metrics`, `/readyz`): loopback by default; beyond
   * loopback the gateway refuses to start without `token` (docs/security.md, "Listeners").
   */
  admin: { host: string; port: number; token?: string };
  /** `twofold codec-server`: its port, bearer token, and the Web UI origins allowed to call it. */
  codec: { port: number; token?: string; corsOrigins: string[] };
  /** Days a device's IP address, user agent and name stay in `reporting_events.objects`. */
  reporting: { personalDataRetentionDays: number };
  logLevel: Env['LOG_LEVEL'];
}

/**
 * What a command talking to Verify is missing (credentials, the Service SID), or undefined when the
 * configuration is complete. Commands and the worker report it instead of sending a request that
 * can only answer 401 or 404.
 */
export function verifyCredentialsProblem(
  verify: Config['verify'],
  options: { needsService?: boolean } = {},
): string | undefined {
  if (!verify.accountSid) return 'TWILIO_ACCOUNT_SID is required for Verify (the real service)';
  if (!verify.authToken && !verify.apiKey)
    return 'TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET) is required for Verify';
  if (options.needsService && !verify.serviceSid)
    return 'VERIFY_SERVICE_SID is required: create or find it with `twofold verify service ensure`';
  return undefined;
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

/** Each provider's public dev credentials: the API URL variable they are for, and what they are. */
const DEV_CREDENTIALS = {
  authy: { apiUrl: 'AUTHY_API_URL', localOnly: 'the public dev keys are for a local stack only' },
  verify: { apiUrl: 'VERIFY_API_URL', localOnly: 'the public dev account is for a local stack only' },
} as const;

/**
 * Why a provider's public dev credentials (src/shared/dev-keys.ts) may not stand in for unset ones,
 * or undefined when they may: only when every endpoint (the provider's API and the gateway's public
 * URL) is loopback and NODE_ENV is not `production`. The dev credentials are in the public source,
 * so a gateway reachable from elsewhere that accepted them would accept forged callbacks.
 */
export function devCredentialsRefusal(
  provider: keyof typeof DEV_CREDENTIALS,
  env: Env,
  nodeEnv: string | undefined,
): string | undefined {
  const { apiUrl, localOnly } = DEV_CREDENTIALS[provider];
  if (!isLoopbackUrl(env[apiUrl])) return `required when ${apiUrl} (${env[apiUrl]}) is not a local emulator`;
  if (env.GATEWAY_PUBLIC_URL !== undefined && !isLoopbackUrl(env.GATEWAY_PUBLIC_URL))
    return `required when GATEWAY_PUBLIC_URL (${env.GATEWAY_PUBLIC_URL}) is not loopback: ${localOnly}`;
  if (nodeEnv === 'production') return `required when NODE_ENV=production: ${localOnly}`;
  return undefined;
}

/** The payload keyring and codec-server origins, or a ConfigError naming the variable. */
function payloadSettings(e: Env, nodeEnv: string | undefined): { keys: PayloadKey[]; corsOrigins: string[] } {
  const uiUrl = e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`;
  const problems: { variable: string; message: string }[] = [];
  const attempt = <T>(variable: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push({ variable, message: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };
  const keys = attempt('TWOFOLD_PAYLOAD_KEYS', () =>
    resolvePayloadKeys(e.TWOFOLD_PAYLOAD_KEYS, e.TEMPORAL_ADDRESS, nodeEnv),
  );
  const corsOrigins = attempt('TWOFOLD_CODEC_CORS_ORIGINS', () =>
    codecCorsOrigins(e.TWOFOLD_CODEC_CORS_ORIGINS, uiUrl, e.TEMPORAL_UI_PORT),
  );
  if (!keys || !corsOrigins) throw new ConfigError(problems);
  return { keys, corsOrigins };
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
  const isRemote = !isLoopbackUrl(e.AUTHY_API_URL);
  const refusal = devCredentialsRefusal('authy', e, env.NODE_ENV);
  const dev = refusal === undefined;
  const needed = options.needs ?? [];
  const missing = needed.filter((k) => !dev && e[k] === undefined);
  if (refusal !== undefined && missing.length > 0) {
    throw new ConfigError(missing.map((variable) => ({ variable, message: refusal })));
  }
  const payload = payloadSettings(e, env.NODE_ENV);
  const verifyDev = devCredentialsRefusal('verify', e, env.NODE_ENV) === undefined;
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
      payloadKeys: payload.keys,
    },
    databaseUrl: e.DATABASE_URL,
    authy: {
      apiUrl: e.AUTHY_API_URL.replace(/\/+$/, ''),
      apiKey: e.AUTHY_API_KEY ?? (dev ? DEV_AUTHY_API_KEY : ''),
      ...optional('webhookSigningKey', e.AUTHY_WEBHOOK_SIGNING_KEY),
      ...optional('webhookSigningKeyPrevious', e.AUTHY_WEBHOOK_SIGNING_KEY_PREVIOUS),
      ...optional('accessKey', e.AUTHY_ACCESS_KEY ?? (dev ? DEV_AUTHY_ACCESS_KEY : undefined)),
      ...optional('apiSigningKey', e.AUTHY_API_SIGNING_KEY ?? (dev ? DEV_AUTHY_API_SIGNING_KEY : undefined)),
      isRemote,
      usesDevKeys: dev,
    },
    provider: e.TWOFOLD_PROVIDER,
    verify: {
      apiUrl: e.VERIFY_API_URL.replace(/\/+$/, ''),
      accountSid: e.TWILIO_ACCOUNT_SID ?? (verifyDev ? DEV_TWILIO_ACCOUNT_SID : ''),
      authToken: e.TWILIO_AUTH_TOKEN ?? (verifyDev ? DEV_TWILIO_AUTH_TOKEN : ''),
      ...optional('apiKey', e.TWILIO_API_KEY),
      ...optional('apiSecret', e.TWILIO_API_SECRET),
      ...optional('serviceSid', e.VERIFY_SERVICE_SID),
      factorType: e.VERIFY_FACTOR_TYPE,
      isRemote: !isLoopbackUrl(e.VERIFY_API_URL),
      usesDevKeys: verifyDev,
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
      webhookMaxAgeSeconds: e.AUTHY_WEBHOOK_MAX_AGE_SECONDS,
    },
    admin: { host: e.ADMIN_HOST, port: e.ADMIN_PORT, ...optional('token', e.TWOFOLD_ADMIN_TOKEN) },
    codec: {
      port: e.CODEC_PORT,
      ...optional('token', e.TWOFOLD_CODEC_TOKEN),
      corsOrigins: payload.corsOrigins,
    },
    reporting: { personalDataRetentionDays: e.REPORTING_PERSONAL_DATA_DAYS },
    logLevel: e.LOG_LEVEL,
  };
}
