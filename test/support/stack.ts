import { createHash } from 'node:crypto';
import { inject } from 'vitest';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../embedded/smtp-catcher.ts';
import { loadConfig, type Config } from '../../platform/config.ts';
import { createMailer } from '../../platform/mailer.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';
import { connectTemporal } from '../../platform/temporal.ts';
import { activityDepsFrom, createPortalWorker } from '../../worker/create-worker.ts';
import type { Client } from '@temporalio/client';

export { waitFor } from './wait-for.ts';

export interface Stack {
  app: FastifyInstance;
  prisma: Db;
  temporal: Client;
  config: Config;
  smtp: SmtpCatcher;
  worker: Worker;
  stop(): Promise<void>;
}

/**
 * The whole system in this test process on real parts: PostgreSQL and Temporal from the global setup,
 * a real SMTP server, a worker on a task queue of its own, and the API (driven with inject or listen).
 */
let runtimeInstalled = false;
function quietTemporalRuntime() {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export async function startStack(overrides: Partial<Record<string, string>> = {}): Promise<Stack> {
  quietTemporalRuntime();
  const prisma = createPrisma(inject('databaseUrl'), 5);
  const smtp = await startSmtpCatcher({ prisma, port: 0 });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: inject('taskQueue'),
    SMTP_URL: smtp.url,
    EMBEDDED: 'true',
    LOG_LEVEL: 'warn',
    // Tests drive everything from one IP and poll; test/integration/security-*.test.ts checks the limits.
    RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    // Every stack of the run serves the same task queue, so any of their workers may check an Update's
    // signed actor: they must share the key.
    ACTOR_SIGNING_SECRET: createHash('sha256')
      .update(`actor-claims:${inject('taskQueue')}`)
      .digest('hex'),
    ...overrides,
  });
  const temporal = await connectTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  const mailer = createMailer(config.SMTP_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createPortalWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    actorSigningSecret: config.ACTOR_SIGNING_SECRET,
    deps: activityDepsFrom(config, { prisma, mailer, temporal }),
  });
  const running = worker.run();
  const app = await buildApp({
    config,
    prisma,
    temporal,
    checkMail: () => mailer.verify(),
    logger: { level: 'error' },
  });
  await app.ready();
  return {
    app,
    prisma,
    temporal,
    config,
    smtp,
    worker,
    async stop() {
      await app.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await temporal.connection.close();
      mailer.close();
      await smtp.stop();
      await prisma.$disconnect();
    },
  };
}
