import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, type FiledComplaint } from '../support/faults/driver.ts';
import {
  spawnWorker,
  startApi,
  startParts,
  type ApiInstance,
  type FaultParts,
  type WorkerProcess,
} from '../support/faults/parts.ts';
import { faultComplaintCount } from '../support/faults/scale.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  expectNothingLostOrDuplicated,
  recordFigures,
  settle,
  type RunFigures,
} from '../support/faults/verify.ts';

const COMPLAINTS = faultComplaintCount(30, 200);
const DATABASE_OUTAGE_SECONDS = Number(process.env.FAULT_DB_OUTAGE_SECONDS ?? 30);

let parts: FaultParts;
let api: ApiInstance;
let worker: WorkerProcess;
/** Complaints filed by the earlier tests of this file, in the same database and namespace. */
let earlier = 0;

beforeAll(async () => {
  parts = await startParts({ name: 'outages' });
  worker = spawnWorker(parts, { logName: 'worker' });
  api = await startApi(parts);
  await worker.ready;
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await api?.stop();
  await parts?.stop();
});

function report(test: string, figures: RunFigures, extra: Record<string, unknown>) {
  recordFigures({ test, ...figures, ...extra });
}

function expectNothingLost(figures: RunFigures) {
  expectNothingLostOrDuplicated(figures);
  expect(figures.repeatedTransmissions).toBe(0);
}

const everyCloses = (index: number) => ({ index, plan: 'close' as const });

describe('faults of the parts around the worker', () => {
  it(`restarting the Temporal server mid-run: all ${COMPLAINTS} workflows resume and complete`, async () => {
    const startedAt = Date.now();
    const driver = await createDriver({
      baseUrls: [api.baseUrl],
      prisma: parts.prisma,
      runId: 'temporal-restart',
      plans: everyCloses,
    });
    const running = driver.run(COMPLAINTS, 16);
    await waitFor(
      async () => (await parts.prisma.complaint.count()) - earlier >= COMPLAINTS / 3,
      300_000,
      500,
    );
    const inFlight = await parts.prisma.complaint.count({ where: { stage: { not: 'closed' } } });
    const { downMillis } = await parts.restartTemporal();
    const filed = await running;
    const figures = await settle({ prisma: parts.prisma, temporal: api.temporal, filed, earlier }, 240_000);
    const stillRunning = await api.temporal.workflow.count(
      `WorkflowType = 'complaintWorkflow' AND ExecutionStatus = 'Running'`,
    );
    report('temporal-restart', figures, {
      restarts: 1,
      temporalDownSeconds: downMillis / 1000,
      openWhenRestarted: inFlight,
      workflowsStillRunning: stillRunning.count,
      httpRetries: driver.http.stats.retries,
      serverErrors: driver.http.stats.serverErrors,
      totalSeconds: Math.round((Date.now() - startedAt) / 1000),
    });
    earlier += filed.length;
    expect(driver.problems).toEqual([]);
    expect(inFlight).toBeGreaterThan(0);
    expectNothingLost(figures);
    expect(figures.closed).toBe(COMPLAINTS);
    expect(stillRunning.count).toBe(0);
  });

  it(`stopping PostgreSQL for ${DATABASE_OUTAGE_SECONDS} s mid-run: 503 with a clear message meanwhile, recovery by itself, nothing lost`, async () => {
    const startedAt = Date.now();
    const driver = await createDriver({
      baseUrls: [api.baseUrl],
      prisma: parts.prisma,
      runId: 'db-outage',
      plans: everyCloses,
    });
    const running = driver.run(COMPLAINTS, 16);
    await waitFor(
      async () => (await parts.prisma.complaint.count()) - earlier >= COMPLAINTS / 3,
      300_000,
      500,
    );
    const sample = await parts.prisma.complaint.findFirstOrThrow({ orderBy: { receiptNo: 'desc' } });

    await parts.stopPostgres();
    const outageStartedAt = Date.now();
    const health = await fetch(`${api.baseUrl}/api/health`);
    const healthBody = await health.json();
    const read = await fetch(`${api.baseUrl}/api/complaints/${sample.receiptNo}`, {
      headers: { 'x-access-code': 'ANYCODE234' },
    });
    const readBody = await read.json();
    const intake = await fetch(`${api.baseUrl}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'db-outage-probe-1' },
      body: JSON.stringify({
        categoryCode: 'Q-GENERAL',
        title: '장애 중 접수',
        body: '데이터베이스 장애 중 접수 시도',
        citizen: { name: '김', email: 'probe@example.com' },
      }),
    });
    const intakeBody = await intake.json();
    await sleep(Math.max(0, DATABASE_OUTAGE_SECONDS * 1000 - (Date.now() - outageStartedAt)));
    await parts.startPostgres();
    const outageMillis = Date.now() - outageStartedAt;
    const recoveringSince = Date.now();
    await waitFor(async () => (await fetch(`${api.baseUrl}/api/health`)).status === 200, 60_000, 500);
    const recoveredAfter = Date.now() - recoveringSince;

    const filed = await running;
    const figures = await settle({ prisma: parts.prisma, temporal: api.temporal, filed, earlier }, 240_000);
    report('db-outage', figures, {
      outages: 1,
      outageSeconds: outageMillis / 1000,
      healthRecoveredSeconds: recoveredAfter / 1000,
      answersDuringOutage: { health: health.status, read: read.status, intake: intake.status },
      httpRetries: driver.http.stats.retries,
      serverErrors: driver.http.stats.serverErrors,
      totalSeconds: Math.round((Date.now() - startedAt) / 1000),
    });
    earlier += filed.length;

    expect(health.status).toBe(503);
    expect(healthBody).toMatchObject({ status: 'degraded', database: 'down' });
    for (const [response, body] of [
      [read, readBody],
      [intake, intakeBody],
    ] as const) {
      expect(response.status).toBe(503);
      expect(body.error.code).toBe('UNAVAILABLE');
      expect(body.error.message).toMatch(/database is unreachable/i);
    }
    expect(driver.http.stats.byStatus['500'] ?? 0).toBe(0);
    expect(driver.problems).toEqual([]);
    expectNothingLost(figures);
    expect(figures.closed).toBe(COMPLAINTS);
  });

  it('with the mail server unreachable, intake goes on, mails wait in the outbox and each arrives once when it returns', async () => {
    const startedAt = Date.now();
    await parts.stopSmtp();
    const driver = await createDriver({
      baseUrls: [api.baseUrl],
      prisma: parts.prisma,
      runId: 'smtp-outage',
      plans: everyCloses,
    });
    const count = Math.min(COMPLAINTS, 30);
    const filed: FiledComplaint[] = [];
    for (let index = 0; index < count; index += 1) filed.push(await driver.fileComplaint(index));
    const receiptNos = filed.map((c) => c.receiptNo);
    // Every complaint's first mail was tried, failed, and waits.
    const waiting = await waitFor(async () => {
      const rows = await parts.prisma.emailOutbox.findMany({
        where: {
          key: { in: receiptNos.map((r) => `${r}:1:received`) },
          status: 'PENDING',
          attempts: { gte: 1 },
        },
      });
      return rows.length === count ? rows : undefined;
    }, 120_000);
    const health = await fetch(`${api.baseUrl}/api/health`);
    const healthBody = await health.json();
    const caughtWhileDown = await parts.prisma.devMail.count({
      where: { to: { contains: 'faults.example.com' }, subject: { contains: receiptNos[0]! } },
    });
    await sleep(10_000);
    await parts.startSmtp();
    const outageSeconds = (Date.now() - startedAt) / 1000;

    await Promise.all(filed.map((complaint) => driver.drive(complaint)));
    const figures = await settle({ prisma: parts.prisma, temporal: api.temporal, filed, earlier }, 240_000);
    const receivedMails = await parts.prisma.devMail.findMany({
      where: {
        OR: receiptNos.map((r) => ({ subject: { contains: r }, to: { contains: 'faults.example.com' } })),
      },
      select: { subject: true, messageId: true },
    });
    report('smtp-outage', figures, {
      outages: 1,
      outageSeconds,
      mailsWaitingInOutbox: waiting.length,
      caughtWhileDown,
      citizenMailsAfterRecovery: receivedMails.length,
      totalSeconds: Math.round((Date.now() - startedAt) / 1000),
    });
    earlier += filed.length;

    expect(health.status).toBe(503);
    expect(healthBody).toMatchObject({ mail: 'down', database: 'up', temporal: 'up' });
    expect(caughtWhileDown).toBe(0);
    expect(driver.problems).toEqual([]);
    expectNothingLost(figures);
    // Citizen mails per complaint: received and answered (survey link), each exactly once.
    expect(new Set(receivedMails.map((m) => m.messageId)).size).toBe(receivedMails.length);
    expect(receivedMails.length).toBe(count * 2);
  });
});
