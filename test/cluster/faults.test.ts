/**
 * The fault suite against the production topology (`npm run test:cluster`): the real Temporal server as five
 * processes on PostgreSQL with mTLS, two portal workers and two APIs. During each run of complaints one part is
 * broken on purpose: a history process killed, matching killed, the frontend restarted, a portal worker killed.
 * Each time: nothing lost or duplicated, every due timer fired.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalCluster, type TemporalCluster } from '../../cluster/temporal-cluster.ts';
import type { TemporalProcessName } from '../../cluster/temporal-config.ts';
import { applyMigrations } from '../../embedded/migrate.ts';
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../embedded/postgres.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../embedded/smtp-catcher.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { workflowBundleOptions } from '../../worker/create-worker.ts';
import { DEMO_PASSWORD, SEED_YEAR } from '../support/constants.ts';
import { createDriver } from '../support/faults/driver.ts';
import {
  spawnWorker,
  startApi,
  type ApiInstance,
  type ProcessParts,
  type WorkerProcess,
} from '../support/faults/parts.ts';
import { expectNothingLostOrDuplicated, recordFigures, settle } from '../support/faults/verify.ts';

const COMPLAINTS = Number(process.env.CLUSTER_FAULT_COMPLAINTS ?? 40);
/** Every complaint is due this many seconds after receipt, so the timers of the ones left alone fire in the run. */
const SLA_SECONDS = 30;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-cluster-'));
let db: EmbeddedDatabase;
let cluster: TemporalCluster;
let prisma: Db;
let smtp: SmtpCatcher;
let parts: ProcessParts;
let clusterStartSeconds = 0;
const workers: WorkerProcess[] = [];
const apis: ApiInstance[] = [];
let earlier = 0;
/** SMTP repeats counted by earlier runs (the mailbox counts them over its whole life). */
let repeatsBefore = 0;

beforeAll(async () => {
  db = await startEmbeddedPostgres({ dataDir: path.join(root, 'postgres'), port: 0, databaseName: 'portal' });
  await applyMigrations(db.url);
  prisma = createPrisma(db.url, 4);
  await seedDatabase(prisma, { year: SEED_YEAR, demoPassword: DEMO_PASSWORD });
  const url = new URL(db.url);
  const clusterStartedAt = Date.now();
  cluster = await startTemporalCluster({
    dataDir: path.join(root, 'temporal'),
    database: { host: url.hostname, port: Number(url.port), user: url.username, password: url.password },
    frontendPort: await findFreePort(0),
  });
  clusterStartSeconds = (Date.now() - clusterStartedAt) / 1000;
  smtp = await startSmtpCatcher({ prisma, port: 0 });
  const workflowBundlePath = path.join(root, 'workflow-bundle.js');
  fs.writeFileSync(
    workflowBundlePath,
    (await bundleWorkflowCode({ ...workflowBundleOptions, logger: new DefaultLogger('WARN') })).code,
  );
  parts = {
    root,
    databaseUrl: db.url,
    temporalAddress: cluster.address,
    smtpUrl: smtp.url,
    taskQueue: 'cluster-faults',
    workflowBundlePath,
  };
  for (const n of [1, 2])
    workers.push(spawnWorker(parts, { logName: `worker-${n}`, env: cluster.clientEnv }));
  for (let n = 0; n < 2; n += 1) {
    apis.push(
      await startApi(parts, { ...cluster.clientEnv, COMPLAINT_TEST_SLA_SECONDS: String(SLA_SECONDS) }),
    );
  }
  await Promise.all(workers.map((worker) => worker.ready));
}, 600_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
  for (const api of apis) await api.stop();
  await smtp?.stop();
  await prisma?.$disconnect();
  await cluster?.stop();
  await db?.stop();
  if (!process.env.FAULTS_KEEP_DATA) fs.rmSync(root, { recursive: true, force: true });
});

/** Runs COMPLAINTS complaints through both APIs, and breaks something once a third of them are filed. */
async function runWithFault(test: string, fault: () => Promise<Record<string, unknown>>) {
  const startedAt = Date.now();
  const driver = await createDriver({ baseUrls: apis.map((api) => api.baseUrl), prisma, runId: test });
  const running = driver.run(COMPLAINTS, 12);
  while (driver.filedCount() < COMPLAINTS / 3) await sleep(200);
  const faultFigures = await fault();
  const filed = await running;
  const figures = await settle({ prisma, temporal: apis[0]!.temporal, filed, earlier }, 300_000);
  const repeatedInRun = figures.repeatedTransmissions - repeatsBefore;
  repeatsBefore = figures.repeatedTransmissions;
  recordFigures({
    test: `cluster-${test}`,
    ...figures,
    repeatedTransmissionsInRun: repeatedInRun,
    ...faultFigures,
    clusterStartSeconds,
    slaSeconds: SLA_SECONDS,
    httpRetries: driver.http.stats.retries,
    serverErrors: driver.http.stats.serverErrors,
    totalSeconds: Math.round((Date.now() - startedAt) / 1000),
  });
  earlier += filed.length;
  expect(driver.problems).toEqual([]);
  expectNothingLostOrDuplicated(figures);
  expect(figures.timersFired).toBe(figures.timersDue);
  expect(figures.timersDue).toBeGreaterThan(0);
  // SMTP has no two-phase commit: a mail activity whose completion the fault lost (e.g. on a killed history
  // host's shard) runs again and transmits that mail again with the same Message-ID, which the mailbox
  // collapses: recipients never see one twice (duplicateMails is 0 above), and no mail goes out more than twice.
  expect(figures.maxTransmissionsOfOneMail).toBeLessThanOrEqual(2);
}

/** SIGKILL (or SIGTERM) one Temporal process, leave it down for a while, start it again. */
async function breakTemporalProcess(name: TemporalProcessName, signal: NodeJS.Signals, downMs: number) {
  const service = cluster.processes[name];
  const killedAt = Date.now();
  await service.stop(signal);
  await sleep(downMs);
  await service.start();
  return { broken: name, signal, downSeconds: (Date.now() - killedAt) / 1000 };
}

describe(`the production topology under faults (${COMPLAINTS} complaints each)`, () => {
  it('every client needs the cluster certificate: a plain connection to the frontend is refused', async () => {
    const { Connection } = await import('@temporalio/client');
    await expect(
      Connection.connect({ address: cluster.address, connectTimeout: 3000 }).then((c) =>
        c.workflowService.getSystemInfo({}),
      ),
    ).rejects.toThrow();
    const described = await apis[0]!.temporal.workflowService.describeNamespace({ namespace: 'portal' });
    expect(described.config?.workflowExecutionRetentionTtl?.seconds?.toString()).toBe(String(30 * 86_400));
  });

  it('a history process killed mid-run: its shards move to the other and back, nothing lost', async () => {
    await runWithFault('history-kill', () => breakTemporalProcess('history-1', 'SIGKILL', 10_000));
  });

  it('matching killed mid-run: task queues come back with it, nothing lost', async () => {
    await runWithFault('matching-kill', () => breakTemporalProcess('matching', 'SIGKILL', 5_000));
  });

  it('the frontend restarted mid-run: clients reconnect, nothing lost', async () => {
    await runWithFault('frontend-restart', () => breakTemporalProcess('frontend', 'SIGTERM', 2_000));
  });

  it('a portal worker killed mid-run: the other worker carries on, a new one joins, nothing lost', async () => {
    await runWithFault('worker-kill', async () => {
      const victim = workers.shift()!;
      await victim.kill('SIGKILL');
      const replacement = spawnWorker(parts, { logName: 'worker-3', env: cluster.clientEnv });
      workers.push(replacement);
      await replacement.ready;
      return { broken: 'portal worker', signal: 'SIGKILL' };
    });
  });
});
