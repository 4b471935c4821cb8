import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities/index.ts';
import type { KpiReading } from '../../activities/performance.ts';
import type { NotificationInput } from '../../data/mail-outbox.ts';
import {
  adjustResultUpdate,
  capabilityCycleStatusQuery,
  decideYearEndUpdate,
  performanceStatusQuery,
  startCapabilityCycleUpdate,
  submitYearEndUpdate,
  triggerYearEndUpdate,
  yearEndAt,
  type PerformanceActor,
} from '../../domain/performance.ts';
import {
  outcomesRecordedSignal,
  recordOutcomeSignal,
  type ComplaintClosedOutcome,
} from '../../domain/performance-outcomes.ts';
import { defaultScoringConfig, kpiAchievement, trafficLight } from '../../domain/scoring.ts';
import type { performanceWorkflow } from '../../workflows/performance.ts';
import {
  historiesOfRuns,
  signedUpdate,
  terminateWhenIdle,
  until,
  useTimeSkippingWorker,
} from '../support/time-skipping.ts';

const hr: PerformanceActor = { employeeNo: 'E0003', role: 'HR' };
const head: PerformanceActor = { employeeNo: 'E0001', role: 'HEAD' };
const staff: PerformanceActor = { employeeNo: 'E1101', role: 'STAFF' };

/** The fake database of one year: what the stub activities stored. */
interface FakeYear {
  outcomes: Map<string, ComplaintClosedOutcome>;
  recordCalls: number;
  /** Outcomes their reporters recorded and the workflow has not applied yet; poisoned ones get parked. */
  recorded: ComplaintClosedOutcome[];
  parked: string[];
  applyCalls: number;
  mails: NotificationInput[];
  decisions: { stage: string; action: string; actor: string; opinion?: string }[];
  adjustments: { employeeNo: string; finalScore: number; reason: string; key: string }[];
  aggregated: number;
  notified: number;
  cycle: string[];
}
const years = new Map<number, FakeYear>();
const fake = (year: number): FakeYear => {
  if (!years.has(year)) {
    years.set(year, {
      outcomes: new Map(),
      recordCalls: 0,
      recorded: [],
      parked: [],
      applyCalls: 0,
      mails: [],
      decisions: [],
      adjustments: [],
      aggregated: 0,
      notified: 0,
      cycle: [],
    });
  }
  return years.get(year)!;
};

const SAT_TARGET = 4.2;
/** T11's satisfaction KPI from the stored outcomes, with the real scoring formulas. */
function satisfactionKpi(year: number): KpiReading {
  const rated = [...fake(year).outcomes.values()].filter(
    (o) => o.unitCode === 'T11' && o.satisfaction !== undefined,
  );
  const actual =
    rated.length === 0 ? null : rated.reduce((sum, o) => sum + (o.satisfaction ?? 0), 0) / rated.length;
  const achievement =
    actual === null
      ? null
      : kpiAchievement(
          { direction: 'HIGHER_IS_BETTER', target: SAT_TARGET, actual },
          defaultScoringConfig.achievementCap,
        );
  return {
    kpiCode: 'K-T11-SAT',
    kpiName: '민원 만족도',
    unitCode: 'T11',
    actual,
    target: SAT_TARGET,
    achievement,
    light: achievement === null ? null : trafficLight(achievement, defaultScoringConfig.lightThresholds),
    ownerNo: 'E1100',
    managerNo: 'E0100',
  };
}

const stubActivities: Partial<Activities> = {
  async openPerformanceYear() {
    return { stage: 'OPEN', lights: {} };
  },
  async recordOutcomes({ outcomes }) {
    const unitCodes = new Set<string>();
    let inserted = 0;
    for (const outcome of outcomes) {
      const year = fake(outcome.year);
      year.recordCalls += 1;
      // The primary key: a stored key inserts nothing.
      if (year.outcomes.has(outcome.outcomeKey)) continue;
      year.outcomes.set(outcome.outcomeKey, outcome as ComplaintClosedOutcome);
      unitCodes.add(outcome.unitCode);
      inserted += 1;
    }
    return { inserted, unitCodes: [...unitCodes] };
  },
  async applyRecordedOutcomes({ year, limit }) {
    const fakeYear = fake(year);
    fakeYear.applyCalls += 1;
    const batch = fakeYear.recorded.splice(0, limit);
    const unitCodes = new Set<string>();
    let applied = 0;
    for (const outcome of batch) {
      if (outcome.categoryCode === 'POISON') {
        fakeYear.parked.push(outcome.outcomeKey);
        continue;
      }
      fakeYear.outcomes.set(outcome.outcomeKey, outcome);
      unitCodes.add(outcome.unitCode);
      applied += 1;
    }
    return {
      applied,
      parked: batch.length - applied,
      unitCodes: [...unitCodes],
      more: fakeYear.recorded.length > 0,
    };
  },
  async recomputeKpis({ year, unitCodes }) {
    return { kpis: unitCodes.includes('T11') ? [satisfactionKpi(year)] : [] };
  },
  async refreshUnitLights() {
    return { kpis: [] };
  },
  async sendNotification(input) {
    const year = (input.data as { year: number }).year;
    fake(year).mails.push(input);
    return { status: 'sent' };
  },
  async recordYearDecision({ year, stage, action, actor, opinion }) {
    fake(year).decisions.push({ stage, action, actor, opinion });
  },
  async aggregateYearEnd({ year }) {
    fake(year).aggregated += 1;
    return { units: 13, people: 60 };
  },
  async applyAdjustment({ year, employeeNo, finalScore, reason, key }) {
    fake(year).adjustments.push({ employeeNo, finalScore, reason, key });
    return { employeeNo, before: 80, after: finalScore, grade: 'S', rank: 1 };
  },
  async notifyYearEndResults({ year }) {
    fake(year).notified += 1;
    return { notified: 60 };
  },
  async selectCapabilityRaters({ cycleId }) {
    fake(Number(cycleId.split('-')[1])).cycle.push('select');
    return { invited: 12, raters: 6 };
  },
  async mailCapabilityRaters({ year, kind }) {
    fake(year).cycle.push(kind);
    return { mailed: 6 };
  },
  async countCapabilityRatings() {
    return { invited: 12, submitted: 7, closeRequested: false };
  },
  async aggregateCapability({ year }) {
    fake(year).cycle.push('aggregate');
    return { subjects: 6 };
  },
};

const ctx = useTimeSkippingWorker('performance-wf', stubActivities);

let nextYear = 2101;
async function startYear(options: { year?: number; historyEventLimit?: number } = {}) {
  const year = options.year ?? nextYear++;
  const handle = await ctx.env.client.workflow.start<typeof performanceWorkflow>('performanceWorkflow', {
    workflowId: `performance-${year}-${randomUUID()}`,
    taskQueue: ctx.taskQueue,
    args: [{ year, historyEventLimit: options.historyEventLimit }],
  });
  return { year, handle };
}

function complaint(year: number, n: number, satisfaction: number, unitCode = 'T11'): ComplaintClosedOutcome {
  return {
    kind: 'complaint-closed',
    outcomeKey: `complaint:MW-${year}-${String(n).padStart(7, '0')}:closed`,
    year,
    occurredAt: new Date(Date.UTC(year, 5, 1)).toISOString(),
    unitCode,
    employeeNo: 'E1101',
    receiptNo: `MW-${year}-${String(n).padStart(7, '0')}`,
    categoryCode: 'Q-GENERAL',
    businessDaysTaken: 2,
    slaMet: true,
    satisfaction,
    withdrawn: false,
  };
}

const status = (handle: WorkflowHandle<typeof performanceWorkflow>) => handle.query(performanceStatusQuery);

async function signalAll(
  handle: WorkflowHandle<typeof performanceWorkflow>,
  outcomes: ComplaintClosedOutcome[],
  concurrency = 64,
) {
  let index = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (index < outcomes.length) {
        const outcome = outcomes[index++]!;
        await handle.signal(recordOutcomeSignal, outcome);
      }
    }),
  );
}

async function updateFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

// The tests that sleep on the server clock run first, while no other workflow of this file holds the
// time-skipping lock: an activity or workflow task still in flight from an earlier test (the
// continue-as-new chains below) makes every later env.sleep run in real time on a loaded machine.
describe('performance workflow: timers', () => {
  it('starts the year end by itself at 31 December 24:00 Korea time', async () => {
    const now = await ctx.env.currentTimeMs();
    const year = new Date(now + 9 * 3_600_000).getUTCFullYear();
    const { handle } = await startYear({ year });
    await handle.signal(recordOutcomeSignal, complaint(year, 1, 4));
    await until(async () => (await status(handle)).recordedCount === 1);
    expect(fake(year).aggregated).toBe(0);
    await ctx.env.sleep(yearEndAt(year).getTime() - now - 60_000);
    expect((await status(handle)).stage).toBe('OPEN');
    await ctx.env.sleep(120_000);
    const review = await until(async () => {
      const s = await status(handle);
      return s.stage === 'HR_REVIEW' ? s : undefined;
    });
    expect(review.decisions[0]).toMatchObject({ actor: 'system', action: 'triggered' });
    expect(fake(year).aggregated).toBe(1);
    await terminateWhenIdle(handle);
  });

  it('selects raters, invites, reminds before the deadline, closes and aggregates', async () => {
    const { year, handle } = await startYear();
    const deadline = new Date((await ctx.env.currentTimeMs()) + 10 * 24 * 3_600_000).toISOString();
    const { cycleId } = await signedUpdate(ctx, handle, startCapabilityCycleUpdate, { actor: hr, deadline });
    const again = signedUpdate(ctx, handle, startCapabilityCycleUpdate, { actor: hr, deadline });
    expect((await updateFailure(again)).type).toBe('CONFLICT');
    const child = ctx.env.client.workflow.getHandle(cycleId);
    await until(async () => (await child.query(capabilityCycleStatusQuery)).stage === 'OPEN');
    expect(fake(year).cycle).toEqual(['select', 'invitation']);
    const result = await child.result();
    expect(result).toMatchObject({ stage: 'AGGREGATED', invited: 12, submitted: 7 });
    expect(fake(year).cycle).toEqual(['select', 'invitation', 'reminder', 'aggregate']);
    await terminateWhenIdle(handle);
  });
});

describe('performance workflow: recording outcomes', () => {
  it('records each outcome exactly once under duplicate and out-of-order signals', async () => {
    const { year, handle } = await startYear();
    const unique = Array.from({ length: 60 }, (_, n) => complaint(year, n + 1, 1 + (n % 5)));
    // Every outcome twice, in a scrambled order.
    const scrambled = [...unique, ...unique].sort(
      (a, b) =>
        ((a.receiptNo.charCodeAt(12) * 7) % 11) - ((b.receiptNo.charCodeAt(12) * 7) % 11) ||
        (a.receiptNo < b.receiptNo ? 1 : -1),
    );
    await signalAll(handle, scrambled, 8);
    const settled = await until(async () => {
      const s = await status(handle);
      return s.recordedCount + s.duplicateCount === 120 && s.pendingCount === 0 ? s : undefined;
    });
    expect(settled.recordedCount).toBe(60);
    expect(settled.duplicateCount).toBe(60);
    expect(fake(year).outcomes.size).toBe(60);
    // The workflow's own window stopped the duplicates before they reached the database.
    expect(fake(year).recordCalls).toBe(60);
    // The KPI is computed from the 60 distinct outcomes: average satisfaction 3.
    expect(satisfactionKpi(year).actual).toBe(3);
    expect(settled.lights['K-T11-SAT']).toBe('RED');

    await handle.signal(recordOutcomeSignal, unique[0]!);
    const after = await until(async () => {
      const s = await status(handle);
      return s.duplicateCount === 61 ? s : undefined;
    });
    expect(after.recordedCount).toBe(60);
    await terminateWhenIdle(handle);
  });

  it('continues as new under 20,000 outcomes without losing or double-counting any', async () => {
    const { year, handle } = await startYear({ historyEventLimit: 5_000 });
    const outcomes = Array.from({ length: 20_000 }, (_, n) => complaint(year, n + 1, 5, `T${11 + (n % 3)}`));
    // Bursts of 1,000: a run can only continue as new in a gap between signals.
    for (let wave = 0; wave < 20; wave += 1) {
      await signalAll(handle, outcomes.slice(wave * 1_000, (wave + 1) * 1_000));
      await until(async () => {
        const s = await status(handle);
        return s.recordedCount === (wave + 1) * 1_000 && s.pendingCount === 0;
      });
    }
    const done = await status(handle);
    expect(done.recordedCount).toBe(20_000);
    expect(done.duplicateCount).toBe(0);
    // 20,000 signal events alone would be four runs' worth at a 5,000-event limit.
    expect(done.runNumber).toBeGreaterThanOrEqual(4);
    expect((await handle.describe()).historyLength).toBeLessThan(5_000);
    expect(fake(year).outcomes.size).toBe(20_000);
    expect(outcomes.every((o) => fake(year).outcomes.has(o.outcomeKey))).toBe(true);

    // Keys from the first run have left the workflow's window; the database key still stops them.
    await signalAll(handle, outcomes.slice(0, 50), 8);
    const again = await until(async () => {
      const s = await status(handle);
      return s.duplicateCount >= 50 && s.pendingCount === 0 ? s : undefined;
    });
    expect(again.recordedCount).toBe(20_000);
    expect(fake(year).outcomes.size).toBe(20_000);
    const description = await handle.describe();
    expect(description.runId).not.toBe(handle.firstExecutionRunId);
    await terminateWhenIdle(handle);
  }, 300_000);
});

/** Events of every run of the workflow, following the continue-as-new chain from the first run. */
async function eventsPerRun(
  handle: WorkflowHandleWithFirstExecutionRunId<typeof performanceWorkflow>,
): Promise<number[]> {
  const runs = await historiesOfRuns(ctx.env, handle.workflowId, handle.firstExecutionRunId);
  return runs.map((run) => run.events?.length ?? 0);
}

describe('performance workflow: coalesced outcome signals (no hot fan-in)', () => {
  it('applies 11,000 self-recorded outcomes in a few batches, continuing as new before the signal limit', async () => {
    const { year, handle } = await startYear();
    const waves = 11;
    const perWave = 1_000;
    const total = waves * perWave;
    let applied = 0;
    for (let wave = 0; wave < waves; wave += 1) {
      // Each closing case records its outcome itself, then only wakes the yearly workflow.
      fake(year).recorded.push(
        ...Array.from({ length: perWave }, (_, n) => complaint(year, wave * perWave + n + 1, 4)),
      );
      let sent = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (sent < perWave) {
            sent += 1;
            await handle.signal(outcomesRecordedSignal, { year });
          }
        }),
      );
      applied += perWave;
      await until(async () => fake(year).outcomes.size === applied, 120_000);
    }
    expect(fake(year).outcomes.size).toBe(total);
    const settled = await until(async () => {
      const s = await status(handle);
      return s.runNumber >= 2 ? s : undefined;
    });
    const runs = await eventsPerRun(handle);
    const events = runs.reduce((sum, n) => sum + n, 0);
    console.info(
      `coalescing: ${total} outcome signals → ${fake(year).applyCalls} batch applications, ` +
        `${runs.length} runs, ${events} history events (per run: ${runs.join(', ')})`,
    );
    // Far fewer applications than signals: they coalesce.
    expect(fake(year).applyCalls).toBeLessThan(total / 20);
    // More signals than Temporal takes in one run (10,000), yet no run comes near it or the event limit.
    expect(settled.runNumber).toBe(runs.length);
    expect(Math.max(...runs)).toBeLessThan(10_000);
    await terminateWhenIdle(handle);
  }, 300_000);

  it('parks a poisoned outcome and keeps applying the ones recorded after it', async () => {
    const { year, handle } = await startYear();
    const poisoned = { ...complaint(year, 1, 3), categoryCode: 'POISON' };
    const later = [complaint(year, 2, 5), complaint(year, 3, 5)];
    fake(year).recorded.push(poisoned);
    await handle.signal(outcomesRecordedSignal, { year });
    await until(async () => fake(year).parked.length === 1);
    fake(year).recorded.push(...later);
    for (let n = 0; n < later.length; n += 1) await handle.signal(outcomesRecordedSignal, { year });
    const settled = await until(async () => {
      const s = await status(handle);
      return s.recordedCount === 2 ? s : undefined;
    });
    expect(fake(year).parked).toEqual([poisoned.outcomeKey]);
    expect([...fake(year).outcomes.keys()]).toEqual(later.map((o) => o.outcomeKey));
    expect(settled.stage).toBe('OPEN');
    await terminateWhenIdle(handle);
  });
});

describe('performance workflow: early warning', () => {
  it('mails the KPI owner and manager once when a KPI turns red, and again only after it recovered', async () => {
    const { year, handle } = await startYear();
    const settle = async (count: number) =>
      until(async () => {
        const s = await status(handle);
        return s.recordedCount === count && s.pendingCount === 0 ? s : undefined;
      });
    const warnings = () => fake(year).mails.filter((m) => m.template === 'kpi-red-warning');

    await signalAll(handle, [complaint(year, 1, 5), complaint(year, 2, 5)], 1);
    expect((await settle(2)).lights['K-T11-SAT']).toBe('GREEN');
    expect(warnings()).toHaveLength(0);

    // Average falls to (5+5+1+1+1)/5 = 2.6: red.
    for (const n of [3, 4, 5]) await handle.signal(recordOutcomeSignal, complaint(year, n, 1));
    expect((await settle(5)).lights['K-T11-SAT']).toBe('RED');
    expect(warnings().map((m) => m.to)).toEqual(
      expect.arrayContaining([
        { kind: 'staff', employeeNo: 'E1100' },
        { kind: 'staff', employeeNo: 'E0100' },
      ]),
    );
    expect(warnings()).toHaveLength(2);

    // Still red: no new warning.
    for (const n of [6, 7]) await handle.signal(recordOutcomeSignal, complaint(year, n, 1));
    await settle(7);
    expect(warnings()).toHaveLength(2);

    // Recovers to green, then turns red again: a second transition, a second warning.
    await signalAll(
      handle,
      Array.from({ length: 30 }, (_, n) => complaint(year, 100 + n, 5)),
      1,
    );
    expect((await settle(37)).lights['K-T11-SAT']).toBe('GREEN');
    await signalAll(
      handle,
      Array.from({ length: 40 }, (_, n) => complaint(year, 200 + n, 1)),
      1,
    );
    const red = await settle(77);
    expect(red.lights['K-T11-SAT']).toBe('RED');
    expect(red.redTransitions['K-T11-SAT']).toBe(2);
    expect(warnings()).toHaveLength(4);
    expect(new Set(warnings().map((m) => m.key)).size).toBe(4);
    await terminateWhenIdle(handle);
  });
});

describe('performance workflow: year end', () => {
  it('runs HR trigger → aggregation → adjustment → head rejection → resubmission → approval → finalisation', async () => {
    const { year, handle } = await startYear();
    await handle.signal(recordOutcomeSignal, complaint(year, 1, 4));

    expect(
      (await updateFailure(signedUpdate(ctx, handle, triggerYearEndUpdate, { actor: staff }))).type,
    ).toBe('FORBIDDEN');
    const review = await signedUpdate(ctx, handle, triggerYearEndUpdate, {
      actor: hr,
      reason: '연말 성과평가 개시',
    });
    expect(review.stage).toBe('HR_REVIEW');
    expect(fake(year).aggregated).toBe(1);
    // The outcome received before the trigger was recorded before aggregating.
    expect(fake(year).outcomes.size).toBe(1);

    const noReason = signedUpdate(ctx, handle, adjustResultUpdate, {
      actor: hr,
      employeeNo: 'E1101',
      finalScore: 95,
      reason: ' ',
    });
    expect((await updateFailure(noReason)).type).toBe('VALIDATION');
    const adjusted = await signedUpdate(ctx, handle, adjustResultUpdate, {
      actor: hr,
      employeeNo: 'E1101',
      finalScore: 95,
      reason: '하반기 특별 성과 반영',
    });
    expect(adjusted).toMatchObject({ employeeNo: 'E1101', after: 95 });
    expect(fake(year).adjustments).toMatchObject([
      { employeeNo: 'E1101', finalScore: 95, reason: '하반기 특별 성과 반영' },
    ]);

    const early = signedUpdate(ctx, handle, decideYearEndUpdate, { actor: head, decision: 'approve' });
    expect((await updateFailure(early)).type).toBe('WRONG_STAGE');

    expect((await signedUpdate(ctx, handle, submitYearEndUpdate, { actor: hr })).stage).toBe('HEAD_APPROVAL');
    const lateAdjust = signedUpdate(ctx, handle, adjustResultUpdate, {
      actor: hr,
      employeeNo: 'E1101',
      finalScore: 90,
      reason: '승인 요청 이후 조정',
    });
    expect((await updateFailure(lateAdjust)).type).toBe('WRONG_STAGE');
    const byHr = signedUpdate(ctx, handle, decideYearEndUpdate, { actor: hr, decision: 'approve' });
    expect((await updateFailure(byHr)).type).toBe('FORBIDDEN');
    const bareReject = signedUpdate(ctx, handle, decideYearEndUpdate, { actor: head, decision: 'reject' });
    expect((await updateFailure(bareReject)).type).toBe('VALIDATION');

    const rejected = await signedUpdate(ctx, handle, decideYearEndUpdate, {
      actor: head,
      decision: 'reject',
      opinion: '성과관리팀 등급 분포 재검토 바랍니다',
    });
    expect(rejected.stage).toBe('HR_REVIEW');
    await signedUpdate(ctx, handle, adjustResultUpdate, {
      actor: hr,
      employeeNo: 'E2201',
      finalScore: 88,
      reason: '원장 의견 반영 재검토',
    });
    await signedUpdate(ctx, handle, submitYearEndUpdate, { actor: hr, note: '재검토 완료' });
    const approved = await signedUpdate(ctx, handle, decideYearEndUpdate, {
      actor: head,
      decision: 'approve',
      opinion: '승인합니다',
    });
    expect(approved.stage).toBe('FINALISED');

    const final = await handle.result();
    expect(final.stage).toBe('FINALISED');
    expect(fake(year).notified).toBe(1);
    expect(final.decisions.map((d) => d.action)).toEqual([
      'triggered',
      'submitted',
      'rejected',
      'submitted',
      'approved',
      'finalised',
    ]);
    expect(final.decisions.find((d) => d.action === 'rejected')?.opinion).toBe(
      '성과관리팀 등급 분포 재검토 바랍니다',
    );
    expect(fake(year).decisions.map((d) => d.stage)).toEqual([
      'AGGREGATING',
      'HR_REVIEW',
      'HEAD_APPROVAL',
      'HR_REVIEW',
      'HEAD_APPROVAL',
      'FINALISING',
      'FINALISED',
    ]);
    expect(new Set(fake(year).adjustments.map((a) => a.key)).size).toBe(2);
  });
});
