/**
 * The shared benchmark harness: the whole system on real parts in a throwaway folder, started from the
 * project's own pieces (embedded/*.ts, cluster/temporal-cluster.ts, worker/create-worker.ts, api/app.ts buildApp,
 * worker/main.ts and api/main.ts for child processes). Nothing here is a second copy of what the launcher or
 * the tests do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Client, TLSConfig } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import {
  databaseServerOf,
  startTemporalCluster,
  type TemporalCluster,
} from '../../cluster/temporal-cluster.ts';
import { toKstDateString } from '../../domain/business-calendar.ts';
import { applyMigrations } from '../../embedded/migrate.ts';
import { findFreePort, startEmbeddedPostgres } from '../../embedded/postgres.ts';
import { startSmtpCatcher } from '../../embedded/smtp-catcher.ts';
import { ensureTemporalCli, ensureTemporalServer, projectRoot } from '../../embedded/temporal-binaries.ts';
import { startTemporalDevServer } from '../../embedded/temporal-server.ts';
import { loadConfig } from '../../platform/config.ts';
import { createMailer } from '../../platform/mailer.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';
import { connectTemporal, temporalTls } from '../../platform/temporal.ts';
import { seedDatabase } from '../../prisma/seed.ts';

export const BENCH_PASSWORD = 'bench-password-1';

export type ProcessMode = 'child' | 'in-process';
/**
 * `dev`: the Temporal dev server (embedded/temporal-server.ts). `cluster`: the production topology's Temporal
 * server (cluster/temporal-cluster.ts: five processes on the bench's PostgreSQL, mTLS, namespace `portal`).
 */
export type TemporalTopology = 'dev' | 'cluster';

/** BENCH_TEMPORAL=cluster selects the cluster for every bench that does not choose itself; else the dev server. */
export function temporalTopologyFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalTopology {
  const value = env.BENCH_TEMPORAL ?? 'dev';
  if (value !== 'dev' && value !== 'cluster')
    throw new Error(`BENCH_TEMPORAL must be dev or cluster, not ${value}`);
  return value;
}

export interface BenchStack {
  /** Loopback base URL of the API, e.g. http://127.0.0.1:43121 */
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  /** Which Temporal server the stack runs, and how long it took to start (s; schemas and namespace included). */
  temporalTopology: TemporalTopology;
  temporalStartSeconds: number;
  /**
   * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and, on the cluster, TEMPORAL_TLS_*: what a further child process
   * needs to reach the same server (also part of `env`).
   */
  temporalEnv: Record<string, string>;
  /** mTLS of the bench's own connections (undefined on the dev server). */
  temporalTlsConfig?: TLSConfig;
  taskQueue: string;
  seedYear: number;
  /** The bench's own Prisma client (setup, checks and the database baselines). */
  prisma: Db;
  /** The bench's own Temporal client (the bare-Temporal baselines). */
  temporal: Client;
  /** Process ids of the worker and the API when they run as child processes (for /proc/<pid>/status). */
  pids: { worker?: number; api?: number };
  /** Environment the API and worker were started with (without secrets worth hiding: all local). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export const benchLog = (name: string) => (message: string) => process.stderr.write(`[${name}] ${message}\n`);

/**
 * Rate limits on public routes would throttle a benchmark, not measure it: every RATE_LIMIT_*MAX*
 * variable that platform/config.ts declares is raised far above anything this machine can send.
 */
function rateLimitOverrides(): Record<string, string> {
  const source = fs.readFileSync(path.join(projectRoot, 'platform/config.ts'), 'utf8');
  const names = new Set(source.match(/\bRATE_LIMIT_[A-Z0-9_]*/g) ?? []);
  const env: Record<string, string> = {};
  for (const name of names)
    if (/MAX|LIMIT$|PER_/.test(name.slice('RATE_LIMIT_'.length))) env[name] = '100000000';
  if (names.has('RATE_LIMIT_ENABLED')) env.RATE_LIMIT_ENABLED = 'false';
  return env;
}

export interface Child {
  process: ChildProcess;
  tail: string[];
  stop(): Promise<void>;
}

export function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  log: (m: string) => void,
): Child {
  // e.g. BENCH_NODE_ARGS_API="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the API child.
  const extra = process.env[`BENCH_NODE_ARGS_${name.toUpperCase()}`]?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (process.env.BENCH_VERBOSE) log(`${name}: ${line}`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) log(`${name} exited unexpectedly (${signal ?? code}):\n${tail.join('\n')}`);
  });
  return {
    process: child,
    tail,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 120_000,
  child?: ChildProcess,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`${what} exited while starting`);
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not become ready in ${timeoutMs / 1000} s`);
}

/**
 * Fresh embedded PostgreSQL (migrated, demo ministry seeded with BENCH_PASSWORD), a Temporal dev server (or
 * with `temporal: 'cluster'` the production topology's Temporal cluster on that PostgreSQL, reached with mTLS
 * through the TEMPORAL_* variables the production worker and API read), the SMTP catcher, a worker and the API
 * listening on loopback; each in a temp folder removed at stop().
 */
export async function startBenchStack(options: {
  name: string;
  worker?: ProcessMode;
  api?: ProcessMode;
  /** Default: BENCH_TEMPORAL (temporalTopologyFromEnv), else `dev`. */
  temporal?: TemporalTopology;
  env?: Record<string, string>;
}): Promise<BenchStack> {
  const topology = options.temporal ?? temporalTopologyFromEnv();
  const log = benchLog(options.name);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `portal-bench-${options.name}-`));
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => log(`stop failed: ${String(error)}`));
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    const db = await startEmbeddedPostgres({
      dataDir: path.join(root, 'postgres'),
      port: 0,
      databaseName: 'bench',
    });
    stops.push(() => db.stop());
    await applyMigrations(db.url);
    const prisma = createPrisma(db.url, 10);
    stops.push(() => prisma.$disconnect());
    const seedYear = Number(toKstDateString(new Date()).slice(0, 4));
    await seedDatabase(prisma, { year: seedYear, demoPassword: BENCH_PASSWORD });

    let temporalEnv: Record<string, string>;
    let temporalStartSeconds: number;
    if (topology === 'dev') {
      const cliPath = ensureTemporalCli();
      if (!cliPath) throw new Error('Temporal CLI not found: run `npm run setup:temporal`');
      const temporalStarted = Date.now();
      const temporalServer = await startTemporalDevServer({
        cliPath,
        dataDir: path.join(root, 'temporal'),
        port: 0,
        uiPort: 0,
      });
      temporalStartSeconds = (Date.now() - temporalStarted) / 1000;
      stops.push(() => temporalServer.stop());
      temporalEnv = { TEMPORAL_ADDRESS: temporalServer.address };
    } else {
      // Built with Go on the very first use (minutes): done before the clock starts.
      ensureTemporalServer(log);
      const temporalStarted = Date.now();
      const cluster: TemporalCluster = await startTemporalCluster({
        dataDir: path.join(root, 'temporal'),
        database: databaseServerOf(db.url),
        frontendPort: await findFreePort(0),
        namespace: 'portal',
        log,
      });
      temporalStartSeconds = (Date.now() - temporalStarted) / 1000;
      stops.push(() => cluster.stop());
      log(
        `Temporal cluster (frontend, 2 history, matching, worker; mTLS; namespace ${cluster.namespace}) at ` +
          `${cluster.address}, started in ${temporalStartSeconds.toFixed(1)} s`,
      );
      temporalEnv = { ...cluster.clientEnv };
    }
    const smtp = await startSmtpCatcher({ prisma, port: 0 });
    stops.push(() => smtp.stop());

    const port = await findFreePort(0);
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      ...temporalEnv,
      TEMPORAL_TASK_QUEUE: `bench-${randomUUID().slice(0, 8)}`,
      SMTP_URL: smtp.url,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      EMBEDDED: 'true',
      PORT: String(port),
      HOST: '127.0.0.1',
      // Request logging at info would write a line per request; benchmarks measure the service, not stdout.
      LOG_LEVEL: 'warn',
      // The API child signs Update actors and the worker child checks them: one key for both.
      ACTOR_SIGNING_SECRET: randomBytes(32).toString('hex'),
      // Production mode requires the audit chain's key; the stack is thrown away, so any fresh key will do.
      AUDIT_HMAC_SECRET: randomBytes(32).toString('hex'),
      ...rateLimitOverrides(),
      ...options.env,
    };
    const config = loadConfig(env);
    // As the children read it (options.env may have changed any of it).
    temporalEnv = Object.fromEntries(
      (
        [
          'TEMPORAL_ADDRESS',
          'TEMPORAL_NAMESPACE',
          'TEMPORAL_TLS_CERT',
          'TEMPORAL_TLS_KEY',
          'TEMPORAL_TLS_CA',
          'TEMPORAL_TLS_SERVER_NAME',
        ] as const
      ).flatMap((name) => (config[name] === undefined ? [] : [[name, config[name]]])),
    );
    // The same reading of TEMPORAL_TLS_* as the production worker and API (undefined on the dev server).
    const tls = temporalTls(config);
    const temporal = await connectTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, tls);
    stops.push(() => temporal.connection.close());
    const pids: BenchStack['pids'] = {};

    // Worker
    if ((options.worker ?? 'child') === 'child') {
      const worker = startChild('worker', 'worker/main.ts', env, log);
      stops.push(() => worker.stop());
      pids.worker = worker.process.pid;
      await waitUntil(
        'worker',
        () => worker.tail.some((line) => line.includes('worker polling task queue')),
        120_000,
        worker.process,
      );
    } else {
      // Loaded only in this mode: with child processes the bench process stays a plain client.
      const { activityDepsFrom, createPortalWorker } = await import('../../worker/create-worker.ts');
      Runtime.install({ logger: new DefaultLogger('WARN') });
      const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS, tls });
      const mailer = createMailer(config.SMTP_URL);
      const worker: Worker = await createPortalWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        actorSigningSecret: config.ACTOR_SIGNING_SECRET,
        deps: activityDepsFrom(config, { prisma, mailer, temporal }),
      });
      const running = worker.run();
      stops.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
        mailer.close();
      });
    }

    // API
    const apiUrl = `http://127.0.0.1:${port}`;
    let apiProcess: ChildProcess | undefined;
    if ((options.api ?? 'child') === 'child') {
      const api = startChild('api', 'api/main.ts', env, log);
      stops.push(() => api.stop());
      pids.api = api.process.pid;
      apiProcess = api.process;
    } else {
      const { buildApp } = await import('../../api/app.ts');
      const apiPrisma = createPrisma(config.DATABASE_URL);
      const apiTemporal = await connectTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, tls);
      const mailer = createMailer(config.SMTP_URL);
      const app: FastifyInstance = await buildApp({
        config,
        prisma: apiPrisma,
        temporal: apiTemporal,
        checkMail: () => mailer.verify(),
        logger: { level: config.LOG_LEVEL },
      });
      await app.listen({ port, host: '127.0.0.1' });
      stops.push(async () => {
        await app.close();
        await apiTemporal.connection.close();
        await apiPrisma.$disconnect();
        mailer.close();
      });
    }
    await waitUntil('API', async () => (await fetch(`${apiUrl}/api/categories`)).ok, 120_000, apiProcess);
    log(
      `stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${topology === 'cluster' ? 'Temporal cluster, ' : ''}` +
        `worker ${options.worker ?? 'child'}` +
        `${pids.worker ? ` pid ${pids.worker}` : ''}, API ${options.api ?? 'child'}${pids.api ? ` pid ${pids.api}` : ''})`,
    );
    return {
      apiUrl,
      databaseUrl: db.url,
      temporalAddress: config.TEMPORAL_ADDRESS,
      temporalTopology: topology,
      temporalStartSeconds,
      temporalEnv,
      temporalTlsConfig: tls,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      seedYear,
      prisma,
      temporal,
      pids,
      env,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (undefined once it has exited). */
export function rssMiB(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
