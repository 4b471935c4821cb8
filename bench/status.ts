/**
 * `npm run bench -- status`: citizen status reads per second (GET /api/complaints/:receiptNo with
 * X-Access-Code over loopback HTTP, fixed concurrency) and their p99, from the read model in PostgreSQL.
 * Baseline: the same API server's constant reply — GET of an unknown /api path, answered with the JSON 404
 * through the same plugins and hooks (rate limit, auth, metrics, helmet, error mapping) and no database — at
 * the same concurrency, same run, rounds alternating: the ceiling of an HTTP call on this server and machine.
 * Also measured and reported in the notes: the bare read of the same row in PostgreSQL
 * (`prisma.complaint.findUnique` with the view's relations) through a Prisma client with the API's pool size.
 * Ratio = value / baseline.
 *
 * Env: STATUS_COMPLAINTS (default 200), STATUS_CONCURRENCY (default 32), STATUS_SECONDS (per round, default 10),
 * STATUS_ROUNDS (default 3), BENCH_WORKER / BENCH_API = child | in-process.
 */
import os from 'node:os';
import { createPrisma } from '../platform/prisma.ts';
import { closedLoop, describeLatencies, median, printResult, round, type Sample } from './support/measure.ts';
import {
  activeCategories,
  call,
  fileComplaint,
  waitAssigned,
  waitMailsSent,
  type Filed,
} from './support/portal.ts';
import { benchLog, startBenchStack, type ProcessMode } from './support/stack.ts';

const COMPLAINTS = Number(process.env.STATUS_COMPLAINTS ?? 200);
const CONCURRENCY = Number(process.env.STATUS_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.STATUS_SECONDS ?? 10);
const ROUNDS = Number(process.env.STATUS_ROUNDS ?? 3);
const API_POOL = 10; // platform/prisma.ts default, which api/main.ts uses
const log = benchLog('status');

export async function main() {
  const stack = await startBenchStack({
    name: 'status',
    worker: (process.env.BENCH_WORKER as ProcessMode) ?? 'child',
    api: (process.env.BENCH_API as ProcessMode) ?? 'child',
  });
  const reader = createPrisma(stack.databaseUrl, API_POOL);
  try {
    const categories = await activeCategories(stack.prisma);
    const filed: Filed[] = [];
    for (let i = 0; i < COMPLAINTS; i += 8) {
      filed.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(8, COMPLAINTS - i) }, (_, k) =>
            fileComplaint(stack.apiUrl, categories[(i + k) % categories.length]!, i + k),
          ),
        )),
      );
    }
    await waitAssigned(
      stack.prisma,
      filed.map((f) => f.receiptNo),
    );
    await waitMailsSent(stack.prisma, 2 * COMPLAINTS);
    log(`${COMPLAINTS} complaints filed and assigned; reading at concurrency ${CONCURRENCY}`);

    const pick = (i: number) => filed[(i * 7919) % filed.length]!;
    const httpRound = (durationMs: number) =>
      closedLoop({ concurrency: CONCURRENCY, durationMs }, async (i) => {
        const complaint = pick(i);
        const { text } = await call(stack.apiUrl, 'GET', `/api/complaints/${complaint.receiptNo}`, {
          headers: { 'x-access-code': complaint.accessCode },
        });
        if (!text.includes(complaint.receiptNo)) throw new Error('wrong complaint');
      });
    const bareRound = (durationMs: number) =>
      closedLoop({ concurrency: CONCURRENCY, durationMs }, async (i) => {
        const row = await reader.complaint.findUnique({
          where: { receiptNo: pick(i).receiptNo },
          include: {
            category: true,
            team: true,
            handler: { include: { unit: true } },
            events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
          },
        });
        if (!row) throw new Error('missing row');
      });

    const constantRound = (durationMs: number) =>
      closedLoop({ concurrency: CONCURRENCY, durationMs }, async () => {
        await call(stack.apiUrl, 'GET', '/api/bench-constant', { expect: 404 });
      });

    await bareRound(2000);
    await constantRound(2000);
    await httpRound(2000);
    const http: Sample[] = [];
    const bare: Sample[] = [];
    const constant: Sample[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      const c = await constantRound(SECONDS * 1000);
      const h = await httpRound(SECONDS * 1000);
      const b = await bareRound(SECONDS * 1000);
      constant.push(c);
      bare.push(b);
      http.push(h);
      log(
        `round ${r + 1}: status ${h.perSecond.toFixed(0)}/s (errors ${h.errors}), constant reply ` +
          `${c.perSecond.toFixed(0)}/s, bare Prisma read ${b.perSecond.toFixed(0)}/s`,
      );
    }
    const errors = [...http, ...bare, ...constant].reduce((n, s) => n + s.errors, 0);
    const firstError = [...http, ...bare, ...constant].find((s) => s.firstError)?.firstError;
    if (firstError) log(`first error: ${firstError}`);
    const value = median(http.map((s) => s.perSecond));
    const baseline = median(constant.map((s) => s.perSecond));
    const bareRate = median(bare.map((s) => s.perSecond));
    const h = describeLatencies(http.flatMap((s) => s.latencies));
    const b = describeLatencies(bare.flatMap((s) => s.latencies));
    const c = describeLatencies(constant.flatMap((s) => s.latencies));
    printResult({
      bench: 'status',
      value: round(value, 0),
      unit: 'reads/s',
      baseline: round(baseline, 0),
      ratio: round(value / baseline, 3),
      notes:
        `median of ${ROUNDS} alternating ${SECONDS}-s rounds at concurrency ${CONCURRENCY} over ${COMPLAINTS} assigned ` +
        `complaints; value = GET /api/complaints/:receiptNo with X-Access-Code over loopback HTTP (fetch keep-alive) ` +
        `to the API as a child process (access-code check + read-model view); p99 ${h.p99} ms, p50 ${h.p50} ms; ` +
        `baseline = the same server's constant JSON 404 for an unknown /api path (same plugins and hooks, no ` +
        `database), p99 ${c.p99} ms; for reference the bare prisma.complaint.findUnique of the same row with the ` +
        `view's relations from the bench process (pool ${API_POOL}, no HTTP): ${bareRate.toFixed(0)}/s, p99 ${b.p99} ms; ` +
        `errors ${errors}; ${os.cpus().length} cores, load avg ${os.loadavg()[0]!.toFixed(1)}`,
    });
  } finally {
    await reader.$disconnect();
    await stack.stop();
  }
}
