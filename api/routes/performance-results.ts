import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ResultsView } from '../../contracts/performance.ts';
import { loadYearConfig } from '../../data/year-config.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { YearStage } from '../../domain/performance.ts';
import { AppError } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { performanceYearContext } from './performance-context.ts';
import { explainStoredResult } from './performance-fairness.ts';
import { Errors, YearParams } from './performance-shared.ts';

/** Year-end results: the proposal under review and approval, and the final results once the year is finalised. */

const isPrivileged = (staff: SessionStaff) => ['HR', 'HEAD', 'ADMIN'].includes(staff.role);

export const performanceResultRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { yearRow } = performanceYearContext(app);

  async function resultsOf(year: number, staff: SessionStaff) {
    const row = await yearRow(year);
    const config = await loadYearConfig(app.prisma, year);
    const everyone = isPrivileged(staff);
    const [units, people, adjustments, names] = await Promise.all([
      app.prisma.yearEndUnitResult.findMany({ where: { year }, orderBy: { unitCode: 'asc' } }),
      app.prisma.yearEndPersonResult.findMany({
        where: { year, ...(everyone ? {} : { employeeNo: staff.employeeNo }) },
        orderBy: [{ payGrade: 'asc' }, { rank: 'asc' }, { employeeNo: 'asc' }],
      }),
      app.prisma.yearEndAdjustment.findMany({
        where: { year, ...(everyone ? {} : { employeeNo: staff.employeeNo }) },
        orderBy: { id: 'asc' },
      }),
      app.prisma.staff.findMany({ select: { employeeNo: true, nameKo: true } }),
    ]);
    const nameOf = new Map(names.map((n) => [n.employeeNo, n.nameKo]));
    return {
      year,
      stage: row?.stage ?? YearStage.OPEN,
      finalisedAt: row?.finalisedAt?.toISOString() ?? null,
      config: { scoring: config.scoring, baseAmounts: config.baseAmounts },
      units: units.map((u) => ({
        unitCode: u.unitCode,
        unitKind: u.unitKind,
        score: u.score,
        light: u.light,
        // jsonb_object_agg of perspective → score, written by the aggregation (activities/performance.ts).
        perspectiveScores: u.perspectiveScores as Record<string, number | null>,
        measuredKpiShare: u.measuredKpiShare,
        insufficientData: u.insufficientData,
      })),
      people: people.map((p) => ({
        ...p,
        name: nameOf.get(p.employeeNo) ?? p.employeeNo,
        explanation: explainStoredResult(p, adjustments, config),
      })),
      adjustments: adjustments.map((a) => ({
        employeeNo: a.employeeNo,
        before: a.before,
        after: a.after,
        reason: a.reason,
        actor: a.actor,
        at: a.at.toISOString(),
      })),
    };
  }

  app.get(
    '/api/performance/:year/year-end/review',
    {
      config: { access: ['HR', 'ADMIN', 'HEAD'] },
      schema: {
        tags: ['performance'],
        summary: 'The proposed results during HR review and head approval, with "why this grade"',
        params: YearParams,
        response: { 200: ResultsView, ...Errors },
      },
    },
    async (request) => {
      const { year } = request.params;
      const row = await yearRow(year);
      if (!row || row.aggregatedAt === null)
        throw new AppError(ErrorCode.WRONG_STAGE, `The year end of ${year} has not been aggregated yet`);
      return resultsOf(year, requireStaff(request));
    },
  );

  app.get(
    '/api/performance/:year/results',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'Year-end results once finalised (HR, head and admin see everyone; staff their own result)',
        params: YearParams,
        response: { 200: ResultsView, ...Errors },
      },
    },
    async (request) => {
      const { year } = request.params;
      const row = await yearRow(year);
      if (!row || row.triggeredAt === null)
        throw new AppError(ErrorCode.NOT_FOUND, `No year-end results for ${year}`);
      if (row.stage !== YearStage.FINALISED) {
        throw new AppError(
          ErrorCode.WRONG_STAGE,
          `The results of ${year} are not final yet (stage ${row.stage})`,
        );
      }
      return resultsOf(year, requireStaff(request));
    },
  );
};
