import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseUrl } from '../harness/database';

const repoRoot = path.resolve(__dirname, '..', '..');

// tsc over the whole of src/ on a shared 2-core machine.
jest.setTimeout(300_000);

/**
 * A directory laid out like the runtime image: package.json, bin/, dist/ from `npm run build`'s two
 * steps, and node_modules without tsx (the image prunes dev dependencies) — and no src/.
 */
function buildImageLikeTree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'twofold-build-'));
  const tsc = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      path.join(dir, 'dist'),
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`);
  execFileSync(process.execPath, [
    path.join(repoRoot, 'scripts/copy-build-assets.js'),
    path.join(dir, 'dist'),
  ]);
  mkdirSync(path.join(dir, 'bin'));
  copyFileSync(path.join(repoRoot, 'bin/twofold.js'), path.join(dir, 'bin/twofold.js'));
  copyFileSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
  mkdirSync(path.join(dir, 'node_modules'));
  for (const name of readdirSync(path.join(repoRoot, 'node_modules'))) {
    if (name === 'tsx' || name === '.bin') continue;
    symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  return dir;
}

describe('the compiled build (npm run build → dist/) runs without TypeScript tooling', () => {
  let dir: string;
  const twofold = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [path.join(dir, 'bin/twofold.js'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });

  beforeAll(() => {
    dir = buildImageLikeTree();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when built, then dist/ holds the compiled CLI, the SQL migrations and the dashboard assets, and tsx is not resolvable', () => {
    expect(existsSync(path.join(dir, 'dist/cli/main.js'))).toBe(true);
    expect(
      readdirSync(path.join(dir, 'dist/db/migrations')).filter((f) => f.endsWith('.sql')).length,
    ).toBeGreaterThanOrEqual(6);
    expect(existsSync(path.join(dir, 'dist/dashboard/public/index.html'))).toBe(true);
    expect(
      readdirSync(path.join(dir, 'dist'), { recursive: true }).some((f) => String(f).endsWith('.ts')),
    ).toBe(false);
    expect(() => require.resolve('tsx/cjs', { paths: [dir] })).toThrow();
  });

  it('when bin/twofold.js runs with no sources and no tsx, then it runs the compiled CLI', () => {
    const help = twofold(['--help']);
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/worker/);
    expect(help.stdout).toMatch(/gateway/);
  });

  it('when the compiled CLI migrates the database, then it finds its SQL migrations in dist/', () => {
    const migrate = twofold(['db', 'migrate'], { DATABASE_URL: testDatabaseUrl() });
    expect(migrate.stderr).toBe('');
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toMatch(/database is up to date|migration\(s\) applied/);
  });

  it('when the compiled emulator is started in production, then its guard refuses as the sources do', () => {
    const refused = twofold(['emulator'], { NODE_ENV: 'production' });
    expect(refused.status).toBe(78);
    expect(refused.stderr).toContain('refusing to start the Authy emulator');
  });
});

describe('Dockerfile runtime hygiene', () => {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));

  it('when read, then every base image is pinned to an exact Node ≥ 22 version (no floating tag)', () => {
    const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) {
      const version = /^node:(\d+)\.(\d+)\.(\d+)-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/.exec(image);
      expect(version).not.toBeNull();
      expect(Number(version![1])).toBeGreaterThanOrEqual(22);
    }
  });

  it('when read, then the runtime stage copies compiled code owned by root, runs as node, and starts bin/twofold.js (dist, no tsx)', () => {
    const copies = runtime.split('\n').filter((line) => line.startsWith('COPY'));
    expect(copies.filter((line) => line.includes('--chown'))).toEqual([]);
    expect(copies.filter((line) => /\bsrc\b/.test(line))).toEqual([]);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/ENTRYPOINT \["node", "bin\/twofold\.js"\]/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it('when package.json is read, then tsx is a dev dependency only (pruned from the image)', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
    expect(pkg.scripts.build).toContain('tsconfig.build.json');
  });
});
