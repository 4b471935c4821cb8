import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { workerTuning } from '../../worker/create-worker.ts';

const base = {
  DATABASE_URL: 'postgresql://portal@localhost/portal',
  TEMPORAL_ADDRESS: 'localhost:7233',
  SMTP_URL: 'smtp://localhost:2525',
  NODE_ENV: 'test',
};

describe('worker tuning', () => {
  it('sizes activity slots to twice the database pool and bounds the workflow cache by default', () => {
    const tuning = workerTuning(loadConfig({ ...base }));
    expect(tuning).toEqual({
      maxConcurrentActivityTaskExecutions: 20,
      maxConcurrentWorkflowTaskExecutions: 10,
      maxCachedWorkflows: 500,
    });
  });

  it('follows the pool, takes explicit slots, and never gives more workflow slots than cached workflows', () => {
    expect(
      workerTuning(loadConfig({ ...base, WORKER_DB_POOL: '16' })).maxConcurrentActivityTaskExecutions,
    ).toBe(32);
    const explicit = workerTuning(
      loadConfig({
        ...base,
        WORKER_ACTIVITY_SLOTS: '7',
        WORKER_WORKFLOW_SLOTS: '40',
        WORKER_MAX_CACHED_WORKFLOWS: '12',
      }),
    );
    expect(explicit).toEqual({
      maxConcurrentActivityTaskExecutions: 7,
      maxConcurrentWorkflowTaskExecutions: 12,
      maxCachedWorkflows: 12,
    });
  });

  it('refuses a malformed setting at boot, naming it', () => {
    expect(() => loadConfig({ ...base, WORKER_DB_POOL: '0' })).toThrow(/WORKER_DB_POOL/);
  });
});
