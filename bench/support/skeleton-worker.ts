/**
 * The lifecycle bench's skeleton worker, a child process like the portal's worker: the skeleton workflow
 * (bench/support/skeleton-workflow.ts) and its one empty activity on the bench's own task queue.
 * Env: TEMPORAL_ADDRESS, SKELETON_TASK_QUEUE; TEMPORAL_NAMESPACE and TEMPORAL_TLS_* as the portal's worker reads
 * them (the stack's `temporalEnv`; on the Temporal cluster: namespace `portal`, mTLS).
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { temporalTls } from '../../platform/temporal.ts';
import type { SkeletonActivities } from './skeleton-workflow.ts';

const address = process.env.TEMPORAL_ADDRESS!;
const taskQueue = process.env.SKELETON_TASK_QUEUE!;
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address, tls: temporalTls(process.env) });
const activities: SkeletonActivities = { skeletonStep: async () => {} };
const worker = await Worker.create({
  connection,
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
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
