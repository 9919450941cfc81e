/**
 * Two projects, one run (`make test`, `npx jest`):
 * - `unit`: files named `*.unit.test.ts`. Pure code only — no global set-up, no Temporal, no
 *   PostgreSQL, no child processes — so `npx jest --selectProjects unit` (`make test-unit`) runs in
 *   seconds with no service up. A unit test that needs a service belongs in a `*.test.ts` file.
 * - `stack`: every other `*.test.ts`. The global set-up starts or reuses the real Temporal dev server
 *   and PostgreSQL, migrates and bundles the workflow code once; the teardown stops what it started.
 *
 * @type {import('jest').Config}
 */
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.unit.test.ts'] },
    {
      ...shared,
      displayName: 'stack',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.test\\.ts$'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
  ],
  testTimeout: 60_000,
  // Two cores: one test file per core, all sharing the one Temporal server and PostgreSQL.
  maxWorkers: 2,
  // The Temporal SDK's native module keeps a handle open; every test also closes what it opens.
  forceExit: true,
};
