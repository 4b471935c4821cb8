import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { YearEndAdjustment, YearEndPersonResult } from '@prisma/client';
import { gradeYearEndResults } from '../../data/year-end-grading.ts';
import { loadYearConfig, type YearConfig } from '../../data/year-config.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { HR_ROLES, MIN_REASON_LENGTH, YearStage } from '../../domain/performance.ts';
import { Action, permits } from '../../domain/policy.ts';
import { explainResult, type ExplainInput, type ExplainedRanking } from '../../domain/result-explanation.ts';
import { BONUS_GRADES, type TeamRole } from '../../domain/scoring.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { Errors, Num, StaffNo, Year, YearParams } from './performance-shared.ts';

/**
 * The fairness side of the year end: "why this grade" in words (both languages) for the results pages,
 * HR's audited decision for people below the data minimum, and the evidence behind each part of a result
 * (complaints by receipt number, tasks by id, innovation items, leader evaluations).
 */

interface StoredWhy {
  systemParts?: Record<string, number | null>;
  unitInsufficientData?: boolean;
  ranking?: ExplainedRanking;
}

/** Korean and English lines for one stored result; the last adjustment (who, why) where there is one. */
export function explainStoredResult(
  row: YearEndPersonResult,
  adjustments: readonly YearEndAdjustment[],
  config: YearConfig,
): { ko: string[]; en: string[] } {
  const why = (row.why ?? {}) as StoredWhy;
  const last = [...adjustments].reverse().find((a) => a.employeeNo === row.employeeNo);
  const input: ExplainInput = {
    employeeNo: row.employeeNo,
    teamRole: row.teamRole as TeamRole,
    unitCode: row.unitCode,
    inputs: {
      teamScore: row.teamScore,
      leaderEvaluation: row.leaderEvaluation,
      systemScore: row.systemScore,
      capabilityResult: row.capabilityResult,
    },
    systemParts: why.systemParts ?? {},
    unitInsufficientData: why.unitInsufficientData ?? false,
    computedFinalScore: row.computedFinalScore,
    finalScore: row.finalScore,
    grade: row.grade,
    payout: row.payout,
    dataGate: {
      sufficient: row.dataSufficient,
      measuredShare: row.measuredShare ?? 0,
      measuredInputs: row.measuredInputs ?? 0,
    },
    ranking: row.dataSufficient ? (why.ranking ?? null) : null,
    adjustment:
      row.adjusted && last
        ? { before: row.computedFinalScore, after: last.after, actor: last.actor, reason: last.reason }
        : null,
    dataDecision: row.dataDecision
      ? {
          decision: row.dataDecision as 'GRADE' | 'NO_BONUS',
          grade: row.dataDecisionGrade,
          actor: row.dataDecisionBy ?? '',
          reason: row.dataDecisionReason ?? '',
        }
      : null,
  };
  return {
    ko: explainResult(input, config.scoring, 'ko').lines,
    en: explainResult(input, config.scoring, 'en').lines,
  };
}

const Evidence = Type.Object({
  employeeNo: Type.String(),
  complaints: Type.Array(
    Type.Object({
      receiptNo: Type.String(),
      businessDaysTaken: Num,
      slaMet: Type.Boolean(),
      satisfaction: Num,
      occurredAt: Type.String(),
    }),
  ),
  tasks: Type.Array(
    Type.Object({
      taskId: Type.String(),
      goalAchievement: Num,
      timeliness: Num,
      quality: Num,
      occurredAt: Type.String(),
    }),
  ),
  innovations: Type.Array(
    Type.Object({ activityId: Type.String(), title: Type.String(), score: Num, occurredAt: Type.String() }),
  ),
  leaderEvaluations: Type.Array(
    Type.Object({
      evaluatorNo: Type.String(),
      score: Type.Number(),
      previousScore: Num,
      at: Type.String(),
    }),
  ),
  capability: Type.Union([
    Type.Object({ score: Num, rule: Type.String(), raterCount: Type.Integer() }),
    Type.Null(),
  ]),
});

export const performanceFairnessRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/performance/:year/year-end/no-data-decisions',
    {
      config: { access: [...HR_ROLES] },
      schema: {
        tags: ['performance'],
        summary:
          'HR decides for someone below the data minimum (not ranked): a grade paid at its rate, or no bonus; a reason is required and audited',
        params: YearParams,
        body: Type.Object(
          {
            employeeNo: StaffNo,
            decision: Type.Union([Type.Literal('GRADE'), Type.Literal('NO_BONUS')]),
            grade: Type.Optional(Type.Union(BONUS_GRADES.map((g) => Type.Literal(g)))),
            reason: Type.String({ minLength: MIN_REASON_LENGTH, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            employeeNo: Type.String(),
            decision: Type.String(),
            grade: Type.Union([Type.String(), Type.Null()]),
            payout: Num,
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const { employeeNo, decision, reason } = request.body;
      if (!permits(staff, Action.YEAR_END_ADJUST, { subjectNo: employeeNo }))
        throw new AppError(ErrorCode.FORBIDDEN, 'Nobody decides on their own result');
      if (decision === 'GRADE' && !request.body.grade)
        throw new AppError(ErrorCode.VALIDATION, 'grade is required when the decision is GRADE');
      if (reason.trim().length < MIN_REASON_LENGTH)
        throw new AppError(ErrorCode.VALIDATION, `reason needs at least ${MIN_REASON_LENGTH} characters`);
      const grade = decision === 'GRADE' ? (request.body.grade ?? null) : null;
      const config = await loadYearConfig(app.prisma, year);
      return app.prisma.$transaction(
        async (tx) => {
          const locked = await tx.$queryRaw<{ stage: string }[]>`
            SELECT stage FROM "PerformanceYear" WHERE year = ${year} FOR UPDATE`;
          if (locked[0]?.stage !== YearStage.HR_REVIEW)
            throw new AppError(
              ErrorCode.WRONG_STAGE,
              `Decisions are taken during HR review (the year is ${locked[0]?.stage ?? 'not started'})`,
            );
          const before = await tx.yearEndPersonResult.findUnique({
            where: { year_employeeNo: { year, employeeNo } },
          });
          if (!before) throw new AppError(ErrorCode.NOT_FOUND, `No year-end result for ${employeeNo}`);
          if (before.dataSufficient && before.finalScore !== null)
            throw new AppError(
              ErrorCode.CONFLICT,
              `${employeeNo} is above the data minimum and ranked; adjust the score instead`,
            );
          await tx.yearEndPersonResult.update({
            where: { year_employeeNo: { year, employeeNo } },
            data: {
              dataDecision: decision,
              dataDecisionGrade: grade,
              dataDecisionReason: reason.trim(),
              dataDecisionBy: staff.employeeNo,
              dataDecisionAt: new Date(),
            },
          });
          await gradeYearEndResults(tx, year, config);
          const after = await tx.yearEndPersonResult.findUniqueOrThrow({
            where: { year_employeeNo: { year, employeeNo } },
          });
          await appendAudit(tx, {
            actor: staff.employeeNo,
            action: 'performance.year-end.no-data-decided',
            subject: `performance:${year}:${employeeNo}`,
            before: { decision: before.dataDecision, grade: before.grade, payout: before.payout },
            after: { decision, grade: after.grade, payout: after.payout },
            reason: reason.trim(),
          });
          return { employeeNo, decision, grade: after.grade, payout: after.payout };
        },
        { timeout: 120_000 },
      );
    },
  );

  app.get(
    '/api/performance/:year/results/:employeeNo/evidence',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary:
          'What moved each part of a result: complaints (receipt numbers), tasks (ids), innovation items, leader evaluations, the 360° result (no rater is named)',
        params: Type.Object({ year: Year, employeeNo: StaffNo }),
        response: { 200: Evidence, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, employeeNo } = request.params;
      const everyone = ['HR', 'HEAD', 'ADMIN'].includes(staff.role);
      if (!everyone && staff.employeeNo !== employeeNo)
        throw new AppError(ErrorCode.FORBIDDEN, 'Only HR, the head, an admin or the person see this');
      const [outcomes, revisions, capability] = await Promise.all([
        app.prisma.performanceOutcome.findMany({
          where: { year, employeeNo, kind: { in: ['complaint-closed', 'task-done', 'innovation-scored'] } },
          orderBy: { occurredAt: 'asc' },
        }),
        app.prisma.leaderEvaluationRevision.findMany({
          where: { year, subjectNo: employeeNo },
          orderBy: { id: 'asc' },
        }),
        app.prisma.capabilityResult.findUnique({
          where: { year_subjectNo: { year, subjectNo: employeeNo } },
        }),
      ]);
      const num = (value: unknown) => (typeof value === 'number' ? value : null);
      const payloadOf = (o: (typeof outcomes)[number]) => o.payload as Record<string, unknown>;
      const innovationIds = outcomes
        .filter((o) => o.kind === 'innovation-scored')
        .map((o) => String(payloadOf(o).activityId));
      const titles = new Map(
        (
          await app.prisma.innovationActivity.findMany({
            where: { id: { in: innovationIds } },
            select: { id: true, title: true },
          })
        ).map((a) => [a.id, a.title]),
      );
      return {
        employeeNo,
        complaints: outcomes
          .filter((o) => o.kind === 'complaint-closed' && payloadOf(o).withdrawn !== true)
          .map((o) => ({
            receiptNo: String(payloadOf(o).receiptNo),
            businessDaysTaken: num(payloadOf(o).businessDaysTaken),
            slaMet: payloadOf(o).slaMet === true,
            satisfaction: num(payloadOf(o).satisfaction),
            occurredAt: o.occurredAt.toISOString(),
          })),
        tasks: outcomes
          .filter((o) => o.kind === 'task-done')
          .map((o) => ({
            taskId: String(payloadOf(o).taskId),
            goalAchievement: num(payloadOf(o).goalAchievement),
            timeliness: num(payloadOf(o).timeliness),
            quality: num(payloadOf(o).quality),
            occurredAt: o.occurredAt.toISOString(),
          })),
        innovations: outcomes
          .filter((o) => o.kind === 'innovation-scored')
          .map((o) => {
            const activityId = String(payloadOf(o).activityId);
            return {
              activityId,
              title: titles.get(activityId) ?? activityId,
              score: num(payloadOf(o).score),
              occurredAt: o.occurredAt.toISOString(),
            };
          }),
        leaderEvaluations: revisions.map((r) => ({
          evaluatorNo: r.evaluatorNo,
          score: r.score,
          previousScore: r.previousScore,
          at: r.at.toISOString(),
        })),
        capability: capability
          ? { score: capability.score, rule: capability.rule, raterCount: capability.raterCount }
          : null,
      };
    },
  );
};
