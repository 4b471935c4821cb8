/**
 * Real parts for fault tests, each under the test's control: an embedded PostgreSQL that can be stopped
 * and started again on the same data folder and port, a Temporal dev server with SQLite persistence that
 * can be restarted on the same file and port, and an SMTP catcher that can be down and come back on the
 * same port. Workers run as child processes (so they can be killed with SIGKILL); APIs run in this
 * process on their own ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { buildApp } from '../../../api/app.ts';
import { applyMigrations } from '../../../embedded/migrate.ts';
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../../embedded/postgres.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../../embedded/smtp-catcher.ts';
import { ensureTemporalCli, projectRoot } from '../../../embedded/temporal-binaries.ts';
import { startTemporalDevServer, type EmbeddedTemporal } from '../../../embedded/temporal-server.ts';
import { loadConfig, type Config } from '../../../platform/config.ts';
import { createMailer } from '../../../platform/mailer.ts';
import { createPrisma, type Db } from '../../../platform/prisma.ts';
import { connectTemporal, temporalTls } from '../../../platform/temporal.ts';
import { seedDatabase } from '../../../prisma/seed.ts';
import { workflowBundleOptions } from '../../../worker/create-worker.ts';
import { DEMO_PASSWORD, SEED_YEAR } from '../constants.ts';

export interface FaultParts {
  root: string;
  databaseUrl: string;
  temporalAddress: string;
  smtpUrl: string;
  taskQueue: string;
  /** Workflow code bundled once per test file, so that a restarted worker polls within seconds. */
  workflowBundlePath: string;
  /** The test's own connection pool (checks, and the SMTP catcher's mailbox). */
  prisma: Db;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** SIGTERM the Temporal dev server and start it again on the same SQLite file and port. */
  restartTemporal(): Promise<{ downMillis: number }>;
  stopSmtp(): Promise<void>;
  startSmtp(): Promise<void>;
  smtpRunning(): boolean;
  stop(): Promise<void>;
}

/** What a worker process or an API instance needs of the parts (the cluster suite builds its own). */
export type ProcessParts = Pick<
  FaultParts,
  'root' | 'databaseUrl' | 'temporalAddress' | 'smtpUrl' | 'taskQueue' | 'workflowBundlePath'
>;

export async function startParts(options: { name: string; smtp?: boolean }): Promise<FaultParts> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `portal-faults-${options.name}-`));
  const pgDir = path.join(root, 'postgres');
  const temporalDir = path.join(root, 'temporal');
  const pgPort = await findFreePort(0);
  const smtpPort = await findFreePort(0);
  let db: EmbeddedDatabase | undefined;
  let temporal: EmbeddedTemporal | undefined;
  let smtp: SmtpCatcher | undefined;
  let prisma: Db | undefined;
  const cliPath = ensureTemporalCli();
  if (!cliPath) throw new Error('Temporal CLI not found: run `npm run setup:temporal`');

  const startDb = async () => {
    db = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, databaseName: 'portal_faults' });
    if (!db.url.includes(`:${pgPort}/`)) throw new Error(`PostgreSQL came back on another port: ${db.url}`);
    return db;
  };
  const startTemporal = async (port: number) => {
    temporal = await startTemporalDevServer({ cliPath, dataDir: temporalDir, port, uiPort: 0 });
    return temporal;
  };

  const stop = async () => {
    await smtp?.stop().catch(() => undefined);
    await prisma?.$disconnect().catch(() => undefined);
    await temporal?.stop();
    await db?.stop().catch(() => undefined);
    if (!process.env.FAULTS_KEEP_DATA) fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const databaseUrl = (await startDb()).url;
    await applyMigrations(databaseUrl);
    prisma = createPrisma(databaseUrl, 4);
    await seedDatabase(prisma, { year: SEED_YEAR, demoPassword: DEMO_PASSWORD });
    const workflowBundlePath = path.join(root, 'workflow-bundle.js');
    const bundle = await bundleWorkflowCode({ ...workflowBundleOptions, logger: new DefaultLogger('WARN') });
    fs.writeFileSync(workflowBundlePath, bundle.code);
    const temporalAddress = (await startTemporal(0)).address;
    const temporalPort = Number(temporalAddress.split(':').pop());
    const db_ = prisma;
    const smtpUrl = `smtp://127.0.0.1:${smtpPort}`;
    const startSmtp = async () => {
      smtp = await startSmtpCatcher({ prisma: db_, port: smtpPort });
      if (smtp.url !== smtpUrl) throw new Error(`SMTP catcher came back on another port: ${smtp.url}`);
    };
    if (options.smtp !== false) await startSmtp();
    return {
      root,
      databaseUrl,
      temporalAddress,
      smtpUrl,
      taskQueue: `faults-${options.name}`,
      workflowBundlePath,
      prisma,
      stopPostgres: async () => {
        await db?.stop();
        db = undefined;
      },
      startPostgres: async () => {
        await startDb();
      },
      restartTemporal: async () => {
        const downAt = Date.now();
        await temporal?.stop();
        await startTemporal(temporalPort);
        if (temporal?.address !== temporalAddress) {
          throw new Error(`Temporal came back at ${temporal?.address}, not ${temporalAddress}`);
        }
        return { downMillis: Date.now() - downAt };
      },
      stopSmtp: async () => {
        await smtp?.stop();
        smtp = undefined;
      },
      startSmtp,
      smtpRunning: () => smtp !== undefined,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker polls its task queue. */
  ready: Promise<void>;
  exited: Promise<void>;
  /** Resident memory of the process in bytes, read from /proc (undefined once it is gone). */
  rssBytes(): number | undefined;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const liveWorkers = new Set<ChildProcess>();
// A test process that ends early (failure, interrupt) must not leave worker processes behind.
process.once('exit', () => {
  for (const child of liveWorkers) child.kill('SIGKILL');
});

/** One key for every API instance and worker of a fault run: the API signs Update actors, workers check them. */
const ACTOR_SIGNING_SECRET = randomBytes(32).toString('hex');

/** `node --import tsx worker/main.ts` as a child process, configured through its environment only. */
export function spawnWorker(
  parts: ProcessParts,
  options: { logName: string; env?: Record<string, string> },
): WorkerProcess {
  const log = fs.createWriteStream(path.join(parts.root, `${options.logName}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      DATABASE_URL: parts.databaseUrl,
      TEMPORAL_ADDRESS: parts.temporalAddress,
      TEMPORAL_TASK_QUEUE: parts.taskQueue,
      SMTP_URL: parts.smtpUrl,
      PUBLIC_URL: 'http://localhost:3000',
      LOG_LEVEL: 'warn',
      WORKFLOW_BUNDLE_PATH: parts.workflowBundlePath,
      WORKER_METRICS_PORT: '0',
      ACTOR_SIGNING_SECRET,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveWorkers.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => liveWorkers.delete(child));
  const ready = new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      seen = (seen + chunk.toString()).slice(-2000);
      if (seen.includes('worker polling task queue')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
    void exited.then(() =>
      reject(new Error(`worker ${options.logName} exited before polling (see ${log.path})`)),
    );
  });
  ready.catch(() => undefined);
  void exited.then(() => log.end());
  return {
    child,
    ready,
    exited,
    rssBytes() {
      try {
        const pages = Number(fs.readFileSync(`/proc/${child.pid}/statm`, 'utf8').split(' ')[1]);
        return pages * 4096;
      } catch {
        return undefined;
      }
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface ApiInstance {
  app: FastifyInstance;
  baseUrl: string;
  config: Config;
  temporal: Client;
  prisma: Db;
  stop(): Promise<void>;
}

let apiCount = 0;

/** The API in this process, listening on its own port, with its own pools like a separate instance. */
export async function startApi(parts: ProcessParts, env: Record<string, string> = {}): Promise<ApiInstance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: parts.databaseUrl,
    TEMPORAL_ADDRESS: parts.temporalAddress,
    TEMPORAL_TASK_QUEUE: parts.taskQueue,
    SMTP_URL: parts.smtpUrl,
    EMBEDDED: 'true',
    LOG_LEVEL: 'warn',
    // One client IP drives the whole load: per-IP limits would throttle the test, not protect anything.
    RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    ACTOR_SIGNING_SECRET,
    ...env,
  });
  const prisma = createPrisma(config.DATABASE_URL, 8);
  const temporal = await connectTemporal(
    config.TEMPORAL_ADDRESS,
    config.TEMPORAL_NAMESPACE,
    temporalTls(config),
  );
  const mailer = createMailer(config.SMTP_URL);
  // Errors go to a log file next to the workers' logs (kept with FAULTS_KEEP_DATA=1).
  const log = fs.createWriteStream(path.join(parts.root, `api-${(apiCount += 1)}.log`), { flags: 'a' });
  const app = await buildApp({
    config,
    prisma,
    temporal,
    checkMail: () => mailer.verify(),
    logger: { level: 'error', stream: log },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    temporal,
    prisma,
    async stop() {
      await app.close();
      await temporal.connection.close();
      mailer.close();
      await prisma.$disconnect();
      log.end();
    },
  };
}
