/**
 * `npm run bench -- intake`: complaints accepted per second through HTTP (POST /api/complaints over
 * loopback with keep-alive, Idempotency-Key as the portal sends it; receipt returned and workflow started)
 * against bare `client.workflow.start` of the same workflow per second, same Temporal server, same
 * concurrency, same run. Rounds alternate; before each round the worker finishes the previous one's work
 * (assignment, mails), so both sides run with the same background. Target ratio ≥ 0.9 (issue 16).
 *
 * Env: INTAKE_COUNT (per round, default 300), INTAKE_CONCURRENCY (default 16), INTAKE_ROUNDS (default 3),
 * BENCH_WORKER / BENCH_API = child | in-process (default child).
 */
import os from 'node:os';
import type { complaintWorkflow } from '../workflows/complaint.ts';
import { closedLoop, describeLatencies, median, printResult, round, type Sample } from './support/measure.ts';
import {
  activeCategories,
  fileComplaint,
  prepareBareComplaints,
  waitAssigned,
  waitMailsSent,
} from './support/portal.ts';
import { benchLog, startBenchStack, type ProcessMode } from './support/stack.ts';

const COUNT = Number(process.env.INTAKE_COUNT ?? 300);
const CONCURRENCY = Number(process.env.INTAKE_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.INTAKE_ROUNDS ?? 3);
const log = benchLog('intake');

export async function main() {
  const stack = await startBenchStack({
    name: 'intake',
    worker: (process.env.BENCH_WORKER as ProcessMode) ?? 'child',
    api: (process.env.BENCH_API as ProcessMode) ?? 'child',
  });
  try {
    const categories = await activeCategories(stack.prisma);
    const httpReceipts: string[] = [];
    let bareOffset = 0;
    let total = 0;

    const httpRound = async (count: number): Promise<Sample> => {
      const sample = await closedLoop({ concurrency: CONCURRENCY, count }, async (i) => {
        const filed = await fileComplaint(stack.apiUrl, categories[i % categories.length]!, total + i);
        httpReceipts.push(filed.receiptNo);
      });
      total += count;
      return sample;
    };
    const bareRound = async (count: number): Promise<Sample> => {
      const inputs = await prepareBareComplaints(stack.prisma, categories, count, bareOffset);
      bareOffset += count;
      total += count;
      return closedLoop({ concurrency: CONCURRENCY, count }, async (i) => {
        const input = inputs[i]!;
        await stack.temporal.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
          workflowId: input.receiptNo,
          taskQueue: stack.taskQueue,
          args: [input],
        });
      });
    };
    /** The worker finishes every complaint so far: assigned, and the received/assigned mails sent. */
    const settle = async () => {
      const open = await stack.prisma.complaint.findMany({ select: { receiptNo: true } });
      await waitAssigned(
        stack.prisma,
        open.map((c) => c.receiptNo),
      );
      await waitMailsSent(stack.prisma, 2 * open.length);
    };

    log(`warm-up (concurrency ${CONCURRENCY})`);
    await bareRound(Math.min(50, COUNT));
    await httpRound(Math.min(50, COUNT));
    await settle();

    const http: Sample[] = [];
    const bare: Sample[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      const b = await bareRound(COUNT);
      await settle();
      const h = await httpRound(COUNT);
      await settle();
      bare.push(b);
      http.push(h);
      log(
        `round ${r + 1}: HTTP ${h.perSecond.toFixed(1)}/s (errors ${h.errors}), bare start ${b.perSecond.toFixed(1)}/s (errors ${b.errors})` +
          ((h.firstError ?? b.firstError) ? ` — ${h.firstError ?? b.firstError}` : ''),
      );
    }
    const errors = [...http, ...bare].reduce((n, s) => n + s.errors, 0);
    // Every HTTP-filed complaint has a running workflow that assigned it (the acceptance promise).
    await waitAssigned(stack.prisma, httpReceipts);
    const value = median(http.map((s) => s.perSecond));
    const baseline = median(bare.map((s) => s.perSecond));
    const httpLat = describeLatencies(http.flatMap((s) => s.latencies));
    const bareLat = describeLatencies(bare.flatMap((s) => s.latencies));
    printResult({
      bench: 'intake',
      value: round(value, 1),
      unit: 'complaints/s',
      baseline: round(baseline, 1),
      ratio: round(value / baseline, 3),
      p50: httpLat.p50,
      p99: httpLat.p99,
      notes:
        `median of ${ROUNDS} alternating rounds of ${COUNT} at concurrency ${CONCURRENCY}; value = POST /api/complaints ` +
        `over loopback HTTP (fetch keep-alive, Idempotency-Key) to the API as a child process: receipt returned + ` +
        `workflow started (${httpReceipts.length} filed, all assigned by their workflow afterwards); baseline = bare ` +
        `client.workflow.start of complaintWorkflow with the same input on the same Temporal dev server; ` +
        `latency ms HTTP p50 ${httpLat.p50} p99 ${httpLat.p99}, bare p50 ${bareLat.p50} p99 ${bareLat.p99}; ` +
        `errors ${errors}; worker as child process, each round starts with the worker idle; ` +
        `${os.cpus().length} cores, load avg ${os.loadavg()[0]!.toFixed(1)}`,
    });
  } finally {
    await stack.stop();
  }
}
