import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../platform/config.ts';
import { createMailer } from '../platform/mailer.ts';
import { createPrisma } from '../platform/prisma.ts';
import { connectTemporal } from '../platform/temporal.ts';
import { createPortalWorker } from './create-worker.ts';

const config = loadConfig();
const prisma = createPrisma(config.DATABASE_URL);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = await connectTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
const worker = await createPortalWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  deps: {
    prisma,
    mailer: createMailer(config.SMTP_URL),
    mailFrom: config.MAIL_FROM,
    publicUrl: config.PUBLIC_URL,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  },
});
console.log(`worker polling task queue "${worker.options.taskQueue}" on ${config.TEMPORAL_ADDRESS}`);
try {
  await worker.run();
} finally {
  await connection.close();
  await temporal.connection.close();
  await prisma.$disconnect();
}
