// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';

/** Modules workflow code must never import: it runs in Temporal's deterministic sandbox. */
const bannedInWorkflows = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  'pg',
  'koa',
  '@koa/router',
  '@koa/bodyparser',
  'zod',
  'pino',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      // Dependencies point into workflows/, never out of it: activities, the API clients, the database
      // and the shared contracts are what workflows use, so none of them may import workflow code
      // (docs/reporting-sync.md#where-it-lives). Client helpers (src/client/) may: they name messages.
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: ['activities', 'authy', 'db', 'shared'].map((folder) => ({
            target: `./src/${folder}`,
            from: './src/workflows',
            message: 'Workflows import activities, shared contracts and clients, not the other way round.',
          })),
        },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedInWorkflows.map((name) => ({
            name,
            message: 'Workflow code runs in the deterministic sandbox: do I/O in an activity.',
          })),
          patterns: [
            {
              group: ['**/db/**', '**/webhook-gateway/**', '**/authy/**', '**/cli/**', '**/config'],
              message:
                'Workflow code may import only @temporalio/workflow, @temporalio/common, shared/ and activity types.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process.env in workflows: pass values through the input.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
