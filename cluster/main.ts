/**
 * `npm run cluster`: the production topology on one machine. PostgreSQL (embedded, or DATABASE_URL), the real
 * Temporal server as five processes with mTLS and 512 history shards, the portal's namespace, two workers and
 * two APIs behind one address, the SMTP catcher (unless SMTP_URL) and the Temporal Web UI. Ctrl-C stops it all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { toKstDateString } from '../domain/business-calendar.ts';
import { applyMigrations } from '../embedded/migrate.ts';
import { choosePort } from '../embedded/ports.ts';
import { findFreePort, startEmbeddedPostgres } from '../embedded/postgres.ts';
import { startSmtpCatcher } from '../embedded/smtp-catcher.ts';
import { createSupervisor, waitForHealth } from '../embedded/supervisor.ts';
import { projectRoot } from '../embedded/temporal-binaries.ts';
import { createPrisma } from '../platform/prisma.ts';
import { seedDatabase } from '../prisma/seed.ts';
import { workflowBundleOptions } from '../worker/create-worker.ts';
import { startBalancer } from './proxy.ts';
import { databaseServerOf, startTemporalCluster } from './temporal-cluster.ts';
import { ensureTemporalUi, startTemporalUi } from './temporal-ui.ts';

const INSTANCES = 2;
const dataDir = path.resolve(process.env.CLUSTER_DATA_DIR ?? path.join(projectRoot, '.data', 'cluster'));
const supervisor = createSupervisor('cluster');
const { log } = supervisor;

try {
  const startedAt = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  const port = await choosePort('portal', env, log);

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

  const cluster = await startTemporalCluster({
    dataDir: path.join(dataDir, 'temporal'),
    database: databaseServerOf(env.DATABASE_URL),
    frontendPort: await choosePort('temporal', env, log),
    namespace: env.TEMPORAL_NAMESPACE ?? 'portal',
    log,
  });
  supervisor.onStop(() => cluster.stop());
  Object.assign(env, cluster.clientEnv);
  log(`Temporal cluster (frontend, 2 history, matching, worker; 512 shards; mTLS) at ${cluster.address}`);

  const uiBinary = ensureTemporalUi(log);
  if (uiBinary) {
    const ui = await startTemporalUi({
      binary: uiBinary,
      dir: path.join(dataDir, 'ui'),
      port: await choosePort('temporalUi', env, log),
      frontendAddress: cluster.address,
      namespace: cluster.namespace,
      certificates: cluster.certificates,
    });
    supervisor.onStop(() => ui.stop());
    env.TEMPORAL_UI_URL = ui.url;
  }

  const prisma = createPrisma(env.DATABASE_URL, 4);
  supervisor.onStop(() => prisma.$disconnect());
  if (!env.SMTP_URL) {
    const catcher = await startSmtpCatcher({ prisma, port: await choosePort('smtp', env, log) });
    supervisor.onStop(() => catcher.stop());
    env.SMTP_URL = catcher.url;
    env.EMBEDDED = 'true';
  }
  if (env.EMBEDDED === 'true' && (await prisma.staff.count()) === 0) {
    const year = Number(toKstDateString(new Date()).slice(0, 4));
    await seedDatabase(prisma, { year, demoPassword: env.DEMO_PASSWORD ?? 'portal-demo-2026' });
    log(`seeded the demo ministry for ${year}`);
  }

  // Bundled once, so both workers start polling within seconds.
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  const bundle = await bundleWorkflowCode({ ...workflowBundleOptions, logger: new DefaultLogger('WARN') });
  fs.writeFileSync(bundlePath, bundle.code);
  env.PUBLIC_URL ??= `http://localhost:${port}`;
  const metricsPort = await choosePort('metrics', env, log);
  for (let i = 1; i <= INSTANCES; i += 1) {
    supervisor.runNode(`worker-${i}`, 'worker/main.ts', {
      ...env,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      WORKER_METRICS_PORT: String(metricsPort === 0 ? 0 : await findFreePort(metricsPort + i - 1)),
    });
  }
  const apis: string[] = [];
  for (let i = 1; i <= INSTANCES; i += 1) {
    const apiPort = await findFreePort(0);
    supervisor.runNode(`api-${i}`, 'api/main.ts', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
    apis.push(`http://127.0.0.1:${apiPort}`);
  }
  await Promise.all(apis.map((api) => waitForHealth(`${api}/api/health`)));
  const balancer = await startBalancer({ port, upstreams: apis });
  supervisor.onStop(() => balancer.stop());

  const certs = cluster.certificates;
  const lines = [
    `ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  portal        ${env.PUBLIC_URL}/   (2 APIs behind one address, 2 workers)`,
    `  Temporal UI   ${env.TEMPORAL_UI_URL ?? '(not available: Go is needed to build it)'}`,
    `  mailbox       ${env.EMBEDDED === 'true' ? `${env.PUBLIC_URL}/api/dev/mailbox` : '(external SMTP)'}`,
    `  Temporal CLI  temporal --address ${cluster.address} --namespace ${cluster.namespace} --tls-cert-path ${certs.clientCert} --tls-key-path ${certs.clientKey} --tls-ca-path ${certs.caCert} --tls-server-name localhost workflow list`,
    `  logs          ${path.join(dataDir, 'temporal', 'logs')}`,
    `Press Ctrl-C to stop everything.`,
  ];
  for (const line of lines) log(line);
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await supervisor.stopAll(1);
}
