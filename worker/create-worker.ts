import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The one place the worker is assembled: used by the worker process and by tests. */
export async function createPortalWorker(options: {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue: string;
  overrides?: Partial<WorkerOptions>;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    activities: createActivities(options.deps),
    ...options.overrides,
  });
}
