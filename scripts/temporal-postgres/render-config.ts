// Writes the postgres backend's configuration (docs/temporal-backends.md) from the committed templates
// under deploy/temporal/ and the environment (settings.ts):
//   <out>/server/config/development.yaml   temporal-server --root <out>/server --config config
//   <out>/ui/config/development.yaml       temporal-ui-server --root <out>/ui --config config
//   <out>/layout.env                       the values, for scripts/temporal-postgres.sh to source
// Usage: tsx scripts/temporal-postgres/render-config.ts <out>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DYNAMIC_CONFIG_PATH,
  renderTemplate,
  shellLayout,
  temporalPostgresSettings,
  templateValues,
  TemporalPostgresSettingsError,
} from './settings';

const repoRoot = path.resolve(__dirname, '..', '..');
const deployDir = path.join(repoRoot, 'deploy', 'temporal');

function main(out: string | undefined): void {
  if (!out) throw new TemporalPostgresSettingsError('usage: render-config.ts <output directory>');
  const settings = temporalPostgresSettings(process.env, path.join(repoRoot, DYNAMIC_CONFIG_PATH));
  const values = templateValues(settings);
  for (const [template, dir] of [
    ['server.yaml', 'server'],
    ['ui-server.yaml', 'ui'],
  ] as const) {
    const target = path.join(out, dir, 'config');
    mkdirSync(target, { recursive: true });
    const rendered = renderTemplate(readFileSync(path.join(deployDir, template), 'utf8'), values);
    writeFileSync(path.join(target, 'development.yaml'), rendered, { mode: 0o600 });
  }
  writeFileSync(path.join(out, 'layout.env'), shellLayout(settings), { mode: 0o600 });
}

try {
  main(process.argv[2]);
} catch (error) {
  if (!(error instanceof TemporalPostgresSettingsError)) throw error;
  console.error(error.message);
  process.exit(2);
}
