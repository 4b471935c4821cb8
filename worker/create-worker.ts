import { fileURLToPath } from 'node:url';
import type { Config } from '../platform/config.ts';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import { ActorClaimCodec } from '../platform/actor-claims.ts';
import { createFileStore } from '../platform/file-store.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** Workflow interceptors every worker and bundle registers: activity summaries for readable histories. */
export const workflowInterceptorModules = [
  fileURLToPath(new URL('../workflows/summaries.ts', import.meta.url)),
];
/** What `bundleWorkflowCode` needs to build the same workflow code the worker runs. */
export const workflowBundleOptions = { workflowsPath, workflowInterceptorModules };

/** The one place the worker is assembled: used by the worker process and by tests. */
export async function createPortalWorker(options: {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue: string;
  /** Checks the actor the API signed on each Update before workflow code sees it. */
  actorSigningSecret: string;
  overrides?: Partial<WorkerOptions>;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    interceptors: { workflowModules: workflowInterceptorModules },
    activities: createActivities(options.deps),
    dataConverter: { payloadCodecs: [new ActorClaimCodec(options.actorSigningSecret)] },
    ...options.overrides,
  });
}

/**
 * Slots and cache sized to the machine and the worker's database pool (measured with
 * `npm run bench -- lifecycle`; see the README's "Worker tuning"). Passed as `overrides` by worker/main.ts.
 */
export function workerTuning(
  config: Pick<
    Config,
    'WORKER_DB_POOL' | 'WORKER_ACTIVITY_SLOTS' | 'WORKER_WORKFLOW_SLOTS' | 'WORKER_MAX_CACHED_WORKFLOWS'
  >,
): Partial<WorkerOptions> {
  const activitySlots = config.WORKER_ACTIVITY_SLOTS || 2 * config.WORKER_DB_POOL;
  const cached = config.WORKER_MAX_CACHED_WORKFLOWS;
  return {
    maxConcurrentActivityTaskExecutions: activitySlots,
    // The SDK refuses more workflow slots than cached workflows (unless the cache is off).
    maxConcurrentWorkflowTaskExecutions:
      cached > 0 ? Math.min(config.WORKER_WORKFLOW_SLOTS, cached) : config.WORKER_WORKFLOW_SLOTS,
    maxCachedWorkflows: cached,
  };
}

/** The activities' dependencies as configuration gives them: the one mapping from config to deps. */
export function activityDepsFrom(
  config: Pick<Config, 'MAIL_FROM' | 'PUBLIC_URL' | 'TEMPORAL_TASK_QUEUE' | 'FILE_STORE' | 'FILE_STORE_DIR'>,
  parts: Pick<ActivityDeps, 'prisma' | 'mailer' | 'temporal'>,
): ActivityDeps {
  return {
    ...parts,
    fileStore: createFileStore(config, parts.prisma),
    mailFrom: config.MAIL_FROM,
    publicUrl: config.PUBLIC_URL,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  };
}
