import { defineConfig } from 'vitest/config';

/**
 * The cluster fault suite needs the real Temporal server (built once with Go) and takes minutes: it runs
 * only with `npm run test:cluster` (or CLUSTER_TESTS=true), never inside the default `npm test`.
 */
const clusterTests =
  process.env.npm_lifecycle_event === 'test:cluster' || process.env.CLUSTER_TESTS === 'true';

export default defineConfig({
  test: {
    // A second run in the same CI job (the cluster suite) writes its results next to, not over, the first.
    reporters: [
      'default',
      ['json', { outputFile: process.env.TEST_RESULTS_FILE ?? 'test-artifacts/results.json' }],
    ],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file starts its own time-skipping test server; one at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One file at a time: they share one PostgreSQL and one Temporal server on a 2-core machine.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Real Chromium against the real stack: one file at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          // Each file starts its own PostgreSQL, Temporal, SMTP and worker processes and breaks them on purpose.
          testTimeout: 900_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      ...(clusterTests
        ? [
            {
              test: {
                name: 'cluster',
                include: ['test/cluster/**/*.test.ts'],
                testTimeout: 900_000,
                hookTimeout: 600_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
