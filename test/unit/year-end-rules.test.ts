import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../domain/errors.ts';
import { YearStage, type PerformanceActor, type PerformanceCarry } from '../../domain/performance.ts';
import {
  redWarnings,
  yearActions,
  yearEndStep,
  YearRefusal,
  type KpiReading,
  type YearCheckContext,
} from '../../domain/year-end-rules.ts';

// The year end's rules as pure functions (issue 19): every refusal, every step, the red warnings.

const hr: PerformanceActor = { employeeNo: 'E9001', role: 'HR' };
const admin: PerformanceActor = { employeeNo: 'E9000', role: 'ADMIN' };
const head: PerformanceActor = { employeeNo: 'E0001', role: 'HEAD' };
const leader: PerformanceActor = { employeeNo: 'E1100', role: 'TEAM_LEADER' };
const now = Date.parse('2026-12-02T01:00:00.000Z');
const at = new Date(now).toISOString();
const opened: YearCheckContext = { opened: true, now };

const year = (stage: YearStage, extra: Partial<PerformanceCarry> = {}) => ({
  stage,
  capabilityCycleId: undefined as string | undefined,
  decisions: [] as PerformanceCarry['decisions'],
  lights: {},
  redTransitions: {},
  ...extra,
});

function refusal(fn: () => void) {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!(error instanceof YearRefusal)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('year-end checks', () => {
  const cases: [string, () => void, string, RegExp][] = [
    [
      'a team leader starting the year end',
      () => yearActions.trigger.check(year(YearStage.OPEN), opened, { actor: leader }),
      ErrorCode.FORBIDDEN,
      /roles HR, ADMIN/,
    ],
    [
      'starting it twice',
      () =>
        yearActions.trigger.check(year(YearStage.OPEN), { ...opened, yearEndRequested: true }, { actor: hr }),
      ErrorCode.WRONG_STAGE,
      /already been requested/,
    ],
    [
      'starting it in review',
      () => yearActions.trigger.check(year(YearStage.HR_REVIEW), opened, { actor: hr }),
      ErrorCode.WRONG_STAGE,
      /Starting the year end is not possible while the year is HR_REVIEW/,
    ],
    [
      'HR adjusting its own result',
      () =>
        yearActions.adjust.check(year(YearStage.HR_REVIEW), opened, {
          actor: hr,
          employeeNo: 'E9001',
          finalScore: 90,
          reason: 'appeal upheld',
        }),
      ErrorCode.FORBIDDEN,
      /own result/,
    ],
    [
      'an adjustment with a short reason',
      () =>
        yearActions.adjust.check(year(YearStage.HR_REVIEW), opened, {
          actor: hr,
          employeeNo: 'E1101',
          finalScore: 90,
          reason: ' ok ',
        }),
      ErrorCode.VALIDATION,
      /at least 5 characters/,
    ],
    [
      'an adjustment above 120',
      () =>
        yearActions.adjust.check(year(YearStage.HR_REVIEW), opened, {
          actor: hr,
          employeeNo: 'E1101',
          finalScore: 121,
          reason: 'appeal upheld',
        }),
      ErrorCode.VALIDATION,
      /0\.\.120/,
    ],
    [
      'an adjustment while open',
      () =>
        yearActions.adjust.check(year(YearStage.OPEN), opened, {
          actor: hr,
          employeeNo: 'E1101',
          finalScore: 90,
          reason: 'appeal upheld',
        }),
      ErrorCode.WRONG_STAGE,
      /Adjusting a result/,
    ],
    [
      'the head adjusting',
      () =>
        yearActions.adjust.check(year(YearStage.HR_REVIEW), opened, {
          actor: head,
          employeeNo: 'E1101',
          finalScore: 90,
          reason: 'appeal upheld',
        }),
      ErrorCode.FORBIDDEN,
      /roles HR, ADMIN/,
    ],
    [
      'submitting during an adjustment',
      () =>
        yearActions.submit.check(
          year(YearStage.HR_REVIEW),
          { ...opened, adjustmentsInFlight: 1 },
          { actor: hr },
        ),
      ErrorCode.WRONG_STAGE,
      /still being applied/,
    ],
    [
      'submitting twice',
      () => yearActions.submit.check(year(YearStage.HEAD_APPROVAL), opened, { actor: hr }),
      ErrorCode.WRONG_STAGE,
      /HEAD_APPROVAL/,
    ],
    [
      'HR deciding',
      () =>
        yearActions.decide.check(year(YearStage.HEAD_APPROVAL), opened, {
          actor: admin,
          decision: 'approve',
        }),
      ErrorCode.FORBIDDEN,
      /roles HEAD/,
    ],
    [
      'another decision',
      () =>
        yearActions.decide.check(year(YearStage.HEAD_APPROVAL), opened, { actor: head, decision: 'defer' }),
      ErrorCode.VALIDATION,
      /approve or reject/,
    ],
    [
      'a rejection without an opinion',
      () =>
        yearActions.decide.check(year(YearStage.HEAD_APPROVAL), opened, {
          actor: head,
          decision: 'reject',
          opinion: 'no',
        }),
      ErrorCode.VALIDATION,
      /opinion of at least 5/,
    ],
    [
      'deciding in review',
      () => yearActions.decide.check(year(YearStage.HR_REVIEW), opened, { actor: head, decision: 'approve' }),
      ErrorCode.WRONG_STAGE,
      /Deciding/,
    ],
    [
      'a second 360° cycle',
      () =>
        yearActions.startCapabilityCycle.check(
          year(YearStage.OPEN, { capabilityCycleId: 'capability-2026' }),
          opened,
          { actor: hr, deadline: '2026-12-20T09:00:00.000Z' },
        ),
      ErrorCode.CONFLICT,
      /already started/,
    ],
    [
      'a 360° deadline past',
      () =>
        yearActions.startCapabilityCycle.check(year(YearStage.OPEN), opened, {
          actor: hr,
          deadline: '2026-12-01T09:00:00.000Z',
        }),
      ErrorCode.VALIDATION,
      /future time/,
    ],
    [
      'a 360° deadline that is no time',
      () =>
        yearActions.startCapabilityCycle.check(year(YearStage.OPEN), opened, { actor: hr, deadline: 'soon' }),
      ErrorCode.VALIDATION,
      /future time/,
    ],
  ];
  it.each(cases)('refuses %s', (_name, check, code, message) => {
    const refused = refusal(check);
    expect(refused?.code).toBe(code);
    expect(refused?.message).toMatch(message);
  });

  it('allows each step to the right person in its stage, and leaves the stage to the handler before the year is loaded', () => {
    expect(
      refusal(() => yearActions.trigger.check(year(YearStage.OPEN), opened, { actor: admin })),
    ).toBeUndefined();
    expect(
      refusal(() =>
        yearActions.adjust.check(year(YearStage.HR_REVIEW), opened, {
          actor: hr,
          employeeNo: 'E1101',
          finalScore: 0,
          reason: 'appeal upheld',
        }),
      ),
    ).toBeUndefined();
    expect(
      refusal(() => yearActions.submit.check(year(YearStage.HR_REVIEW), opened, { actor: hr })),
    ).toBeUndefined();
    expect(
      refusal(() =>
        yearActions.decide.check(year(YearStage.HEAD_APPROVAL), opened, {
          actor: head,
          decision: 'reject',
          opinion: 'grades too lenient',
        }),
      ),
    ).toBeUndefined();
    expect(
      refusal(() =>
        yearActions.startCapabilityCycle.check(year(YearStage.OPEN), opened, {
          actor: hr,
          deadline: '2026-12-20T09:00:00.000Z',
        }),
      ),
    ).toBeUndefined();
    expect(
      refusal(() => yearActions.submit.check(year(YearStage.OPEN), { opened: false, now }, { actor: hr })),
    ).toBeUndefined();
  });
});

describe('year-end steps', () => {
  it('goes triggered → aggregating → HR review → head approval → (rejected: review) → finalising → finalised', () => {
    const state = year(YearStage.OPEN);
    const triggered = yearEndStep(state, 2026, 'triggered', 'system', 'year-end timer', at);
    expect(triggered).toEqual({
      stage: YearStage.AGGREGATING,
      decision: { at, actor: 'system', action: 'triggered', opinion: 'year-end timer' },
      record: {
        year: 2026,
        decisionKey: '2026:triggered',
        stage: YearStage.AGGREGATING,
        actor: 'system',
        action: 'triggered',
        opinion: 'year-end timer',
      },
    });
    state.decisions.push(triggered.decision!);
    const aggregated = yearEndStep(state, 2026, 'aggregated', 'system', undefined, at);
    expect(aggregated).toEqual({
      stage: YearStage.HR_REVIEW,
      record: {
        year: 2026,
        decisionKey: '2026:aggregated',
        stage: YearStage.HR_REVIEW,
        actor: 'system',
        action: 'aggregated',
      },
    });
    const submitted = yearEndStep(state, 2026, 'submitted', hr.employeeNo, undefined, at);
    expect(submitted.stage).toBe(YearStage.HEAD_APPROVAL);
    expect(submitted.record.decisionKey).toBe('2026:decision:1');
    expect(submitted.decision).toEqual({ at, actor: 'E9001', action: 'submitted' });
    state.decisions.push(submitted.decision!);
    const rejected = yearEndStep(state, 2026, 'rejected', head.employeeNo, 'grades too lenient', at);
    expect(rejected).toMatchObject({
      stage: YearStage.HR_REVIEW,
      record: { decisionKey: '2026:decision:2', action: 'rejected', opinion: 'grades too lenient' },
    });
    state.decisions.push(rejected.decision!);
    expect(yearEndStep(state, 2026, 'approved', head.employeeNo, undefined, at)).toMatchObject({
      stage: YearStage.FINALISING,
      record: { decisionKey: '2026:decision:3' },
    });
    expect(yearEndStep(state, 2026, 'finalised', 'system', undefined, at)).toMatchObject({
      stage: YearStage.FINALISED,
      decision: { action: 'finalised', actor: 'system' },
      record: { decisionKey: '2026:finalised', stage: YearStage.FINALISED },
    });
  });
});

describe('red warnings', () => {
  const kpi = (light: KpiReading['light'], extra: Partial<KpiReading> = {}): KpiReading => ({
    kpiCode: 'K-T11-1',
    kpiName: '민원 기한 내 처리율',
    unitCode: 'T11',
    actual: 70,
    target: 95,
    achievement: 73.7,
    light,
    ownerNo: 'E1100',
    managerNo: 'E1000',
    ...extra,
  });

  it('warns the owner and the manager once each time a KPI turns red, not while it stays red', () => {
    const first = redWarnings(
      { lights: { 'K-T11-1': 'YELLOW' }, redTransitions: {} },
      2026,
      [kpi('RED')],
      at,
    );
    expect(first.lights).toEqual({ 'K-T11-1': 'RED' });
    expect(first.redTransitions).toEqual({ 'K-T11-1': 1 });
    expect(first.warnings.map((w) => [w.key, w.to.employeeNo])).toEqual([
      ['performance-2026:kpi-red:K-T11-1:1:E1100', 'E1100'],
      ['performance-2026:kpi-red:K-T11-1:1:E1000', 'E1000'],
    ]);
    expect(first.warnings[0]?.data).toMatchObject({
      scorecardUrl: '/performance/2026/scorecards/T11',
      transition: 1,
      at,
    });

    const still = redWarnings(first, 2026, [kpi('RED')], at);
    expect(still.warnings).toEqual([]);
    const recovered = redWarnings(still, 2026, [kpi('GREEN')], at);
    expect(recovered.warnings).toEqual([]);
    const again = redWarnings(recovered, 2026, [kpi('RED')], at);
    expect(again.redTransitions).toEqual({ 'K-T11-1': 2 });
    expect(again.warnings[0]?.key).toBe('performance-2026:kpi-red:K-T11-1:2:E1100');
  });

  it('warns one person once when owner and manager are the same, nobody without either, and keeps lights of unmeasured KPIs', () => {
    expect(
      redWarnings({ lights: {}, redTransitions: {} }, 2026, [kpi('RED', { managerNo: 'E1100' })], at)
        .warnings,
    ).toHaveLength(1);
    expect(
      redWarnings(
        { lights: {}, redTransitions: {} },
        2026,
        [kpi('RED', { ownerNo: null, managerNo: null })],
        at,
      ).warnings,
    ).toEqual([]);
    const unmeasured = redWarnings(
      { lights: { 'K-T11-1': 'GREEN' }, redTransitions: {} },
      2026,
      [kpi(null)],
      at,
    );
    expect(unmeasured.lights).toEqual({ 'K-T11-1': 'GREEN' });
  });

  it('leaves the state it was given unchanged', () => {
    const state = { lights: { 'K-T11-1': 'GREEN' as const }, redTransitions: {} };
    redWarnings(state, 2026, [kpi('RED')], at);
    expect(state).toEqual({ lights: { 'K-T11-1': 'GREEN' }, redTransitions: {} });
  });
});
