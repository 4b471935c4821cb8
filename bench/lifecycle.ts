/**
 * `npm run bench -- lifecycle`: whole complaint lifecycles per second against a skeleton workflow with the
 * same Temporal calls and empty bodies (bench/support/skeleton-workflow.ts), same Temporal server, same run.
 *
 * A product lifecycle goes over real HTTP to the API as a child process, worked by the portal's worker as
 * a child process: file (POST /api/complaints), follow the status page until a handler is assigned (GET
 * /api/complaints/:receiptNo with the access code), the handler accepts and drafts the answer, the team
 * leader approves it, the citizen rates it (which closes the case), and the lifecycle ends when the
 * workflow has completed: its four mails (receipt, assignment, review request, survey) are in the SMTP
 * catcher by then. A skeleton lifecycle starts the skeleton workflow, polls its stage by query until it is
 * assigned, sends the four Updates and waits for the result.
 *
 * Both sides run closed loops at the same concurrency in alternating rounds; the product runs
 * LIFECYCLE_SECONDS in all, the skeleton min(LIFECYCLE_SECONDS, 60) spread between them. The worker's
 * resident memory is sampled every 2 s over the whole run.
 *
 * Last line: value = product lifecycles/s, baseline = skeleton lifecycles/s, ratio (target ≥ 0.7), p50/p99
 * of a product lifecycle's duration; notes: skeleton p50/p99, worker RSS start/max/end and slope, load avg.
 *
 * Env: LIFECYCLE_SECONDS (default 60; 600 for the memory run), LIFECYCLE_CONCURRENCY (default 16),
 * LIFECYCLE_ROUND_SECONDS (default 20), LIFECYCLE_POLL_MS (first wait between assignment polls, default 50).
 *
 * Which Temporal server (bench/support/stack.ts): by default the dev server (or BENCH_TEMPORAL). With
 * LIFECYCLE_TOPOLOGY=cluster all of the above runs against the production topology's Temporal cluster
 * (cluster/temporal-cluster.ts: five processes on the bench's PostgreSQL, mTLS, namespace `portal`; the portal's
 * worker and API are the same single child processes, reaching it through TEMPORAL_TLS_*), and the last line
 * means the same as above. With LIFECYCLE_TOPOLOGY=both the whole measurement runs twice in one bench run, on
 * the same machine: first on a fresh stack with the dev server, then on a fresh stack with the cluster (each
 * stack stopped before the next starts). Then the last line compares the two servers, not product and
 * skeleton: value = product lifecycles/s on the cluster, baseline = product lifecycles/s on the dev server,
 * ratio = value / baseline, p50/p99 = the cluster's product lifecycle; the notes give both servers' product
 * and skeleton rates, p50/p99, errors and load, the cluster's start time, and each run's full notes.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
// @temporalio/proto is CommonJS: under Node's ESM loader only its default export is reliable.
import proto from '@temporalio/proto';
import { complaintWorkflowId } from '../domain/complaint.ts';
import { closedLoop, describeLatencies, printResult, round, slope, type Sample } from './support/measure.ts';
import { activeCategories, call, fileComplaint, loginActors, type Session } from './support/portal.ts';
import {
  SKELETON_WORKFLOW_TYPE,
  skeletonAccept,
  skeletonDraft,
  skeletonRate,
  skeletonReview,
  skeletonStageQuery,
} from './support/skeleton-workflow.ts';
import {
  benchLog,
  rssMiB,
  startBenchStack,
  startChild,
  waitUntil,
  type TemporalTopology,
} from './support/stack.ts';

const SECONDS = Number(process.env.LIFECYCLE_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.LIFECYCLE_CONCURRENCY ?? 16);
const ROUND_SECONDS = Math.min(SECONDS, Number(process.env.LIFECYCLE_ROUND_SECONDS ?? 20));
const POLL_MS = Number(process.env.LIFECYCLE_POLL_MS ?? 50);
const SKELETON_SECONDS = Math.min(SECONDS, 60);
const WARMUP_SECONDS = 10;
const log = benchLog('lifecycle');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits between polls for the assignment: POLL_MS, then 1.5 times longer each time up to 500 ms. */
const backoff = () => {
  let ms = POLL_MS;
  return {
    next: async () => {
      await sleep(ms);
      ms = Math.min(500, ms * 1.5);
    },
  };
};

/** Where a lifecycle's time goes: milliseconds per phase, one list per phase (measured rounds only). */
type PhaseTimes = Map<string, number[]>;
function phaseClock(into: PhaseTimes, measuring: () => boolean) {
  let last = performance.now();
  return (phase: string) => {
    const now = performance.now();
    if (measuring()) into.set(phase, [...(into.get(phase) ?? []), now - last]);
    last = now;
  };
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const phaseSummary = (times: PhaseTimes) =>
  [...times].map(([phase, values]) => `${phase} ${median(values).toFixed(0)}`).join(', ');

/** One whole measurement (product and skeleton) on one fresh stack: what the last line is made of. */
interface Measurement {
  topology: TemporalTopology;
  temporalStartSeconds: number;
  /** Product and skeleton lifecycles/s. */
  value: number;
  baseline: number;
  p: ReturnType<typeof describeLatencies>;
  s: ReturnType<typeof describeLatencies>;
  errors: number;
  loadAverage: string;
  notes: string;
}

const TOPOLOGY = process.env.LIFECYCLE_TOPOLOGY;

export async function main() {
  if (TOPOLOGY === undefined || TOPOLOGY === 'dev' || TOPOLOGY === 'cluster') {
    // Without LIFECYCLE_TOPOLOGY the stack follows BENCH_TEMPORAL (default: the dev server).
    const m = await measure(TOPOLOGY);
    printResult({
      bench: 'lifecycle',
      value: round(m.value, 2),
      unit: 'lifecycles/s',
      baseline: round(m.baseline, 2),
      ratio: round(m.value / m.baseline, 3),
      p50: m.p.p50,
      p99: m.p.p99,
      notes: m.notes,
    });
    return;
  }
  if (TOPOLOGY !== 'both')
    throw new Error(`LIFECYCLE_TOPOLOGY must be dev, cluster or both, not ${TOPOLOGY}`);
  log('LIFECYCLE_TOPOLOGY=both: the whole measurement on the dev server, then on the cluster');
  const dev = await measure('dev');
  log(
    `dev server: product ${dev.value.toFixed(2)}/s, skeleton ${dev.baseline.toFixed(2)}/s; now the cluster`,
  );
  const cluster = await measure('cluster');
  const figures = (m: Measurement) =>
    `product ${round(m.value, 2)} lifecycles/s (p50 ${m.p.p50} ms, p99 ${m.p.p99} ms, n ${m.p.n}), skeleton ` +
    `${round(m.baseline, 2)}/s (p50 ${m.s.p50} ms, p99 ${m.s.p99} ms, n ${m.s.n}), product/skeleton ` +
    `${round(m.value / m.baseline, 3)}, errors ${m.errors}, Temporal started in ${m.temporalStartSeconds.toFixed(1)} s, ` +
    `load avg at end ${m.loadAverage}`;
  printResult({
    bench: 'lifecycle',
    value: round(cluster.value, 2),
    unit: 'lifecycles/s',
    baseline: round(dev.value, 2),
    ratio: round(cluster.value / dev.value, 3),
    p50: cluster.p.p50,
    p99: cluster.p.p99,
    notes:
      `LIFECYCLE_TOPOLOGY=both: value = product lifecycles/s on the Temporal cluster (production topology: ` +
      `frontend, 2 history, matching, internal worker on PostgreSQL, 512 shards, mTLS, namespace portal), ` +
      `baseline = product lifecycles/s on the Temporal dev server, ratio = cluster / dev server, p50/p99 = the ` +
      `cluster's product lifecycle ms; same machine, same bench run, one fresh stack after the other (dev server ` +
      `first), same portal worker and API (one child process each) and settings. CLUSTER: ${figures(cluster)}. ` +
      `DEV SERVER: ${figures(dev)}. Dev server run: ${dev.notes}. Cluster run: ${cluster.notes}`,
  });
}

async function measure(topology: TemporalTopology | undefined): Promise<Measurement> {
  const stack = await startBenchStack({
    name: 'lifecycle',
    worker: 'child',
    api: 'child',
    temporal: topology,
  });
  const serverName = stack.temporalTopology === 'cluster' ? 'Temporal cluster' : 'Temporal dev server';
  const skeletonQueue = `${stack.taskQueue}-skeleton`;
  const skeletonWorker = startChild(
    'skeleton-worker',
    'bench/support/skeleton-worker.ts',
    { ...stack.temporalEnv, SKELETON_TASK_QUEUE: skeletonQueue },
    log,
  );
  try {
    await waitUntil(
      'skeleton worker',
      () => skeletonWorker.tail.some((line) => line.includes('worker polling task queue')),
      120_000,
      skeletonWorker.process,
    );
    const workerPid = stack.pids.worker!;
    const workerSettings =
      Object.entries(process.env)
        .filter(([name]) =>
          /^WORKER_(DB_POOL|ACTIVITY_SLOTS|WORKFLOW_SLOTS|MAX_CACHED_WORKFLOWS)$/.test(name),
        )
        .map(([name, value]) => `${name}=${value}`)
        .join(' ') || 'as configured by default (platform/config.ts)';
    const categories = await activeCategories(stack.prisma);
    const sessions = await loginActors(stack.apiUrl, stack.prisma);
    const staff = await stack.prisma.staff.findMany({
      where: { role: { in: ['STAFF', 'TEAM_LEADER'] } },
      select: { employeeNo: true, role: true, unit: { select: { code: true } } },
    });
    const leaderOf = new Map<string, Session>();
    for (const s of staff)
      if (s.role === 'TEAM_LEADER') leaderOf.set(s.unit.code, sessions.get(s.employeeNo)!);

    // ---------- one lifecycle each ----------
    let filedCount = 0;
    const closedReceipts: string[] = [];
    let measuring = false;
    const productPhases: PhaseTimes = new Map();
    const skeletonPhases: PhaseTimes = new Map();
    const productLifecycle = async () => {
      const i = filedCount++;
      const phase = phaseClock(productPhases, () => measuring);
      const filed = await fileComplaint(stack.apiUrl, categories[i % categories.length]!, i);
      phase('file');
      const url = `/api/complaints/${filed.receiptNo}`;
      const citizen = { 'x-access-code': filed.accessCode };
      let handler: { employeeNo: string; team: string } | undefined;
      const poll = backoff();
      for (;;) {
        const { text } = await call(stack.apiUrl, 'GET', url, { headers: citizen });
        const view = JSON.parse(text) as {
          stage: string;
          handler: { employeeNo: string; team: string } | null;
        };
        if (view.stage === 'assigned' && view.handler) {
          handler = view.handler;
          break;
        }
        if (view.stage !== 'received') throw new Error(`unexpected stage ${view.stage} before accept`);
        await poll.next();
      }
      phase('until-assigned');
      const handlerSession = sessions.get(handler.employeeNo)!;
      await call(stack.apiUrl, 'POST', `${url}/actions/accept`, {
        headers: handlerSession.headers,
        body: {},
      });
      phase('accept');
      await call(stack.apiUrl, 'POST', `${url}/actions/draft-answer`, {
        headers: handlerSession.headers,
        body: { answer: '검토 결과 요청하신 사항을 조치하였습니다. (Done as requested.)' },
      });
      phase('draft');
      await call(stack.apiUrl, 'POST', `${url}/actions/review`, {
        headers: leaderOf.get(handler.team)!.headers,
        body: { decision: 'approve', opinion: '승인' },
      });
      phase('review');
      await call(stack.apiUrl, 'POST', `${url}/rating`, {
        headers: citizen,
        body: { score: 5, comment: '빠른 처리 감사합니다' },
      });
      phase('rate');
      const state = (await stack.temporal.workflow
        .getHandle(complaintWorkflowId(filed.receiptNo))
        .result()) as { stage: string };
      phase('until-completed');
      if (state.stage !== 'closed') throw new Error(`workflow ended in ${state.stage}`);
      closedReceipts.push(filed.receiptNo);
    };
    let lastSkeletonId = '';
    const skeletonLifecycle = async () => {
      const phase = phaseClock(skeletonPhases, () => measuring);
      const workflowId = `lifecycle-skeleton-${randomUUID()}`;
      const handle = await stack.temporal.workflow.start(SKELETON_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: skeletonQueue,
        args: [],
      });
      phase('file');
      const poll = backoff();
      while ((await handle.query(skeletonStageQuery)) !== 'assigned') await poll.next();
      phase('until-assigned');
      const names = ['accept', 'draft', 'review', 'rate'];
      for (const [n, update] of [skeletonAccept, skeletonDraft, skeletonReview, skeletonRate].entries()) {
        await handle.executeUpdate(update);
        phase(names[n]!);
      }
      if ((await handle.result()) !== 'closed') throw new Error('skeleton did not close');
      phase('until-completed');
      lastSkeletonId = workflowId;
    };

    // ---------- memory ----------
    const memory: Array<{ minute: number; worker: number }> = [];
    const runStarted = performance.now();
    const sampleMemory = () => {
      const worker = rssMiB(workerPid);
      if (worker !== undefined) memory.push({ minute: (performance.now() - runStarted) / 60_000, worker });
    };
    sampleMemory();
    const sampler = setInterval(sampleMemory, 2000);

    try {
      log(`warm-up: ${WARMUP_SECONDS} s of each`);
      await closedLoop({ concurrency: CONCURRENCY, durationMs: WARMUP_SECONDS * 1000 }, skeletonLifecycle);
      await closedLoop({ concurrency: CONCURRENCY, durationMs: WARMUP_SECONDS * 1000 }, productLifecycle);
      const memoryFrom = memory.length;
      measuring = true;

      const product: Sample[] = [];
      const skeleton: Sample[] = [];
      const rounds = Math.max(1, Math.ceil(SECONDS / ROUND_SECONDS));
      const skeletonRounds = Math.max(1, Math.ceil(SKELETON_SECONDS / ROUND_SECONDS));
      for (let r = 0; r < rounds; r += 1) {
        // Skeleton rounds spread evenly between the product's.
        if (Math.floor(((r + 1) * skeletonRounds) / rounds) > Math.floor((r * skeletonRounds) / rounds)) {
          const s = await closedLoop(
            { concurrency: CONCURRENCY, durationMs: ROUND_SECONDS * 1000 },
            skeletonLifecycle,
          );
          skeleton.push(s);
          log(
            `skeleton round: ${s.perSecond.toFixed(2)}/s, errors ${s.errors}${s.firstError ? ` (${s.firstError})` : ''}`,
          );
        }
        const p = await closedLoop(
          { concurrency: CONCURRENCY, durationMs: ROUND_SECONDS * 1000 },
          productLifecycle,
        );
        product.push(p);
        log(
          `product round ${r + 1}/${rounds}: ${p.perSecond.toFixed(2)}/s, errors ${p.errors}` +
            `${p.firstError ? ` (${p.firstError})` : ''}, worker RSS ${memory.at(-1)?.worker.toFixed(0)} MiB, ` +
            `load ${os.loadavg()[0]!.toFixed(1)}`,
        );
      }
      sampleMemory();
      clearInterval(sampler);
      measuring = false;
      log(
        `median ms per phase: product ${phaseSummary(productPhases)}; skeleton ${phaseSummary(skeletonPhases)}`,
      );

      const rate = (samples: Sample[]) =>
        (samples.reduce((n, s) => n + s.latencies.length, 0) * 1000) /
        samples.reduce((n, s) => n + s.elapsedMs, 0);
      const value = rate(product);
      const baseline = rate(skeleton);
      const p = describeLatencies(product.flatMap((s) => s.latencies));
      const s = describeLatencies(skeleton.flatMap((x) => x.latencies));
      const errors = [...product, ...skeleton].reduce((n, x) => n + x.errors, 0);

      // What the lifecycles left behind: every complaint closed and rated, its four mails caught.
      const [closedRated, mailsCaught] = await Promise.all([
        stack.prisma.complaint.count({
          where: { receiptNo: { in: closedReceipts }, stage: 'closed', satisfaction: 5 },
        }),
        stack.prisma.devMail.count(),
      ]);
      // The skeleton's promise, checked: one history of each side, counted by the calls that cost Temporal work.
      const calls = async (workflowId: string) => {
        const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
        const count = (type: string) =>
          (history.events ?? []).filter((event) =>
            String(proto.temporal.api.enums.v1.EventType[event.eventType ?? 0]).endsWith(type),
          ).length;
        // Where the run's time went: activities waiting for a worker slot vs running, workflow tasks likewise.
        const at = new Map<number, number>();
        let activityWait = 0;
        let activityRun = 0;
        let taskWait = 0;
        let taskRun = 0;
        for (const event of history.events ?? []) {
          const ms = Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
          at.set(Number(event.eventId), ms);
          const since = (id: unknown) => ms - (at.get(Number(id)) ?? ms);
          if (event.activityTaskStartedEventAttributes)
            activityWait += since(event.activityTaskStartedEventAttributes.scheduledEventId);
          if (event.activityTaskCompletedEventAttributes)
            activityRun += since(event.activityTaskCompletedEventAttributes.startedEventId);
          if (event.workflowTaskStartedEventAttributes) taskWait += since(Number(event.eventId) - 1);
          if (event.workflowTaskCompletedEventAttributes)
            taskRun += since(event.workflowTaskCompletedEventAttributes.startedEventId);
        }
        return (
          `${count('ACTIVITY_TASK_SCHEDULED')} activities, ${count('UPDATE_ACCEPTED')} updates, ` +
          `${count('TIMER_STARTED')} timers, ${count('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')} upserts, ` +
          `${count('WORKFLOW_TASK_COMPLETED')} workflow tasks (ms in all: activities waiting ${activityWait.toFixed(0)}, ` +
          `running ${activityRun.toFixed(0)}; workflow tasks waiting ${taskWait.toFixed(0)}, running ${taskRun.toFixed(0)})`
        );
      };
      const callsNote =
        `one history each: product ${await calls(complaintWorkflowId(closedReceipts.at(-1)!))}; ` +
        `skeleton ${await calls(lastSkeletonId)}`;
      log(callsNote);
      const measured = memory.slice(memoryFrom);
      const rss = measured.map((m) => m.worker);
      const half = measured.filter((m) => m.minute >= (measured[0]!.minute + measured.at(-1)!.minute) / 2);
      const memoryNote =
        `worker RSS start ${rss[0]!.toFixed(0)} / max ${Math.max(...rss).toFixed(0)} / end ${rss.at(-1)!.toFixed(0)} MiB, ` +
        `slope ${slope(measured.map((m) => [m.minute, m.worker])).toFixed(1)} MiB/min ` +
        `(2nd half ${slope(half.map((m) => [m.minute, m.worker])).toFixed(1)}), ${rss.length} samples`;
      log(`product ${JSON.stringify(p)}; skeleton ${JSON.stringify(s)}; ${memoryNote}`);
      const loadAverage = os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ');
      return {
        topology: stack.temporalTopology,
        temporalStartSeconds: stack.temporalStartSeconds,
        value,
        baseline,
        p,
        s,
        errors,
        loadAverage,
        notes:
          `closed loops at concurrency ${CONCURRENCY}, ${rounds} product rounds of ${ROUND_SECONDS} s ` +
          `(${p.n} lifecycles) alternating with ${skeleton.length} skeleton rounds (${s.n}); product lifecycle = file, ` +
          `status polls until assigned, accept, draft-answer, review approve, rating 5 over HTTP (API and worker ` +
          `as child processes), until the workflow completed; ${closedRated}/${closedReceipts.length} closed and ` +
          `rated, ${mailsCaught} mails caught in all (4 per lifecycle, warm-up included); skeleton = the same ` +
          `activities, Updates, timers and search-attribute upserts with empty bodies on its own worker and task ` +
          `queue, same ${serverName}; lifecycle ms product p50 ${p.p50} p99 ${p.p99}, skeleton p50 ${s.p50} ` +
          `p99 ${s.p99}; median ms per phase: product ${phaseSummary(productPhases)}, skeleton ${phaseSummary(skeletonPhases)}; ${callsNote}; errors ${errors}; worker settings ${workerSettings}; ${memoryNote}; ${os.cpus().length} cores, load avg ` +
          loadAverage +
          (stack.temporalTopology === 'cluster'
            ? `; Temporal cluster started in ${stack.temporalStartSeconds.toFixed(1)} s (schemas, 5 processes, namespace)`
            : ''),
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await skeletonWorker.stop();
    await stack.stop();
  }
}
