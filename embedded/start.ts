/**
 * One command runs the whole system: embedded PostgreSQL, the Temporal dev server, an SMTP catcher,
 * the worker and the API (which serves the portal). Parts given by DATABASE_URL, TEMPORAL_ADDRESS or
 * SMTP_URL are used as they are and not started. Every port is configurable (see embedded/ports.ts); a
 * usual port that is taken is replaced by a free one, and the launcher says which and by what.
 * Ctrl-C stops everything this started.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPrisma } from '../platform/prisma.ts';
import { seedDatabase } from '../prisma/seed.ts';
import { toKstDateString } from '../domain/business-calendar.ts';
import { PortTakenError, choosePort } from './ports.ts';
import { PostgresUnreachableError, startEmbeddedPostgres } from './postgres.ts';
import { applyMigrations } from './migrate.ts';
import { startSmtpCatcher } from './smtp-catcher.ts';
import { createSupervisor, waitForHealth } from './supervisor.ts';
import { ensureTemporalCli, projectRoot } from './temporal-binaries.ts';
import { startTemporalDevServer } from './temporal-server.ts';

const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(projectRoot, '.data'));
/** The embedded installation's audit key: generated once, kept in the data folder (mode 600). */
function embeddedAuditSecret(directory: string): string {
  const file = path.join(directory, 'audit-hmac.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(directory, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

const supervisor = createSupervisor('start');
const { log } = supervisor;

try {
  const startedAt = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  const port = await choosePort('portal', env, log);
  env.PORT = String(port);
  // A demo on a laptop is not a server: loopback only, unless HOST says otherwise.
  env.HOST ??= '127.0.0.1';
  // The audit chain's key and its exported head live beside the data, outside the database.
  env.AUDIT_HMAC_SECRET ??= embeddedAuditSecret(dataDir);
  env.AUDIT_HEAD_FILE ??= path.join(dataDir, 'audit-head.log');
  // The API signs Update actors and the worker checks them: both children get the same key.
  env.ACTOR_SIGNING_SECRET ??= randomBytes(32).toString('hex');

  if (!env.DATABASE_URL) {
    const db = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: await choosePort('postgres', env, log),
      databaseName: 'portal',
    });
    supervisor.onStop(() => db.stop());
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
      port: await choosePort('temporal', env, log),
      uiPort: await choosePort('temporalUi', env, log),
      log: (line) => console.log(`[temporal] ${line}`),
    });
    supervisor.onStop(() => temporal.stop());
    env.TEMPORAL_ADDRESS = temporal.address;
    env.TEMPORAL_UI_URL = temporal.uiUrl;
    log(`Temporal dev server at ${temporal.address}`);
  }

  const prisma = createPrisma(env.DATABASE_URL, 4);
  supervisor.onStop(() => prisma.$disconnect());
  if (!env.SMTP_URL) {
    const catcher = await startSmtpCatcher({ prisma, port: await choosePort('smtp', env, log) });
    supervisor.onStop(() => catcher.stop());
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
  env.WORKER_METRICS_PORT = String(await choosePort('metrics', env, log));
  supervisor.runNode('worker', 'worker/main.ts', env);
  supervisor.runNode('api', 'api/main.ts', env);
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
  // What the person must do, in one line; a stack trace only for the unexpected.
  if (error instanceof PostgresUnreachableError || error instanceof PortTakenError)
    log(`cannot start: ${error.message}`);
  else log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await supervisor.stopAll(1);
}
