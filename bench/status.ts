/**
 * `npm run bench -- status`: citizen status reads per second, GET /api/complaints/:receiptNo with
 * X-Access-Code, against the API as a child process, load from autocannon in its own process
 * (bench/support/autocannon-child.ts) at fixed connections, cycling over the filed complaints.
 * Baseline (DESIGN.md, "Benchmarks"): a bare fastify + node-postgres primary-key lookup of the same rows
 * (bench/support/bare-pk-server.ts, started here as its own process, pool as the API's), same load, same
 * run, rounds alternating. Ratio = value / baseline; p50 and p99 are the API's (autocannon's histogram).
 *
 * Env: STATUS_COMPLAINTS (default 200), STATUS_CONNECTIONS (default 32), STATUS_SECONDS (per round,
 * default 10), STATUS_ROUNDS (default 3), BENCH_WORKER / BENCH_API = child | in-process.
 */
import os from 'node:os';
import { findFreePort } from '../embedded/postgres.ts';
import { median, printResult, round } from './support/measure.ts';
import { autocannonRun, type LoadResult } from './support/load-generator.ts';
import {
  activeCategories,
  call,
  fileComplaint,
  waitAssigned,
  waitMailsSent,
  type Filed,
} from './support/portal.ts';
import { benchLog, startBenchStack, startChild, waitUntil, type ProcessMode } from './support/stack.ts';

const COMPLAINTS = Number(process.env.STATUS_COMPLAINTS ?? 200);
const CONNECTIONS = Number(process.env.STATUS_CONNECTIONS ?? 32);
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
  const barePort = await findFreePort(0);
  const bare = startChild(
    'bare',
    'bench/support/bare-pk-server.ts',
    { DATABASE_URL: stack.databaseUrl, PORT: String(barePort), POOL: String(API_POOL) },
    log,
  );
  try {
    await waitUntil(
      'bare server',
      () => bare.tail.some((l) => l.startsWith('listening')),
      60_000,
      bare.process,
    );
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
    const bareUrl = `http://127.0.0.1:${barePort}`;
    // Both sides answer with the right row before anything is timed.
    for (const complaint of filed.slice(0, 5)) {
      const api = await call(stack.apiUrl, 'GET', `/api/complaints/${complaint.receiptNo}`, {
        headers: { 'x-access-code': complaint.accessCode },
      });
      const row = await call(bareUrl, 'GET', `/complaints/${complaint.receiptNo}`);
      const view = JSON.parse(api.text) as { receiptNo: string; audience: string; handler: unknown };
      if (view.receiptNo !== complaint.receiptNo || view.audience !== 'citizen' || !view.handler)
        throw new Error(`wrong status view: ${api.text.slice(0, 300)}`);
      if (!row.text.includes(complaint.receiptNo))
        throw new Error(`wrong bare row: ${row.text.slice(0, 300)}`);
    }
    log(`${COMPLAINTS} complaints filed and assigned; autocannon at ${CONNECTIONS} connections`);

    const apiRound = (seconds: number) =>
      autocannonRun({
        url: stack.apiUrl,
        connections: CONNECTIONS,
        durationSeconds: seconds,
        requests: filed.map((f) => ({
          path: `/api/complaints/${f.receiptNo}`,
          headers: { 'x-access-code': f.accessCode },
        })),
      });
    const bareRound = (seconds: number) =>
      autocannonRun({
        url: bareUrl,
        connections: CONNECTIONS,
        durationSeconds: seconds,
        requests: filed.map((f) => ({ path: `/complaints/${f.receiptNo}` })),
      });

    await bareRound(3);
    await apiRound(3);
    const api: LoadResult[] = [];
    const baseline: LoadResult[] = [];
    const loads: number[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      const b = await bareRound(SECONDS);
      const a = await apiRound(SECONDS);
      baseline.push(b);
      api.push(a);
      loads.push(os.loadavg()[0]!);
      log(
        `round ${r + 1}: status ${a.perSecond.toFixed(0)}/s p50 ${a.p50} p99 ${a.p99} ms (non-2xx ${a.non2xx}, ` +
          `errors ${a.errors}); bare ${b.perSecond.toFixed(0)}/s p50 ${b.p50} p99 ${b.p99} ms; load ${loads.at(-1)!.toFixed(1)}`,
      );
    }
    const failures = [...api, ...baseline].reduce((n, s) => n + s.non2xx + s.errors + s.timeouts, 0);
    const value = median(api.map((s) => s.perSecond));
    const base = median(baseline.map((s) => s.perSecond));
    const p50 = median(api.map((s) => s.p50));
    const p99 = median(api.map((s) => s.p99));
    printResult({
      bench: 'status',
      value: round(value, 0),
      unit: 'reads/s',
      baseline: round(base, 0),
      ratio: round(value / base, 3),
      p50,
      p99,
      notes:
        `median of ${ROUNDS} alternating ${SECONDS}-s rounds, autocannon in its own process at ${CONNECTIONS} ` +
        `connections cycling over ${COMPLAINTS} assigned complaints; value = GET /api/complaints/:receiptNo with ` +
        `X-Access-Code to the API as a child process (p50/p99 are its median round's); baseline = bare fastify + ` +
        `node-postgres primary-key lookup of the same rows (own process, pool ${API_POOL}): p50 ` +
        `${median(baseline.map((s) => s.p50))} ms, p99 ${median(baseline.map((s) => s.p99))} ms; ` +
        `non-2xx/errors/timeouts ${failures}; ${os.cpus().length} cores, load avg per round ` +
        `${loads.map((l) => l.toFixed(1)).join(', ')}`,
    });
  } finally {
    await bare.stop();
    await stack.stop();
  }
}
