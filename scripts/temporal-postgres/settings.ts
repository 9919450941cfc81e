// The settings of the local postgres backend (docs/temporal-backends.md) and the rendering of its
// committed configuration templates (deploy/temporal/server.yaml, deploy/temporal/ui-server.yaml).
// Pure: no file or process access, so test/foundation/temporal-postgres-settings.unit.test.ts covers it.

/** The dynamic config both the local postgres backend and docker-compose.yml's temporal service read. */
export const DYNAMIC_CONFIG_PATH = 'deploy/temporal/dynamicconfig.yaml';

/** History shards of a new cluster unless TEMPORAL_HISTORY_SHARDS says otherwise; docker-compose.yml uses the same. */
export const DEFAULT_HISTORY_SHARDS = 4;

/** Temporal's databases in the local PostgreSQL cluster, and the role that owns them (local only). */
export const TEMPORAL_PG = {
  user: 'temporal',
  password: 'temporal',
  database: 'temporal',
  visibilityDatabase: 'temporal_visibility',
} as const;

/**
 * Every port the server opens, as an offset from the frontend's gRPC port: Temporal's usual layout
 * around 7233 (history 7234, matching 7235, worker 7239, frontend HTTP 7243, membership 6933–6939,
 * Prometheus metrics 8000), shifted as a whole when TEMPORAL_ADDRESS names another port, so a
 * second stack beside the default one collides with nothing.
 */
export const SERVER_PORT_OFFSETS = {
  FRONTEND_PORT: 0,
  HISTORY_PORT: 1,
  MATCHING_PORT: 2,
  WORKER_PORT: 6,
  FRONTEND_HTTP_PORT: 10,
  FRONTEND_MEMBERSHIP_PORT: -300,
  HISTORY_MEMBERSHIP_PORT: -299,
  MATCHING_MEMBERSHIP_PORT: -298,
  WORKER_MEMBERSHIP_PORT: -294,
  METRICS_PORT: 767,
} as const;

export type ServerPortName = keyof typeof SERVER_PORT_OFFSETS;

/**
 * Temporal records each membership port in `cluster_membership.rpc_port`, a PostgreSQL `smallint`:
 * a membership port above 32767 makes the server exit at start ("value … is out of range for type
 * smallint"). Every other port only has to be a TCP port.
 */
const MAX_MEMBERSHIP_PORT = 32_767;

function highestPortFor(name: string): number {
  return name.endsWith('_MEMBERSHIP_PORT') ? MAX_MEMBERSHIP_PORT : 65_535;
}

/** The frontend ports for which every derived port is valid (301–33061 with the offsets above). */
export function frontendPortRange(): { lowest: number; highest: number } {
  const offsets = Object.entries(SERVER_PORT_OFFSETS);
  return {
    lowest: Math.max(...offsets.map(([, offset]) => 1 - offset)),
    highest: Math.min(...offsets.map(([name, offset]) => highestPortFor(name) - offset)),
  };
}

/** What the templates are filled with. */
export interface TemporalPostgresSettings {
  /** The loopback address every listener binds to. */
  host: string;
  ports: Record<ServerPortName, number>;
  uiPort: number;
  pgPort: number;
  historyShards: number;
  namespace: string;
  codecEndpoint: string;
  logLevel: string;
  /** Absolute path of DYNAMIC_CONFIG_PATH, read by the server in place. */
  dynamicConfigFile: string;
}

/** A setting the backend cannot run with; the message names the variable. */
export class TemporalPostgresSettingsError extends Error {
  override name = 'TemporalPostgresSettingsError';
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'];

function port(name: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65_535)
    throw new TemporalPostgresSettingsError(`${name} must be a TCP port (1–65535), got "${raw}"`);
  return Number(raw);
}

/**
 * Reads the backend's settings from the same variables as the rest of the stack: TEMPORAL_ADDRESS
 * (a loopback host:port: the scripts start servers only here), TEMPORAL_UI_PORT, TWOFOLD_PG_PORT,
 * TEMPORAL_NAMESPACE and CODEC_PORT, plus TEMPORAL_HISTORY_SHARDS and TEMPORAL_SERVER_LOG_LEVEL.
 */
export function temporalPostgresSettings(
  env: Record<string, string | undefined>,
  dynamicConfigFile: string,
): TemporalPostgresSettings {
  const address = env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const match = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(address);
  if (!match)
    throw new TemporalPostgresSettingsError(
      `TEMPORAL_ADDRESS must be 127.0.0.1:<port> or localhost:<port> to start the postgres backend here, got "${address}"`,
    );
  const frontend = port('the port of TEMPORAL_ADDRESS', match[2]!);
  const { lowest, highest } = frontendPortRange();
  const ports = Object.fromEntries(
    Object.entries(SERVER_PORT_OFFSETS).map(([name, offset]) => {
      const value = frontend + offset;
      const limit = highestPortFor(name);
      if (value < 1 || value > limit)
        throw new TemporalPostgresSettingsError(
          `TEMPORAL_ADDRESS port ${frontend} puts the server's ${name} at ${value}, outside 1–${limit}: choose a port between ${lowest} and ${highest}`,
        );
      return [name, value];
    }),
  ) as Record<ServerPortName, number>;
  const uiPort = port('TEMPORAL_UI_PORT', env.TEMPORAL_UI_PORT || '8233');
  const clash = Object.entries(ports).find(([, value]) => value === uiPort);
  if (clash)
    throw new TemporalPostgresSettingsError(
      `TEMPORAL_UI_PORT ${uiPort} is the server's ${clash[0]} (derived from TEMPORAL_ADDRESS): choose another`,
    );
  const shards = env.TEMPORAL_HISTORY_SHARDS || String(DEFAULT_HISTORY_SHARDS);
  if (!/^\d+$/.test(shards) || Number(shards) < 1)
    throw new TemporalPostgresSettingsError(
      `TEMPORAL_HISTORY_SHARDS must be a positive integer, got "${shards}"`,
    );
  const logLevel = env.TEMPORAL_SERVER_LOG_LEVEL || 'warn';
  if (!LOG_LEVELS.includes(logLevel))
    throw new TemporalPostgresSettingsError(
      `TEMPORAL_SERVER_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    );
  const namespace = env.TEMPORAL_NAMESPACE || 'default';
  return {
    host: '127.0.0.1',
    ports,
    uiPort,
    pgPort: port('TWOFOLD_PG_PORT', env.TWOFOLD_PG_PORT || '55432'),
    historyShards: Number(shards),
    namespace,
    codecEndpoint: `http://127.0.0.1:${port('CODEC_PORT', env.CODEC_PORT || '8089')}`,
    logLevel,
    dynamicConfigFile,
  };
}

/** The `${NAME}` values of both templates. */
export function templateValues(settings: TemporalPostgresSettings): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(settings.ports).map(([name, value]) => [name, String(value)])),
    HOST: settings.host,
    UI_PORT: String(settings.uiPort),
    NAMESPACE: settings.namespace,
    CODEC_ENDPOINT: settings.codecEndpoint,
    LOG_LEVEL: settings.logLevel,
    HISTORY_SHARDS: String(settings.historyShards),
    PG_ADDRESS: `127.0.0.1:${settings.pgPort}`,
    PG_USER: TEMPORAL_PG.user,
    PG_PASSWORD: TEMPORAL_PG.password,
    PG_DATABASE: TEMPORAL_PG.database,
    PG_VISIBILITY_DATABASE: TEMPORAL_PG.visibilityDatabase,
    DYNAMIC_CONFIG_FILE: settings.dynamicConfigFile,
  };
}

/** Characters a value may hold to stand as a plain YAML scalar (and inside one, as in `host:port`). */
const PLAIN_SCALAR = /^[A-Za-z0-9._/@+:-]+$/;

/**
 * Replaces each `${NAME}` of the template's non-comment lines with its value. Comment lines are kept
 * as written. Throws on a placeholder without a value and on a value YAML would read differently.
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template
    .split('\n')
    .map((line) =>
      /^\s*#/.test(line)
        ? line
        : line.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
            const value = values[name];
            if (value === undefined)
              throw new TemporalPostgresSettingsError(`the template names \${${name}}, which has no value`);
            if (!PLAIN_SCALAR.test(value))
              throw new TemporalPostgresSettingsError(
                `${name} = "${value}" cannot be written into the YAML config as it is (use a path without spaces or quotes)`,
              );
            return value;
          }),
    )
    .join('\n');
}

/**
 * The settings as `NAME='value'` lines for the start script to source (scripts/temporal-postgres.sh):
 * the ports to check before starting, and the database names and role temporal-sql-tool uses.
 */
export function shellLayout(settings: TemporalPostgresSettings): string {
  const values = {
    ...templateValues(settings),
    SERVER_PORTS: Object.values(settings.ports).join(' '),
  };
  return (
    Object.entries(values)
      .map(([name, value]) => `TP_${name}='${value.replace(/'/g, `'\\''`)}'`)
      .join('\n') + '\n'
  );
}
