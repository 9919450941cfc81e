import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_HISTORY_SHARDS,
  renderTemplate,
  SERVER_PORT_OFFSETS,
  shellLayout,
  templateValues,
  temporalPostgresSettings,
  TemporalPostgresSettingsError,
} from '../../scripts/temporal-postgres/settings';

const repoRoot = path.resolve(__dirname, '..', '..');
const DYNAMIC_CONFIG = '/repo/deploy/temporal/dynamicconfig.yaml';
const template = (name: string) => readFileSync(path.join(repoRoot, 'deploy/temporal', name), 'utf8');
const rendered = (env: Record<string, string>, name: string) =>
  renderTemplate(template(name), templateValues(temporalPostgresSettings(env, DYNAMIC_CONFIG)));

describe('the postgres backend settings (docs/temporal-backends.md)', () => {
  it('when nothing is set, then the server takes Temporal’s usual ports around 7233, the UI 8233 and the local cluster', () => {
    const settings = temporalPostgresSettings({}, DYNAMIC_CONFIG);
    expect(settings.ports).toEqual({
      FRONTEND_PORT: 7233,
      HISTORY_PORT: 7234,
      MATCHING_PORT: 7235,
      WORKER_PORT: 7239,
      FRONTEND_HTTP_PORT: 7243,
      FRONTEND_MEMBERSHIP_PORT: 6933,
      HISTORY_MEMBERSHIP_PORT: 6934,
      MATCHING_MEMBERSHIP_PORT: 6935,
      WORKER_MEMBERSHIP_PORT: 6939,
      METRICS_PORT: 8000,
    });
    expect(settings).toMatchObject({
      host: '127.0.0.1',
      uiPort: 8233,
      pgPort: 55432,
      historyShards: DEFAULT_HISTORY_SHARDS,
      namespace: 'default',
      codecEndpoint: 'http://127.0.0.1:8089',
    });
  });

  it('when TEMPORAL_ADDRESS names another port, then every server port moves with it and none is a default one', () => {
    const settings = temporalPostgresSettings(
      {
        TEMPORAL_ADDRESS: 'localhost:27233',
        TEMPORAL_UI_PORT: '28233',
        TWOFOLD_PG_PORT: '57432',
        CODEC_PORT: '28089',
      },
      DYNAMIC_CONFIG,
    );
    const defaults = Object.values(temporalPostgresSettings({}, DYNAMIC_CONFIG).ports);
    for (const [name, offset] of Object.entries(SERVER_PORT_OFFSETS))
      expect(settings.ports[name as keyof typeof SERVER_PORT_OFFSETS]).toBe(27233 + offset);
    expect(Object.values(settings.ports).filter((p) => defaults.includes(p) || p === 8233)).toEqual([]);
    expect(new Set(Object.values(settings.ports)).size).toBe(Object.keys(SERVER_PORT_OFFSETS).length);
    expect(settings).toMatchObject({ uiPort: 28233, pgPort: 57432, codecEndpoint: 'http://127.0.0.1:28089' });
  });

  it.each([
    [{ TEMPORAL_ADDRESS: 'temporal.internal:7233' }, /TEMPORAL_ADDRESS must be 127\.0\.0\.1/],
    [
      { TEMPORAL_ADDRESS: '127.0.0.1:200' },
      /FRONTEND_MEMBERSHIP_PORT at -100, outside 1–32767: choose a port between 301 and 33061/,
    ],
    [{ TEMPORAL_ADDRESS: '127.0.0.1:65530' }, /WORKER_PORT at 65536, outside 1–65535/],
    // membership ports live in a smallint column: 33062 would put the worker's at 32768
    [
      { TEMPORAL_ADDRESS: '127.0.0.1:33062' },
      /WORKER_MEMBERSHIP_PORT at 32768, outside 1–32767: choose a port between 301 and 33061/,
    ],
    [{ TEMPORAL_UI_PORT: '7234' }, /TEMPORAL_UI_PORT 7234 is the server's HISTORY_PORT/],
    [{ TEMPORAL_UI_PORT: '0' }, /TEMPORAL_UI_PORT must be a TCP port/],
    [{ TWOFOLD_PG_PORT: 'pg' }, /TWOFOLD_PG_PORT must be a TCP port/],
    [{ TEMPORAL_HISTORY_SHARDS: '0' }, /TEMPORAL_HISTORY_SHARDS must be a positive integer/],
    [{ TEMPORAL_SERVER_LOG_LEVEL: 'loud' }, /TEMPORAL_SERVER_LOG_LEVEL must be one of/],
  ])('when the environment holds %j, then it is refused naming the variable', (env, message) => {
    expect(() => temporalPostgresSettings(env, DYNAMIC_CONFIG)).toThrow(TemporalPostgresSettingsError);
    expect(() => temporalPostgresSettings(env, DYNAMIC_CONFIG)).toThrow(message);
  });
});

describe('renderTemplate', () => {
  it('when a line names placeholders, then each is replaced; comment lines stay as written', () => {
    expect(renderTemplate('# fills ${A}\nx: ${A}:${B}\n  # ${C}\n', { A: 'one', B: '2' })).toBe(
      '# fills ${A}\nx: one:2\n  # ${C}\n',
    );
  });

  it('when a placeholder has no value, then rendering fails naming it', () => {
    expect(() => renderTemplate('x: ${MISSING}', {})).toThrow(/\$\{MISSING\}, which has no value/);
  });

  it('when a value would not read back as the same YAML scalar, then rendering fails', () => {
    expect(() => renderTemplate('x: ${P}', { P: '/a path/with space' })).toThrow(/cannot be written/);
    expect(() => renderTemplate('x: ${P}', { P: 'a"b' })).toThrow(/cannot be written/);
  });
});

describe('the committed templates (deploy/temporal/)', () => {
  const env = { TEMPORAL_ADDRESS: '127.0.0.1:27233', TEMPORAL_UI_PORT: '28233', TWOFOLD_PG_PORT: '57432' };
  const uncommented = (text: string) => text.split('\n').filter((line) => !/^\s*#/.test(line));

  it('when the server config is rendered, then no placeholder is left and it points at the cluster, the ports and the dynamic config', () => {
    const server = rendered(env, 'server.yaml');
    expect(uncommented(server).join('\n')).not.toContain('${');
    expect(server.match(/connectAddr: 127\.0\.0\.1:57432$/gm)).toHaveLength(2);
    expect(server).toMatch(/databaseName: temporal$/m);
    expect(server).toMatch(/databaseName: temporal_visibility$/m);
    expect(server).toMatch(/pluginName: postgres12$/m);
    expect(server).toMatch(/numHistoryShards: 4$/m);
    expect(server).toMatch(/grpcPort: 27233\n\s+httpPort: 27243\n\s+membershipPort: 26933$/m);
    expect(server).toMatch(/rpcAddress: 127\.0\.0\.1:27233$/m);
    expect(server).toMatch(/listenAddress: 127\.0\.0\.1:28000$/m);
    expect(server).toContain(`filepath: ${DYNAMIC_CONFIG}\n`);
  });

  it('when the Web UI config is rendered, then it serves on TEMPORAL_UI_PORT, talks to the frontend and decodes through the codec server', () => {
    const ui = rendered(env, 'ui-server.yaml');
    expect(uncommented(ui).join('\n')).not.toContain('${');
    expect(ui).toMatch(/^temporalGrpcAddress: 127\.0\.0\.1:27233$/m);
    expect(ui).toMatch(/^port: 28233$/m);
    expect(ui).toMatch(/^ {2}endpoint: http:\/\/127\.0\.0\.1:8089$/m);
  });

  it('when the layout is written for the start script, then it is shell assignments of every value and the ports to check', () => {
    const layout = shellLayout(temporalPostgresSettings(env, DYNAMIC_CONFIG));
    expect(layout).toContain("TP_PG_VISIBILITY_DATABASE='temporal_visibility'\n");
    expect(layout).toContain(
      "TP_SERVER_PORTS='27233 27234 27235 27239 27243 26933 26934 26935 26939 28000'\n",
    );
    expect(
      layout
        .trim()
        .split('\n')
        .every((line) => /^TP_[A-Z_]+='[^']*'$/.test(line)),
    ).toBe(true);
  });
});
