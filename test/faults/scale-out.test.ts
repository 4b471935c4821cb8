import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../embedded/postgres.ts';
import { createDriver, RetryingHttp } from '../support/faults/driver.ts';
import {
  spawnWorker,
  startApi,
  startParts,
  type ApiInstance,
  type FaultParts,
  type WorkerProcess,
} from '../support/faults/parts.ts';
import { faultComplaintCount } from '../support/faults/scale.ts';
import { expectNothingLostOrDuplicated, recordFigures, settle } from '../support/faults/verify.ts';
import { intakeRecordKey } from '../../api/intake-idempotency.ts';

const COMPLAINTS = faultComplaintCount(40, 300);
/** Short SLA so the complaints the run leaves alone escalate and time out within the run. */
const SLA_SECONDS = 30;

let parts: FaultParts;
const apis: ApiInstance[] = [];
const workers: Array<{ process: WorkerProcess; metricsUrl: string }> = [];
/** Complaints filed by the earlier tests of this file. */
let earlier = 0;

beforeAll(async () => {
  parts = await startParts({ name: 'scale' });
  for (const name of ['worker-a', 'worker-b']) {
    const port = await findFreePort(0);
    workers.push({
      process: spawnWorker(parts, { logName: name, env: { WORKER_METRICS_PORT: String(port) } }),
      metricsUrl: `http://127.0.0.1:${port}/metrics`,
    });
  }
  const env = { COMPLAINT_TEST_SLA_SECONDS: String(SLA_SECONDS) };
  apis.push(await startApi(parts, env), await startApi(parts, env));
  await Promise.all(workers.map((w) => w.process.ready));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.process.kill('SIGTERM')));
  for (const api of apis) await api.stop();
  await parts?.stop();
});

const intakeBody = {
  categoryCode: 'Q-GENERAL',
  title: '동시 재시도 민원',
  body: '같은 멱등 키로 스무 번 동시에 보냅니다.',
  citizen: { name: '재시도', email: 'retry.storm@scale.faults.example.com' },
};

describe('two workers and two API instances on one Temporal server and one database', () => {
  it('answers 20 concurrent filings with one Idempotency-Key, spread over both APIs, with one receipt, one row and one workflow, also after it closed', async () => {
    const key = 'concurrent-retry-storm-0001';
    const post = (api: ApiInstance) =>
      fetch(`${api.baseUrl}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(intakeBody),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Record<string, string>,
      }));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(apis[i % 2]!)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const receiptNos = new Set(answers.map((a) => a.body.receiptNo));
    const accessCodes = new Set(answers.map((a) => a.body.accessCode));
    expect(receiptNos.size).toBe(1);
    expect(accessCodes.size).toBe(1);
    const [receiptNo] = [...receiptNos] as [string];
    expect(await parts.prisma.complaint.count({ where: { citizenEmail: intakeBody.citizen.email } })).toBe(1);
    expect(await parts.prisma.idempotencyRecord.count({ where: { key: intakeRecordKey(key) } })).toBe(1);
    const runsOf = async () => (await apis[0]!.temporal.workflow.count(`WorkflowId = '${receiptNo}'`)).count;
    expect(await runsOf()).toBe(1);

    // A client that retries long after the complaint was closed still gets the receipt and starts nothing.
    const driver = await createDriver({
      baseUrls: apis.map((a) => a.baseUrl),
      prisma: parts.prisma,
      runId: 'storm',
    });
    await driver.drive({
      index: 0,
      idempotencyKey: key,
      receiptNo,
      accessCode: [...accessCodes][0]!,
      plan: 'close',
    });
    await apis[0]!.temporal.workflow.getHandle(receiptNo).result();
    const late = await post(apis[1]!);
    expect(late.status).toBe(202);
    expect(late.body.receiptNo).toBe(receiptNo);
    expect(await runsOf()).toBe(1);
    const described = await apis[0]!.temporal.workflow.getHandle(receiptNo).describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(await parts.prisma.complaint.count({ where: { citizenEmail: intakeBody.citizen.email } })).toBe(1);
    earlier += 1;
  });

  it(`processes ${COMPLAINTS} complaints correctly with the work spread over both APIs and both workers`, async () => {
    const startedAt = Date.now();
    const driver = await createDriver({
      baseUrls: apis.map((a) => a.baseUrl),
      prisma: parts.prisma,
      runId: 'scale',
    });
    const filed = await driver.run(COMPLAINTS, 16);
    const figures = await settle(
      { prisma: parts.prisma, temporal: apis[0]!.temporal, filed, earlier },
      240_000,
    );
    const perWorker = await Promise.all(workers.map((w) => workerCounters(w.metricsUrl)));
    const record = {
      test: 'scale-out',
      ...figures,
      apis: apis.length,
      workers: workers.length,
      requestsPerApi: Object.values(driver.http.stats.byBaseUrl),
      workflowTasksPerWorker: perWorker.map((w) => w.workflowTasks),
      activitiesPerWorker: perWorker.map((w) => w.activities),
      totalSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
    recordFigures(record);
    earlier += filed.length;

    expect(driver.problems).toEqual([]);
    expectNothingLostOrDuplicated(figures);
    expect(figures.repeatedTransmissions).toBe(0);
    expect(figures.timersFired).toBe(figures.timersDue);
    // Every complaint that was to close closed once and reported its outcome once.
    const toClose = filed.filter((c) => c.plan !== 'leave-overdue').length;
    expect(figures.closed).toBe(toClose);
    expect(figures.outcomesReported).toBe(toClose);
    const total = driver.http.stats.requests;
    for (const count of Object.values(driver.http.stats.byBaseUrl))
      expect(count).toBeGreaterThan(total * 0.3);
    for (const worker of perWorker) {
      expect(worker.workflowTasks).toBeGreaterThan(0);
      expect(worker.activities).toBeGreaterThan(0);
    }
  });

  it('exposes Prometheus metrics: the API at /metrics, each worker the Temporal SDK runtime metrics', async () => {
    const http = new RetryingHttp([apis[0]!.baseUrl]);
    await http.request('GET', '/api/complaints/MW-1999-0000001', {
      headers: { 'x-access-code': 'NOSUCHCODE' },
    });
    const response = await fetch(`${apis[0]!.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const name of [
      'portal_http_requests_total{method="POST",route="/api/complaints",status="202"}',
      'portal_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/api/complaints",status="202"}',
      'portal_http_errors_total{method="GET",route="/api/complaints/:receiptNo",status="404"}',
      'portal_complaint_intake_total',
      'portal_complaints{stage="closed"}',
      'portal_workflow_outcomes{kind="complaint-closed"}',
      'portal_mail_outbox{status="SENT"}',
      'portal_database_up 1',
      'portal_api_process_resident_memory_bytes',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toMatch(/MW-\d{4}-\d{7}/);

    for (const worker of workers) {
      const metrics = await (await fetch(worker.metricsUrl)).text();
      for (const name of [
        'temporal_worker_start',
        'temporal_num_pollers',
        'temporal_workflow_task_execution_latency',
        'temporal_activity_execution_latency',
        'temporal_workflow_completed',
      ]) {
        expect(metrics).toContain(name);
      }
    }
  });
});

/** Workflow tasks and activities a worker has run, from its own Prometheus endpoint. */
async function workerCounters(metricsUrl: string) {
  const text = await (await fetch(metricsUrl)).text();
  const sum = (metric: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
      .reduce((total, line) => total + Number(line.split(' ').pop()), 0);
  return {
    workflowTasks: sum('temporal_workflow_task_execution_latency_count'),
    activities: sum('temporal_activity_execution_latency_count'),
  };
}
