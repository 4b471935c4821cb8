/**
 * `npm run bench -- update`: a staff action's HTTP round trip (POST /api/complaints/:receiptNo/actions/accept
 * by the assigned handler with a signed-in session cookie) against a bare workflow Update round trip
 * (`handle.executeUpdate(acceptUpdate)` with the same actor) on equivalent fresh assigned complaints, same
 * run, interleaved one after the other (concurrency 1, so each figure is a round trip, not a queue).
 * Value and baseline are p50 in ms; target ratio ≤ 1.3 (issue 16); p50 and p99 of the HTTP side in the
 * result, the bare side's in the notes.
 *
 * Env: UPDATE_COUNT (per side, default 150), BENCH_WORKER / BENCH_API = child | in-process.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { acceptUpdate } from '../domain/complaint-messages.ts';
import { signActorClaim } from '../platform/actor-claims.ts';
import { describeLatencies, printResult, round } from './support/measure.ts';
import {
  activeCategories,
  call,
  fileComplaint,
  loginActors,
  staffActor,
  waitAssigned,
  waitMailsSent,
  type Filed,
} from './support/portal.ts';
import { benchLog, startBenchStack, type ProcessMode } from './support/stack.ts';
import type { Actor } from '../domain/complaint.ts';

const COUNT = Number(process.env.UPDATE_COUNT ?? 150);
const WARMUP = 20;
const log = benchLog('update');

export async function main() {
  const stack = await startBenchStack({
    name: 'update',
    worker: (process.env.BENCH_WORKER as ProcessMode) ?? 'child',
    api: (process.env.BENCH_API as ProcessMode) ?? 'child',
  });
  try {
    const categories = await activeCategories(stack.prisma);
    const total = 2 * (COUNT + WARMUP);
    log(`filing ${total} complaints and waiting for their assignment`);
    const filed: Filed[] = [];
    for (let i = 0; i < total; i += 8) {
      filed.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(8, total - i) }, (_, k) =>
            fileComplaint(stack.apiUrl, categories[(i + k) % categories.length]!, i + k),
          ),
        )),
      );
    }
    await waitAssigned(
      stack.prisma,
      filed.map((f) => f.receiptNo),
    );
    await waitMailsSent(stack.prisma, 2 * total);
    const sessions = await loginActors(stack.apiUrl, stack.prisma);
    const rows = await stack.prisma.complaint.findMany({
      where: { receiptNo: { in: filed.map((f) => f.receiptNo) } },
      select: { receiptNo: true, handler: { select: { employeeNo: true } } },
      orderBy: { receiptNo: 'asc' },
    });
    const actors = new Map<string, Actor>();
    for (const row of rows) {
      const no = row.handler!.employeeNo;
      if (!actors.has(no)) actors.set(no, await staffActor(stack.prisma, no));
    }

    const http: number[] = [];
    const bare: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    for (const [index, row] of rows.entries()) {
      const handlerNo = row.handler!.employeeNo;
      const viaHttp = index % 2 === 0;
      const t0 = performance.now();
      try {
        if (viaHttp) {
          const { text } = await call(
            stack.apiUrl,
            'POST',
            `/api/complaints/${row.receiptNo}/actions/accept`,
            {
              headers: sessions.get(handlerNo)!.headers,
              body: {},
            },
          );
          if ((JSON.parse(text) as { stage: string }).stage !== 'in_progress')
            throw new Error(`not accepted: ${text}`);
        } else {
          // Signed like the API signs it: the worker refuses an Update whose actor is not signed.
          const actor = actors.get(handlerNo)!;
          const updateId = randomUUID();
          const actorClaim = signActorClaim(stack.env.ACTOR_SIGNING_SECRET!, {
            actor,
            action: acceptUpdate.name,
            workflowId: row.receiptNo,
            updateId,
          });
          const state = await stack.temporal.workflow
            .getHandle(row.receiptNo)
            .executeUpdate(acceptUpdate, { args: [{ actor, actorClaim }], updateId });
          if (state.stage !== 'in_progress') throw new Error(`not accepted: ${state.stage}`);
        }
        const ms = performance.now() - t0;
        if (index >= 2 * WARMUP) (viaHttp ? http : bare).push(ms);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
    if (firstError) log(`first error: ${firstError}`);
    const h = describeLatencies(http);
    const b = describeLatencies(bare);
    log(`HTTP ${JSON.stringify(h)}; bare ${JSON.stringify(b)}`);
    printResult({
      bench: 'update',
      value: h.p50,
      unit: 'ms (p50)',
      baseline: b.p50,
      ratio: round(h.p50 / b.p50, 3),
      p50: h.p50,
      p99: h.p99,
      notes:
        `${h.n} HTTP vs ${b.n} bare round trips, interleaved at concurrency 1 after ${WARMUP}+${WARMUP} warm-up; ` +
        `value = POST /api/complaints/:receiptNo/actions/accept over loopback HTTP with the handler's session cookie ` +
        `(auth, scope check, Update, read-model view, audit record) to the API as a child process; baseline = ` +
        `handle.executeUpdate(acceptUpdate) with the same actor (validator + handler writing the timeline event); ` +
        `p99 HTTP ${h.p99} ms vs bare ${b.p99} ms; p90 ${h.p90} vs ${b.p90}; errors ${errors}; ` +
        `worker as child process; ${os.cpus().length} cores, load avg ${os.loadavg()[0]!.toFixed(1)}`,
    });
  } finally {
    await stack.stop();
  }
}
