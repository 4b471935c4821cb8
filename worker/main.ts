import { NativeConnection, Runtime } from '@temporalio/worker';
import { configureAuditChain } from '../platform/audit.ts';
import { loadConfig } from '../platform/config.ts';
import { createMailer } from '../platform/mailer.ts';
import { createPrisma } from '../platform/prisma.ts';
import { connectTemporal, temporalTls } from '../platform/temporal.ts';
import { activityDepsFrom, createPortalWorker, workerTuning } from './create-worker.ts';
import { ensureBscCycleSchedule, ensureRetentionSchedule } from './schedules.ts';

const config = loadConfig();
configureAuditChain(config);
if (config.WORKER_METRICS_PORT > 0) {
  const bindAddress = `${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}`;
  try {
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
    console.log(`worker metrics (Prometheus) at http://${bindAddress}/metrics`);
  } catch (error) {
    // Missing metrics must not stop the work: the worker runs on, and says why it has none.
    console.warn(`worker metrics not exposed on ${bindAddress}: ${String(error)}`);
  }
}
const prisma = createPrisma(config.DATABASE_URL, config.WORKER_DB_POOL);
const tls = temporalTls(config);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS, tls });
const temporal = await connectTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, tls);
const worker = await createPortalWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  actorSigningSecret: config.ACTOR_SIGNING_SECRET,
  overrides: {
    ...workerTuning(config),
    ...(config.WORKFLOW_BUNDLE_PATH
      ? {
          workflowsPath: undefined,
          // The bundle carries its workflow interceptors (built with workflowBundleOptions).
          interceptors: undefined,
          workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH },
        }
      : {}),
  },
  deps: activityDepsFrom(config, {
    prisma: prisma,
    mailer: createMailer(config.SMTP_URL),
    temporal: temporal,
  }),
});
await ensureRetentionSchedule(temporal, {
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  retentionDays: config.RETENTION_DAYS_AFTER_CLOSE,
});
await ensureBscCycleSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
console.log(`worker polling task queue "${worker.options.taskQueue}" on ${config.TEMPORAL_ADDRESS}`);
try {
  await worker.run();
} finally {
  await connection.close();
  await temporal.connection.close();
  await prisma.$disconnect();
}
