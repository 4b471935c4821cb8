import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: ['node_modules/**', '.data/**', '.tools/**', 'web/dist/**', 'test-artifacts/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Forgetting to await a Temporal or Prisma call is a real bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((name) => [
              { name, message: 'Workflow and domain code must stay sandbox-clean.' },
              { name: `node:${name}`, message: 'Workflow and domain code must stay sandbox-clean.' },
            ]),
            { name: '@prisma/client', message: 'Database access belongs in activities.' },
            { name: 'nodemailer', message: 'Mail belongs in activities.' },
            { name: '@temporalio/activity', message: 'Workflows call activities through proxyActivities.' },
            { name: '@temporalio/client', message: 'Use @temporalio/workflow inside workflows.' },
            { name: '@temporalio/worker', message: 'Use @temporalio/workflow inside workflows.' },
          ],
        },
      ],
    },
  },
  {
    // The API starts and signals workflows by type; the values and data access it shares with workflows and
    // activities live in domain/ and data/.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value=/\\/workflows\\//][importKind!='type']",
          message: 'The API imports workflow modules as types only: shared values belong in domain/.',
        },
        {
          selector: "ImportDeclaration[source.value=/\\/activities\\//][importKind!='type']",
          message: 'Shared data access belongs in data/, not in activities/.',
        },
      ],
    },
  },
  {
    // The contracts layer is TypeBox schemas and their types, imported by the API and (as types) by the web:
    // it depends on nothing but TypeBox and its own files.
    files: ['contracts/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(ImportDeclaration, ExportNamedDeclaration, ExportAllDeclaration)[source.type="Literal"][source.value!=/^(typebox(\\/.*)?|\\.\\/.*)$/]',
          message:
            'contracts/ imports only typebox and other contracts: no runtime dependencies of the API or the web.',
        },
      ],
    },
  },
  {
    // The portal reads the contracts as types only, so TypeBox never reaches the bundle; the complaint action
    // catalogue is plain data without imports, which the portal's forms and step lists read as values.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value=/\\/contracts\\/(?!complaint-actions\\.ts$)/][importKind!='type']",
          message: 'The web imports contracts/ with `import type` only.',
        },
        {
          selector:
            ":matches(ExportNamedDeclaration, ExportAllDeclaration)[source.value=/\\/contracts\\//][exportKind!='type']",
          message: 'The web re-exports contracts/ with `export type` only.',
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value=/activities/][importKind!='type']",
          message: 'Import activities with `import type` only.',
        },
      ],
    },
  },
);
