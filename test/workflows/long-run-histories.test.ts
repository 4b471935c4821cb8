import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal as temporalProto } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities/index.ts';
import { closeCapabilityCycleSignal } from '../../domain/capability.ts';
import {
  adjustResultUpdate,
  capabilityCycleWorkflowId,
  decideYearEndUpdate,
  kpiChangedSignal,
  performanceStatusQuery,
  startCapabilityCycleUpdate,
  submitYearEndUpdate,
  yearEndAt,
  type PerformanceActor,
} from '../../domain/performance.ts';
import {
  outcomesRecordedSignal,
  recordOutcomeSignal,
  type ComplaintClosedOutcome,
} from '../../domain/performance-outcomes.ts';
import type { bscCycleWorkflow } from '../../workflows/bsc-cycle.ts';
import type { calendarChangeWorkflow } from '../../workflows/calendar-change.ts';
import type { capabilityEvaluationWorkflow } from '../../workflows/capability-evaluation.ts';
import type { performanceWorkflow } from '../../workflows/performance.ts';
import type { retentionWorkflow } from '../../workflows/retention.ts';
import type { taskCustomerNoticeWorkflow } from '../../workflows/task-customer-notice.ts';
import { recordingRelease, saveHistoryFixture } from '../support/history-fixtures.ts';
import {
  historiesOfRuns,
  signedUpdate,
  until,
  useTimeSkippingWorker,
  workflowBundle,
} from '../support/time-skipping.ts';

/**
 * The long-running workflow types other than complaints and tasks, run with their real timers on the
 * time-skipping server (the yearly workflow's daily sweep and its 31 December timer, the 360° cycle's
 * polls, reminder and deadline), each run replayed against today's code at once. With
 * RECORD_HISTORIES=<release> the runs become committed replay fixtures (test/support/history-fixtures.ts).
 */
type Hist = temporalProto.api.history.v1.IHistory;
const DAY = 24 * 3_600_000;
const hr: PerformanceActor = { employeeNo: 'E0003', role: 'HR' };
const head: PerformanceActor = { employeeNo: 'E0001', role: 'HEAD' };

/** Outcomes the closing cases recorded themselves and the year has not applied yet. */
const recorded: ComplaintClosedOutcome[] = [];
const log: string[] = [];
/** The open complaints a calendar change re-times. */
const openReceiptNos = Array.from({ length: 1_234 }, (_, n) => `MW-2026-${String(n + 1).padStart(7, '0')}`);
let ratingCounts = 0;
let closeRequested = false;

const stubs: Partial<Activities> = {
  async openPerformanceYear() {
    return { stage: 'OPEN', lights: {} };
  },
  async recordOutcomes({ outcomes }) {
    return { inserted: outcomes.length, unitCodes: [...new Set(outcomes.map((o) => o.unitCode))] };
  },
  async applyRecordedOutcomes({ limit }) {
    const batch = recorded.splice(0, limit);
    return {
      applied: batch.length,
      parked: 0,
      unitCodes: [...new Set(batch.map((o) => o.unitCode))],
      more: recorded.length > 0,
    };
  },
  async recomputeKpis({ unitCodes }) {
    return {
      kpis: unitCodes.map((unitCode) => ({
        kpiCode: `K-${unitCode}-SAT`,
        kpiName: '민원 만족도',
        unitCode,
        actual: 3,
        target: 4.2,
        achievement: 71.4,
        light: 'RED' as const,
        ownerNo: 'E1100',
        managerNo: 'E0100',
      })),
    };
  },
  async refreshUnitLights() {
    return { kpis: [] };
  },
  async sendNotification(input) {
    log.push(`mail:${input.template}`);
    return { status: 'sent' };
  },
  async recordYearDecision({ action }) {
    log.push(`decision:${action}`);
  },
  async aggregateYearEnd() {
    log.push('aggregate-year');
    return { units: 13, people: 60 };
  },
  async applyAdjustment({ employeeNo, finalScore }) {
    return { employeeNo, before: 80, after: finalScore, grade: 'A', rank: 3 };
  },
  async notifyYearEndResults() {
    log.push('notify-results');
    return { notified: 60 };
  },
  async selectCapabilityRaters() {
    return { invited: 12, raters: 6 };
  },
  async mailCapabilityRaters({ kind }) {
    log.push(`capability:${kind}`);
    return { mailed: 6 };
  },
  async countCapabilityRatings() {
    ratingCounts += 1;
    return { invited: 12, submitted: Math.min(11, ratingCounts), closeRequested };
  },
  async aggregateCapability() {
    log.push('capability:aggregate');
    return { subjects: 6 };
  },
  async anonymiseClosedComplaints({ batchSize }) {
    const left = 237 - log.filter((l) => l.startsWith('anonymised')).length;
    const count = Math.min(batchSize, Math.max(0, left));
    const anonymised = Array.from({ length: count }, (_, n) => `MW-2025-${String(n + 1).padStart(7, '0')}`);
    for (let n = 0; n < count; n += 1) log.push('anonymised');
    return { anonymised };
  },
  async retimeComplaintPage({ after, limit }) {
    const from = after === '' ? 0 : openReceiptNos.indexOf(after) + 1;
    const page = openReceiptNos.slice(from, from + limit);
    log.push(`retime:${page.length}`);
    return { signalled: page.length, next: page.length < limit ? null : page.at(-1)! };
  },
  async sendCustomerNotice(notice) {
    log.push(`customer-notice:${notice.kind}`);
    return { status: 'sent' };
  },
  async planBscCycleDay({ asOf }) {
    // A morning that calls for both: the closing-day reminder and the briefings of the month before.
    return {
      date: asOf.slice(0, 10),
      reminder: { year: 2101, month: 2, closesOn: '2101-02-28', round: 'closing-day' as const },
      briefing: { year: 2101, month: 1 },
    };
  },
  async remindKpiOwners({ round }) {
    log.push(`bsc-reminder:${round}`);
    return { reminded: 9, kpis: 17 };
  },
  async listBriefingUnits() {
    return ['HQ1', 'HQ2', 'MIN', 'T11', 'T12', 'T21'];
  },
  async publishUnitBriefing({ unitCode }) {
    log.push(`bsc-briefing:${unitCode}`);
    return { stored: 4, mailed: true };
  },
};

const ctx = useTimeSkippingWorker('long-run-histories', stubs);

const runsOf = (workflowId: string, firstRunId: string) => historiesOfRuns(ctx.env, workflowId, firstRunId);

/** Replays a run against today's code (fails on nondeterminism) and, when recording, keeps it. */
async function replayAndKeep(history: Hist, name: string | undefined) {
  const failures = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
  expect(failures).toEqual([]);
  await Worker.runReplayHistory(
    { workflowBundle: await workflowBundle(), replayName: name ?? 'run' },
    history,
  );
  const release = recordingRelease();
  if (name && release) saveHistoryFixture(name.replace('<release>', release), historyToJSON(history));
}

/** Replays every run; keeps the first (it continued as new) and the last (it started from carried state). */
async function replayRuns(runs: Hist[], prefix: string) {
  for (const [index, run] of runs.entries()) {
    const which = index === 0 ? 'first-run' : index === runs.length - 1 ? 'final-run' : undefined;
    await replayAndKeep(run, which && `${prefix}-${which}`);
  }
}

/** The summary Temporal shows next to an event (user metadata), decoded. */
function summaryOf(event: NonNullable<Hist['events']>[number]): string | undefined {
  const payload = event.userMetadata?.summary;
  return payload?.data ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as string) : undefined;
}

const outcome = (year: number, n: number): ComplaintClosedOutcome => ({
  kind: 'complaint-closed',
  outcomeKey: `complaint:MW-${year}-${String(n).padStart(7, '0')}:closed`,
  year,
  occurredAt: new Date(Date.UTC(year, 0, 10)).toISOString(),
  unitCode: 'T11',
  employeeNo: 'E1101',
  receiptNo: `MW-${year}-${String(n).padStart(7, '0')}`,
  categoryCode: 'Q-GENERAL',
  businessDaysTaken: 3,
  slaMet: true,
  satisfaction: 3,
  withdrawn: false,
});

describe('histories of a year (time-skipping, real timers)', () => {
  it('runs the next year’s performance workflow through its daily sweeps, continues as new, ends the year by its 31 December timer and finalises', async () => {
    const now = await ctx.env.currentTimeMs();
    const year = new Date(now + 9 * 3_600_000).getUTCFullYear() + 1;
    const handle: WorkflowHandle<typeof performanceWorkflow> = await ctx.env.client.workflow.start(
      'performanceWorkflow',
      {
        workflowId: `performance-${year}`,
        taskQueue: ctx.taskQueue,
        // A small limit so that a year continues as new several times, as a busy ministry's would.
        args: [{ year, historyEventLimit: 400 }],
        staticSummary: `성과관리 ${year}년 (performance year ${year})`,
      },
    );
    const firstRunId = (await handle.describe()).runId;
    const status = () => handle.query(performanceStatusQuery);

    // Outcomes reach the year both ways: the legacy signal and the record-then-wake path.
    await handle.signal(recordOutcomeSignal, outcome(year, 1));
    recorded.push(outcome(year, 2), outcome(year, 3));
    await handle.signal(outcomesRecordedSignal, { year });
    await handle.signal(kpiChangedSignal, { unitCode: 'T12', kpiCode: 'K-T12-MANUAL' });
    await until(async () => (await status()).recordedCount === 3);

    // Into January: the 360° cycle starts as a child and runs to its deadline on its own.
    await ctx.env.sleep(yearEndAt(year - 1).getTime() - now + 10 * DAY);
    const deadline = new Date((await ctx.env.currentTimeMs()) + 20 * DAY).toISOString();
    const { cycleId } = await signedUpdate(ctx, handle, startCapabilityCycleUpdate, { actor: hr, deadline });
    expect(cycleId).toBe(capabilityCycleWorkflowId(year));
    const cycle = ctx.env.client.workflow.getHandle<typeof capabilityEvaluationWorkflow>(cycleId);
    expect(await cycle.result()).toMatchObject({ stage: 'AGGREGATED', invited: 12 });

    // Spring: more closings, then the rest of the year passes on the daily sweep alone.
    recorded.push(outcome(year, 4));
    await handle.signal(outcomesRecordedSignal, { year });
    await until(async () => (await status()).recordedCount === 4);
    await ctx.env.sleep(yearEndAt(year).getTime() - (await ctx.env.currentTimeMs()) + 60_000);
    const review = await until(async () => {
      const s = await status().catch(() => undefined);
      return s?.stage === 'HR_REVIEW' ? s : undefined;
    });
    expect(review.decisions[0]).toMatchObject({ actor: 'system', action: 'triggered' });
    expect(review.runNumber).toBeGreaterThan(3);

    await signedUpdate(ctx, handle, adjustResultUpdate, {
      actor: hr,
      employeeNo: 'E1101',
      finalScore: 92,
      reason: '하반기 특별 성과 반영',
    });
    await signedUpdate(ctx, handle, submitYearEndUpdate, { actor: hr, note: '연말 결과 상신' });
    await signedUpdate(ctx, handle, decideYearEndUpdate, {
      actor: head,
      decision: 'reject',
      opinion: '등급 분포 재검토 바랍니다',
    });
    await signedUpdate(ctx, handle, submitYearEndUpdate, { actor: hr, note: '재검토 완료' });
    await signedUpdate(ctx, handle, decideYearEndUpdate, {
      actor: head,
      decision: 'approve',
      opinion: '승인합니다',
    });
    const final = await handle.result();
    expect(final.stage).toBe('FINALISED');
    expect(final.recordedCount).toBe(4);
    expect(log).toContain('notify-results');

    const runs = await runsOf(handle.workflowId, firstRunId);
    const lengths = runs.map((run) => run.events?.length ?? 0);
    console.info(
      `a year of the performance workflow: ${runs.length} runs, ${lengths.reduce((a, b) => a + b, 0)} history events (per run: ${lengths.join(', ')})`,
    );
    expect(runs.at(0)?.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    // Histories that read well: every activity and timer carries a summary, the start a static one.
    const summaries = runs.flatMap((run) => (run.events ?? []).map(summaryOf).filter((x) => x !== undefined));
    expect(summaries).toEqual(
      expect.arrayContaining([
        `성과관리 ${year}년 (performance year ${year})`,
        expect.stringMatching(/^daily outcome sweep · \d{4}-\d\d-\d\d \d\d:\d\d KST$/),
        `year end ${year} · ${year}-12-31 24:00 KST`
          .replace('24:00', '00:00')
          .replace(`${year}-12-31`, `${year + 1}-01-01`),
        'applyRecordedOutcomes · ' + year,
        `recordYearDecision · AGGREGATING triggered ${year}`,
        'sendNotification · kpi-red-warning → staff',
      ]),
    );
    const scheduled = runs.at(-1)!.events!.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.every((e) => summaryOf(e))).toBe(true);
    await replayRuns(runs, 'performance-<release>-year');
    const child = await runsOf(cycleId, (await cycle.describe()).runId);
    expect(child).toHaveLength(1);
    await replayAndKeep(child[0]!, 'capability-evaluation-<release>-child-of-year');
  }, 600_000);

  it('runs a 360° cycle that continues as new, reminds three days before its deadline, closes on HR’s signal and aggregates', async () => {
    const cycleId = `capability-long-${Date.now()}`;
    const deadline = new Date((await ctx.env.currentTimeMs()) + 14 * DAY).toISOString();
    const handle = await ctx.env.client.workflow.start<typeof capabilityEvaluationWorkflow>(
      'capabilityEvaluationWorkflow',
      {
        workflowId: cycleId,
        taskQueue: ctx.taskQueue,
        args: [{ year: 2101, cycleId, deadline, historyEventLimit: 120 }],
      },
    );
    const firstRunId = (await handle.describe()).runId;
    await ctx.env.sleep(12 * DAY);
    await until(async () => log.includes('capability:reminder'));
    // HR closes the cycle in the portal: the request is stored, the signal only wakes the workflow.
    closeRequested = true;
    await handle.signal(closeCapabilityCycleSignal, { by: hr.employeeNo });
    const result = await handle.result();
    expect(result.stage).toBe('AGGREGATED');
    const runs = await runsOf(cycleId, firstRunId);
    expect(runs.length).toBeGreaterThan(1);
    await replayRuns(runs, 'capability-evaluation-<release>');
  }, 300_000);

  it('runs a retention pass in batches and a direct customer notice', async () => {
    const retention = await ctx.env.client.workflow.start<typeof retentionWorkflow>('retentionWorkflow', {
      workflowId: `retention-${Date.now()}`,
      taskQueue: ctx.taskQueue,
      args: [{ retentionDays: 1_095, requestedBy: 'schedule' }],
    });
    const swept = await retention.result();
    expect(swept.anonymised).toBe(237);
    await replayAndKeep(await retention.fetchHistory(), 'retention-<release>-two-batches');

    const notice = await ctx.env.client.workflow.start<typeof taskCustomerNoticeWorkflow>(
      'taskCustomerNoticeWorkflow',
      {
        workflowId: `task-customer-notice-${Date.now()}`,
        taskQueue: ctx.taskQueue,
        args: [{ key: 'welcome:41', kind: 'welcome', customerId: 41 }],
      },
    );
    await notice.result();
    expect(log).toContain('customer-notice:welcome');
    await replayAndKeep(await notice.fetchHistory(), 'task-customer-notice-<release>-welcome');
  });

  it('runs a BSC morning: the owners’ reminder, then every unit’s briefing a few units at a time', async () => {
    const morning = await ctx.env.client.workflow.start<typeof bscCycleWorkflow>('bscCycleWorkflow', {
      workflowId: `bsc-cycle-${Date.now()}`,
      taskQueue: ctx.taskQueue,
      args: [{ asOf: '2101-02-28T08:00:00+09:00', requestedBy: 'schedule' }],
    });
    const result = await morning.result();
    expect(result.reminded).toBe(9);
    expect(result.briefed).toEqual(['HQ1', 'HQ2', 'MIN', 'T11', 'T12', 'T21']);
    expect(log).toContain('bsc-reminder:closing-day');
    await replayAndKeep(await morning.fetchHistory(), 'bsc-cycle-<release>-reminder-and-briefings');
  });

  it('fans a calendar change out to every open complaint page by page, continuing as new between pages', async () => {
    const workflowId = `calendar-change-${Date.now()}`;
    const fanOut = await ctx.env.client.workflow.start<typeof calendarChangeWorkflow>(
      'calendarChangeWorkflow',
      {
        workflowId,
        taskQueue: ctx.taskQueue,
        args: [{ version: 7, historyEventLimit: 5 }],
      },
    );
    const result = await fanOut.result();
    // 1,234 open complaints in pages of 500: every one signalled once, over three runs.
    expect(result).toEqual({ version: 7, signalled: 1_234, pages: 3 });
    expect(log.filter((l) => l.startsWith('retime:'))).toEqual(['retime:500', 'retime:500', 'retime:234']);
    const runs = await runsOf(workflowId, fanOut.firstExecutionRunId);
    expect(runs).toHaveLength(3);
    await replayRuns(runs, 'calendar-change-<release>');
  });
});
