import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createOutcomeReportActivities } from '../../data/outcome-report.ts';
import { loadYearConfig } from '../../data/year-config.ts';
import {
  performanceWorkflowId,
  type ComplaintClosedOutcome,
  type PerformanceOutcome,
} from '../../domain/performance-outcomes.ts';
import { decideYearEndUpdate, performanceStatusQuery } from '../../domain/performance.ts';
import {
  bonusGradeCounts,
  evaluateScorecard,
  gradeYearEnd,
  type TeamRole,
  type Perspective,
  type ScorecardInput,
} from '../../domain/scoring.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

/**
 * A year of its own (not the seed year other test files use): its workflow, its results and its lock
 * belong to this file only.
 */
const YEAR = 2031;

let stack: Stack;
let report: (outcome: PerformanceOutcome) => Promise<void>;
const sessions = new Map<string, string>();
const csrfTokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startStack();
  await seedDatabase(stack.prisma, { year: YEAR, demoPassword: DEMO_PASSWORD });
  report = createOutcomeReportActivities({
    prisma: stack.prisma,
    temporal: stack.temporal,
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
  }).reportOutcome;
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

async function as(employeeNo: string): Promise<Record<string, string>> {
  if (!sessions.has(employeeNo)) {
    const login = await stack.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { employeeNo, password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    sessions.set(employeeNo, login.cookies.find((c) => c.name === 'portal_session')!.value);
    csrfTokens.set(employeeNo, login.cookies.find((c) => c.name === 'portal_csrf')!.value);
  }
  return {
    cookie: `portal_session=${sessions.get(employeeNo)}`,
    'x-csrf-token': csrfTokens.get(employeeNo)!,
  };
}

async function call(employeeNo: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return stack.app.inject({ method, url, headers: await as(employeeNo), ...(payload ? { payload } : {}) });
}

function closed(
  n: number,
  satisfaction: number,
  options: Partial<ComplaintClosedOutcome> = {},
): ComplaintClosedOutcome {
  const receiptNo = `MW-${YEAR}-${String(n).padStart(7, '0')}`;
  return {
    kind: 'complaint-closed',
    outcomeKey: `complaint:${receiptNo}:closed`,
    year: YEAR,
    occurredAt: new Date(Date.UTC(YEAR, 3, 1)).toISOString(),
    unitCode: 'T11',
    employeeNo: 'E1101',
    receiptNo,
    categoryCode: 'Q-GENERAL',
    businessDaysTaken: 2,
    slaMet: true,
    satisfaction,
    withdrawn: false,
    ...options,
  };
}

interface KpiJson {
  code: string;
  value: number | null;
  achievement: number | null;
  light: string | null;
}
async function scorecardKpi(unitCode: string, kpiCode: string): Promise<KpiJson | undefined> {
  const card = (await call('E1100', 'GET', `/api/performance/${YEAR}/scorecards/${unitCode}`)).json();
  return card.perspectives
    .flatMap((p: { objectives: { kpis: KpiJson[] }[] }) => p.objectives.flatMap((o) => o.kpis))
    .find((k: KpiJson) => k.code === kpiCode);
}

describe('performance management on real Temporal, PostgreSQL and SMTP', () => {
  it('serves a unit scorecard: perspectives with weights, objectives and KPIs', async () => {
    const response = await call('E1101', 'GET', `/api/performance/${YEAR}/scorecards/T11`);
    expect(response.statusCode).toBe(200);
    const card = response.json();
    expect(card.unit.code).toBe('T11');
    expect(
      card.perspectives.map((p: { perspective: string; weight: number }) => [p.perspective, p.weight]),
    ).toEqual([
      ['customer', 35],
      ['workPerformance', 35],
      ['processInnovation', 15],
      ['learningGrowth', 15],
    ]);
    const sat = card.perspectives[0].objectives[0].kpis.find((k: KpiJson) => k.code === 'K-T11-SAT');
    expect(sat).toMatchObject({
      value: null,
      achievement: null,
      light: null,
      target: 4.2,
      direction: 'HIGHER_IS_BETTER',
    });
    expect((await call('E1101', 'GET', `/api/performance/${YEAR}/scorecards/NOPE`)).statusCode).toBe(404);
    const map = (await call('E1101', 'GET', `/api/performance/${YEAR}/strategy-maps/HQ1`)).json();
    expect(map.childCodes).toEqual(['T11', 'T12', 'T13']);
    expect(map.objectives).toHaveLength(4);
  });

  it('records reported outcomes exactly once, updates KPIs up the cascade and warns once when one turns red', async () => {
    const good = [closed(1, 5), closed(2, 5), closed(3, 4)];
    for (const outcome of good) await report(outcome);
    await waitFor(async () => (await scorecardKpi('T11', 'K-T11-SAT'))?.light === 'GREEN');

    // Three dissatisfied citizens, each reported twice: the average falls to (5+5+4+1+1+1)/6 = 2.83.
    const bad = [closed(4, 1), closed(5, 1), closed(6, 1)];
    for (const outcome of [...bad, ...bad, good[0]!]) await report(outcome);
    const sat = await waitFor(async () => {
      const kpi = await scorecardKpi('T11', 'K-T11-SAT');
      return kpi?.light === 'RED' && Math.abs((kpi.value ?? 0) - 17 / 6) < 1e-9 ? kpi : undefined;
    });
    expect(sat.value).toBeCloseTo(17 / 6, 10);
    expect(sat.achievement).toBeCloseTo(((17 / 6) * 100) / 4.2, 8);
    expect(await stack.prisma.performanceOutcome.count({ where: { year: YEAR } })).toBe(6);

    // The ministry's KPI counts the team's complaints too.
    const ministry = await scorecardKpi('MIN', 'K-MIN-SAT');
    expect(ministry?.value).toBeCloseTo(17 / 6, 10);

    const warnings = await waitFor(async () => {
      const mails = await stack.prisma.devMail.findMany({ where: { subject: { contains: 'K-T11-SAT' } } });
      return mails.length >= 2 ? mails : undefined;
    });
    expect(warnings.map((m) => m.to).sort()).toEqual([
      'e0100@portal.example.go.kr',
      'e1100@portal.example.go.kr',
    ]);

    // Still red after another bad rating: no second warning.
    await report(closed(7, 1));
    await waitFor(async () => (await stack.prisma.performanceOutcome.count({ where: { year: YEAR } })) === 7);
    await waitFor(async () => ((await scorecardKpi('T11', 'K-T11-SAT'))?.value ?? 0) < 2.7);
    expect(await stack.prisma.devMail.count({ where: { subject: { contains: 'K-T11-SAT' } } })).toBe(2);
  });

  it('takes a manual KPI value from its owner and counts it once the director approves', async () => {
    const entry = await call('E1100', 'POST', `/api/performance/${YEAR}/kpis/K-T11-EDU/entries`, {
      value: 84,
      note: '상반기 교육',
    });
    expect(entry.statusCode).toBe(201);
    expect(
      (await call('E1101', 'POST', `/api/performance/${YEAR}/kpis/K-T11-EDU/entries`, { value: 99 }))
        .statusCode,
    ).toBe(403);
    expect(
      (await call('E1100', 'POST', `/api/performance/${YEAR}/kpis/K-T11-SAT/entries`, { value: 5 }))
        .statusCode,
    ).toBe(422);
    const decided = await call(
      'E0100',
      'POST',
      `/api/performance/${YEAR}/kpi-entries/${entry.json().id}/decision`,
      { decision: 'approve' },
    );
    expect(decided.json()).toEqual({ id: entry.json().id, status: 'APPROVED' });
    const edu = await waitFor(async () => {
      const kpi = await scorecardKpi('T11', 'K-T11-EDU');
      return kpi?.light ? kpi : undefined;
    });
    expect(edu).toMatchObject({ value: 84, achievement: 105, light: 'GREEN' });
  });

  it('runs an innovation activity through propose → review → adopt → implement → score into the KPI', async () => {
    const proposed = await call('E1102', 'POST', `/api/performance/${YEAR}/innovations`, {
      title: '민원 자동 분류',
      description: '접수 민원을 유형별로 자동 분류합니다.',
    });
    expect(proposed.statusCode).toBe(201);
    const id = proposed.json().id;
    const act = (who: string, action: string, body: object = {}) =>
      call(who, 'POST', `/api/performance/${YEAR}/innovations/${id}/actions/${action}`, body);
    expect((await act('E1100', 'adopt')).statusCode).toBe(409);
    expect((await act('E1101', 'review', { opinion: '검토 의견입니다' })).statusCode).toBe(403);
    expect((await act('E1100', 'review', { opinion: '타당성 검토 완료' })).statusCode).toBe(200);
    expect((await act('E1100', 'adopt', { opinion: '채택합니다' })).statusCode).toBe(200);
    expect((await act('E1102', 'implement')).statusCode).toBe(200);
    const scored = await act('E1100', 'score', { score: 90, opinion: '우수' });
    expect(scored.json()).toMatchObject({ stage: 'SCORED', score: 90 });
    const inno = await waitFor(async () => {
      const kpi = await scorecardKpi('T11', 'K-T11-INNO');
      return kpi?.value === 1 ? kpi : undefined;
    });
    expect(inno.light).toBe('RED'); // 1 of 3
  });

  it('takes the team leader evaluation of a member', async () => {
    const put = (who: string, employeeNo: string, score: number) =>
      call(who, 'PUT', `/api/performance/${YEAR}/evaluations/leader/${employeeNo}`, { score });
    expect((await put('E1100', 'E1101', 92)).statusCode).toBe(200);
    expect((await put('E1100', 'E1102', 85)).statusCode).toBe(200);
    expect((await put('E1200', 'E1101', 10)).statusCode).toBe(403);
    expect((await put('E1100', 'E1101', 101)).statusCode).toBe(422);
    expect(
      (
        await stack.prisma.leaderEvaluation.findUnique({
          where: { year_subjectNo: { year: YEAR, subjectNo: 'E1101' } },
        })
      )?.score,
    ).toBe(92);
  });

  it('answers 404 for results of a year that has not ended', async () => {
    expect((await call('E0003', 'GET', `/api/performance/${YEAR}/results`)).statusCode).toBe(404);
  });

  it('runs the year end: set-based aggregation matching the scoring module, HR adjustment, rejection, approval, lock', async () => {
    expect((await call('E1100', 'POST', `/api/performance/${YEAR}/year-end`, {})).statusCode).toBe(403);
    const triggered = await call('E0003', 'POST', `/api/performance/${YEAR}/year-end`, {
      reason: '연말 평가 개시',
    });
    expect(triggered.statusCode).toBe(200);
    expect(triggered.json().stage).toBe('HR_REVIEW');
    expect((await call('E0003', 'GET', `/api/performance/${YEAR}/results`)).statusCode).toBe(409);

    // Unit scores from SQL equal domain/scoring.ts evaluateScorecard over the same KPI values.
    const { scoring } = await loadYearConfig(stack.prisma, YEAR);
    for (const unitCode of ['T11', 'HQ1', 'MIN']) {
      const objectives = await stack.prisma.strategicObjective.findMany({
        where: { year: YEAR, unit: { code: unitCode } },
        include: { kpis: true },
      });
      const perspectiveOf = {
        CUSTOMER: 'customer',
        WORK_PERFORMANCE: 'workPerformance',
        PROCESS_INNOVATION: 'processInnovation',
        LEARNING_GROWTH: 'learningGrowth',
      } as const;
      const input: ScorecardInput = {};
      for (const o of objectives) {
        const p: Perspective = perspectiveOf[o.perspective];
        input[p] = [
          ...(input[p] ?? []),
          {
            code: o.code,
            weight: o.weight,
            kpis: o.kpis.map((k) => ({
              code: k.code,
              weight: k.weight,
              direction: k.direction,
              target: k.target,
              actual: k.actual,
            })),
          },
        ];
      }
      const card = evaluateScorecard(input, scoring);
      const stored = await stack.prisma.yearEndUnitResult.findUnique({
        where: { year_unitCode: { year: YEAR, unitCode } },
      });
      // A unit with too little measured KPI weight has no score and no light: "insufficient data", not red.
      expect(stored?.insufficientData, unitCode).toBe(card.insufficientData);
      expect(stored!.measuredKpiShare!).toBeCloseTo(card.measuredKpiShare, 9);
      if (card.score === null) expect([stored?.score, stored?.light]).toEqual([null, null]);
      else expect(stored!.score!).toBeCloseTo(card.score, 9);
    }

    // The trigger answers once the workflow is in HR review; the row's aggregatedAt follows a moment later.
    const reviewResponse = await waitFor(async () => {
      const response = await call('E0003', 'GET', `/api/performance/${YEAR}/year-end/review`);
      return response.statusCode === 200 ? response : undefined;
    });
    expect(reviewResponse.statusCode, reviewResponse.body).toBe(200);
    const review = reviewResponse.json();
    const e1101 = review.people.find((p: { employeeNo: string }) => p.employeeNo === 'E1101');
    // Member: 70% team + 30% individual; individual = 50% leader evaluation + 50% system score.
    expect(e1101.individualScore).toBeCloseTo(0.5 * 92 + 0.5 * e1101.systemScore, 9);
    expect(e1101.performanceResult).toBeCloseTo(0.7 * e1101.teamScore + 0.3 * e1101.individualScore, 9);
    expect(e1101.why.ranking).toMatchObject({
      payGradeGroup: '5급',
      rank: e1101.rank,
      quotas: { S: 20, A: 40, B: 30, C: 10 },
    });
    // Grades and payouts from SQL equal gradeYearEnd over the same scores: the data gate first, then the
    // forced distribution over those above it.
    type Row = {
      employeeNo: string;
      payGrade: string;
      teamRole: TeamRole;
      teamScore: number | null;
      leaderEvaluation: number | null;
      systemScore: number | null;
      finalScore: number | null;
      performanceResult: number | null;
      capabilityResult: number | null;
      baseAmount: number;
      grade: string | null;
      payout: number | null;
      dataSufficient: boolean;
    };
    const people: Row[] = review.people;
    const { assignments, unranked } = gradeYearEnd(
      people
        .filter((p) => p.finalScore !== null)
        .map((p) => ({
          id: p.employeeNo,
          employeeNo: p.employeeNo,
          payGradeGroup: p.payGrade,
          teamRole: p.teamRole,
          inputs: {
            teamScore: p.teamScore,
            leaderEvaluation: p.leaderEvaluation,
            systemScore: p.systemScore,
            capabilityResult: p.capabilityResult,
          },
          finalScore: p.finalScore!,
          performanceResult: p.performanceResult ?? 0,
          capabilityResult: p.capabilityResult ?? 0,
          baseAmount: p.baseAmount,
        })),
      scoring,
    );
    expect(assignments.length).toBeGreaterThan(0);
    for (const assignment of assignments) {
      const row = people.find((p) => p.employeeNo === assignment.employeeNo)!;
      expect([row.employeeNo, row.grade, row.payout]).toEqual([
        assignment.employeeNo,
        assignment.grade,
        assignment.payout,
      ]);
    }
    const unrankedNos = new Set(unranked.map((u) => u.employeeNo));
    for (const row of people.filter((p) => !p.dataSufficient)) {
      expect([row.grade, row.payout], row.employeeNo).toEqual([null, null]);
      if (row.finalScore !== null) expect(unrankedNos.has(row.employeeNo)).toBe(true);
    }

    // HR decides for someone below the data minimum, with an audited reason.
    const noData = people.find((p) => !p.dataSufficient && p.employeeNo !== 'E0003')!;
    const decided = await call('E0003', 'POST', `/api/performance/${YEAR}/year-end/no-data-decisions`, {
      employeeNo: noData.employeeNo,
      decision: 'GRADE',
      grade: 'B',
      reason: '평가 자료 부족: 지침에 따라 B등급 부여',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ grade: 'B', payout: Math.round((noData.baseAmount * 85) / 100) });
    expect(
      (
        await stack.prisma.auditLog.findFirst({
          where: {
            action: 'performance.year-end.no-data-decided',
            subject: `performance:${YEAR}:${noData.employeeNo}`,
          },
        })
      )?.reason,
    ).toBe('평가 자료 부족: 지침에 따라 B등급 부여');
    // The adjusted person: in the largest ranked group, so that its best grade has a place.
    const largest = assignments.reduce((a, b) => (b.why.groupSize > a.why.groupSize ? b : a));
    const target = assignments.find(
      (a) => a.payGradeGroup === largest.payGradeGroup && a.employeeNo !== 'E0003',
    )!.employeeNo;
    const counts = bonusGradeCounts(largest.why.groupSize, scoring.bonusQuotas);
    const bestGrade = (['S', 'A', 'B', 'C'] as const).find((g) => counts[g] > 0);
    expect(
      (
        await call('E0003', 'POST', `/api/performance/${YEAR}/year-end/no-data-decisions`, {
          employeeNo: target,
          decision: 'NO_BONUS',
          reason: '순위 대상자는 결정 대상 아님',
        })
      ).statusCode,
    ).toBe(409);

    const bad = await call('E0003', 'POST', `/api/performance/${YEAR}/year-end/adjustments`, {
      employeeNo: target,
      finalScore: 99,
      reason: '',
    });
    expect(bad.statusCode).toBe(422);
    expect(
      (
        await call('E0003', 'POST', `/api/performance/${YEAR}/year-end/adjustments`, {
          employeeNo: noData.employeeNo,
          finalScore: 99,
          reason: '자료 없는 사람의 점수 조정',
        })
      ).statusCode,
    ).toBe(409);
    const adjusted = await call('E0003', 'POST', `/api/performance/${YEAR}/year-end/adjustments`, {
      employeeNo: target,
      finalScore: 119,
      reason: '감사원 표창 실적 반영',
    });
    expect(adjusted.statusCode).toBe(200);
    expect(adjusted.json()).toMatchObject({ employeeNo: target, after: 119, grade: bestGrade, rank: 1 });
    // The score explained is the score used: the adjusted one, with who and why.
    const explained = (await call('E0003', 'GET', `/api/performance/${YEAR}/year-end/review`))
      .json()
      .people.find((p: Row) => p.employeeNo === target);
    expect(explained.explanation.ko[0]).toBe('최종 점수 119.00 (인사 조정 반영)');
    expect(explained.explanation.en[0]).toBe('Final score 119.00 (after HR adjustment)');
    expect(explained.explanation.ko.join('\n')).toContain('조정자 E0003, 사유: 감사원 표창 실적 반영');
    expect(explained.why.ranking.compared.finalScore).toBe(119);
    const audit = await stack.prisma.auditLog.findFirst({
      where: { action: 'performance.year-end.adjusted', subject: `performance:${YEAR}:${target}` },
    });
    expect(audit?.reason).toBe('감사원 표창 실적 반영');
    expect(audit?.actor).toBe('E0003');

    expect(
      (await call('E0001', 'POST', `/api/performance/${YEAR}/year-end/decision`, { decision: 'approve' }))
        .statusCode,
    ).toBe(409);
    expect((await call('E0003', 'POST', `/api/performance/${YEAR}/year-end/submit`, {})).json().stage).toBe(
      'HEAD_APPROVAL',
    );
    // The head's approval sent straight to Temporal, bypassing the API: refused before anything changes.
    const yearHandle = stack.temporal.workflow.getHandle(performanceWorkflowId(YEAR));
    const forged = await yearHandle
      .executeUpdate(decideYearEndUpdate, {
        args: [{ actor: { employeeNo: 'E0001', role: 'HEAD' }, decision: 'approve' }],
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(forged).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((forged as WorkflowUpdateFailedError).cause).toMatchObject({
      type: 'FORBIDDEN',
      message: 'The actor of this Update is not signed by the portal API',
    });
    expect((await yearHandle.query(performanceStatusQuery)).stage).toBe('HEAD_APPROVAL');
    expect(
      (await call('E0003', 'POST', `/api/performance/${YEAR}/year-end/decision`, { decision: 'approve' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await call('E0001', 'POST', `/api/performance/${YEAR}/year-end/decision`, { decision: 'reject' }))
        .statusCode,
    ).toBe(422);
    const rejected = await call('E0001', 'POST', `/api/performance/${YEAR}/year-end/decision`, {
      decision: 'reject',
      opinion: '조정 사유의 근거 자료를 보완하세요',
    });
    expect(rejected.json().stage).toBe('HR_REVIEW');
    expect(
      (await call('E0003', 'POST', `/api/performance/${YEAR}/year-end/submit`, { note: '근거 보완' })).json()
        .stage,
    ).toBe('HEAD_APPROVAL');
    const approved = await call('E0001', 'POST', `/api/performance/${YEAR}/year-end/decision`, {
      decision: 'approve',
      opinion: '승인',
    });
    expect(approved.json().stage).toBe('FINALISED');

    const results = await call('E0003', 'GET', `/api/performance/${YEAR}/results`);
    expect(results.statusCode).toBe(200);
    const body = results.json();
    const staffCount = await stack.prisma.staff.count();
    expect(body.people).toHaveLength(staffCount);
    expect(body.adjustments).toMatchObject([
      { employeeNo: target, after: 119, reason: '감사원 표창 실적 반영', actor: 'E0003' },
    ]);
    // The drill-down names the complaints by receipt number.
    const evidence = (await call('E1101', 'GET', `/api/performance/${YEAR}/results/E1101/evidence`)).json();
    expect(evidence.complaints.map((c: { receiptNo: string }) => c.receiptNo)).toContain(
      `MW-${YEAR}-0000001`,
    );
    expect((await call('E1102', 'GET', `/api/performance/${YEAR}/results/E1101/evidence`)).statusCode).toBe(
      403,
    );
    const own = (await call('E1101', 'GET', `/api/performance/${YEAR}/results`)).json();
    expect(own.people.map((p: { employeeNo: string }) => p.employeeNo)).toEqual(['E1101']);

    // Everyone is told their result, once.
    await waitFor(
      async () =>
        (await stack.prisma.emailOutbox.count({
          where: { key: { startsWith: `performance-${YEAR}:result:` }, status: 'SENT' },
        })) === staffCount,
      60_000,
    );
    const decisions = await stack.prisma.auditLog.findMany({
      where: { subject: `performance:${YEAR}` },
      orderBy: { seq: 'asc' },
    });
    expect(decisions.map((d) => d.action)).toEqual([
      'performance.year-end.triggered',
      'performance.year-end.aggregated',
      'performance.year-end.submitted',
      'performance.year-end.rejected',
      'performance.year-end.submitted',
      'performance.year-end.approved',
      'performance.year-end.finalised',
    ]);
    expect(decisions[3]?.reason).toBe('조정 사유의 근거 자료를 보완하세요');

    // The year is locked.
    expect(
      (await call('E1100', 'POST', `/api/performance/${YEAR}/kpis/K-T11-EDU/entries`, { value: 1 }))
        .statusCode,
    ).toBe(409);
    expect((await call('E0003', 'POST', `/api/performance/${YEAR}/year-end`, {})).statusCode).toBe(409);
    expect((await call('E0002', 'GET', '/api/admin/audit/verify')).json().ok).toBe(true);
  });
});
