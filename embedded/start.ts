/**
 * One command runs the whole system: embedded PostgreSQL, the Temporal dev server, an SMTP catcher,
 * the worker and the API (which serves the portal). Parts given by DATABASE_URL, TEMPORAL_ADDRESS or
 * SMTP_URL are used as they are and not started. Ctrl-C stops everything this started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createPrisma } from '../platform/prisma.ts';
import { seedDatabase } from '../prisma/seed.ts';
import { toKstDateString } from '../domain/business-calendar.ts';
import { startEmbeddedPostgres } from './postgres.ts';
import { applyMigrations } from './migrate.ts';
import { startSmtpCatcher } from './smtp-catcher.ts';
import { ensureTemporalCli, projectRoot } from './temporal-binaries.ts';
import { startTemporalDevServer } from './temporal-server.ts';

const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(projectRoot, '.data'));
const port = Number(process.env.PORT ?? 3000);
const stops: Array<() => Promise<unknown>> = [];
const children: ChildProcess[] = [];
let stopping = false;

const log = (message: string) => console.log(`[start] ${message}`);

async function stopAll(exitCode: number) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  for (const stop of stops.reverse()) await stop().catch((error) => log(`stop failed: ${String(error)}`));
  log('stopped');
  process.exit(exitCode);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function runChild(name: string, script: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the rest`);
      void stopAll(1);
    }
  });
  children.push(child);
}

async function waitForHealth(url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not become healthy`);
}

try {
  const startedAt = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };

  if (!env.DATABASE_URL) {
    const db = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: 54329,
      databaseName: 'portal',
    });
    stops.push(() => db.stop());
    env.DATABASE_URL = db.url;
    log(`PostgreSQL (embedded) at ${db.url.replace(/:[^:@/]+@/, ':***@')}`);
  }
  await applyMigrations(env.DATABASE_URL);

  if (!env.TEMPORAL_ADDRESS) {
    const cliPath = ensureTemporalCli();
    if (!cliPath)
      throw new Error('No Temporal CLI found or installable; set TEMPORAL_ADDRESS or TEMPORAL_CLI_PATH');
    const temporal = await startTemporalDevServer({
      cliPath,
      dataDir: path.join(dataDir, 'temporal'),
      port: 7233,
      uiPort: 8233,
      log: (line) => console.log(`[temporal] ${line}`),
    });
    stops.push(() => temporal.stop());
    env.TEMPORAL_ADDRESS = temporal.address;
    env.TEMPORAL_UI_URL = temporal.uiUrl;
    log(`Temporal dev server at ${temporal.address}`);
  }

  const prisma = createPrisma(env.DATABASE_URL, 4);
  stops.push(() => prisma.$disconnect());
  if (!env.SMTP_URL) {
    const catcher = await startSmtpCatcher({ prisma, port: 2525 });
    stops.push(() => catcher.stop());
    env.SMTP_URL = catcher.url;
    env.EMBEDDED = 'true';
    log(`SMTP catcher at ${catcher.url}`);
  }
  if (env.EMBEDDED === 'true' && (await prisma.staff.count()) === 0) {
    const year = Number(toKstDateString(new Date()).slice(0, 4));
    await seedDatabase(prisma, { year, demoPassword: env.DEMO_PASSWORD ?? 'portal-demo-2026' });
    log(`seeded the demo ministry for ${year}`);
  }

  env.PUBLIC_URL ??= `http://localhost:${port}`;
  runChild('worker', 'worker/main.ts', env);
  runChild('api', 'api/main.ts', env);
  await waitForHealth(`http://127.0.0.1:${port}/api/health`);

  const lines = [
    `ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  portal        ${env.PUBLIC_URL}/`,
    `  API docs      ${env.PUBLIC_URL}/docs`,
    `  Temporal UI   ${env.TEMPORAL_UI_URL ?? '(external cluster)'}`,
    `  mailbox       ${env.EMBEDDED === 'true' ? `${env.PUBLIC_URL}/api/dev/mailbox` : '(external SMTP)'}`,
    `Press Ctrl-C to stop everything.`,
  ];
  for (const line of lines) log(line);
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}
