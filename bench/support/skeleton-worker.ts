/**
 * The lifecycle bench's skeleton worker, a child process like the portal's worker: the skeleton workflow
 * (bench/support/skeleton-workflow.ts) and its one empty activity on the bench's own task queue.
 * Env: TEMPORAL_ADDRESS, SKELETON_TASK_QUEUE.
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { SkeletonActivities } from './skeleton-workflow.ts';

const address = process.env.TEMPORAL_ADDRESS!;
const taskQueue = process.env.SKELETON_TASK_QUEUE!;
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address });
const activities: SkeletonActivities = { skeletonStep: async () => {} };
const worker = await Worker.create({
  connection,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./skeleton-workflow.ts', import.meta.url)),
  activities,
});
console.log(`worker polling task queue "${taskQueue}"`);
try {
  await worker.run();
} finally {
  await connection.close();
}
