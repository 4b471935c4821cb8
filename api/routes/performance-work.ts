import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorBody } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { Num, YearParams, mayDecideKpiEntry } from './performance-shared.ts';

/**
 * Read models for the portal's performance work screens: what a leader has to evaluate and which manual
 * KPI values wait for whom. The writes are in performance-evaluations.ts and performance-kpi-entries.ts;
 * who may decide an entry is its rule, mayDecideKpiEntry.
 */

const Errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };

const MemberEvaluation = Type.Object({
  employeeNo: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  role: Type.String(),
  payGrade: Type.String(),
  evaluation: Type.Union([
    Type.Object({
      score: Type.Number(),
      comment: Type.Union([Type.String(), Type.Null()]),
      evaluatorNo: Type.String(),
      at: Type.String({ format: 'date-time' }),
    }),
    Type.Null(),
  ]),
});

const EntryView = Type.Object({
  id: Type.Integer(),
  kpiCode: Type.String(),
  kpiName: Type.String(),
  kpiNameEn: Type.String(),
  unitCode: Type.String(),
  unitLabel: Type.String(),
  target: Type.Number(),
  value: Type.Number(),
  note: Type.Union([Type.String(), Type.Null()]),
  submittedBy: Type.String(),
  submittedAt: Type.String({ format: 'date-time' }),
  status: Type.String(),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  opinion: Type.Union([Type.String(), Type.Null()]),
});

const ManualKpi = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  unitCode: Type.String(),
  unitLabel: Type.String(),
  direction: Type.String(),
  target: Type.Number(),
  value: Num,
  light: Type.Union([Type.String(), Type.Null()]),
});

export const performanceWorkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/performance/:year/evaluations/leader',
    {
      config: { access: ['TEAM_LEADER', 'DIRECTOR', 'HEAD'] },
      schema: {
        tags: ['performance'],
        summary: "The members the signed-in unit head evaluates, each with this year's evaluation so far",
        params: YearParams,
        response: { 200: Type.Object({ members: Type.Array(MemberEvaluation) }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const members = await app.prisma.staff.findMany({
        where: { unit: { code: staff.unitCode }, employeeNo: { not: staff.employeeNo } },
        orderBy: { employeeNo: 'asc' },
      });
      const evaluations = await app.prisma.leaderEvaluation.findMany({
        where: { year, subjectNo: { in: members.map((m) => m.employeeNo) } },
      });
      const evaluationOf = new Map(evaluations.map((e) => [e.subjectNo, e]));
      return {
        members: members.map((m) => {
          const evaluation = evaluationOf.get(m.employeeNo);
          return {
            employeeNo: m.employeeNo,
            name: m.nameKo,
            nameEn: m.nameEn,
            role: m.role,
            payGrade: m.payGrade,
            evaluation: evaluation
              ? {
                  score: evaluation.score,
                  comment: evaluation.comment,
                  evaluatorNo: evaluation.evaluatorNo,
                  at: evaluation.at.toISOString(),
                }
              : null,
          };
        }),
      };
    },
  );

  app.get(
    '/api/performance/:year/kpi-entries',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary:
          'Manual KPIs the signed-in person enters, their entries, and the pending entries they may decide',
        params: YearParams,
        response: {
          200: Type.Object({
            ownKpis: Type.Array(ManualKpi),
            mine: Type.Array(EntryView),
            toDecide: Type.Array(EntryView),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const kpis = await app.prisma.kpi.findMany({
        where: { year, source: 'MANUAL' },
        include: { objective: { include: { unit: { include: { parent: true } } } } },
        orderBy: { code: 'asc' },
      });
      const kpiOf = new Map(kpis.map((k) => [k.code, k]));
      const mayDecide = (kpiCode: string) => {
        const unit = kpiOf.get(kpiCode)?.objective.unit;
        return unit !== undefined && mayDecideKpiEntry(staff, unit);
      };
      const entries = await app.prisma.kpiManualEntry.findMany({
        where: {
          year,
          OR: [
            { submittedBy: staff.employeeNo },
            { status: 'PENDING', submittedBy: { not: staff.employeeNo } },
          ],
        },
        orderBy: { id: 'desc' },
        take: 500,
      });
      const view = (entry: (typeof entries)[number]) => {
        const kpi = kpiOf.get(entry.kpiCode);
        return {
          id: entry.id,
          kpiCode: entry.kpiCode,
          kpiName: kpi?.nameKo ?? entry.kpiCode,
          kpiNameEn: kpi?.nameEn ?? entry.kpiCode,
          unitCode: kpi?.objective.unit.code ?? '',
          unitLabel: kpi?.unitLabel ?? '',
          target: kpi?.target ?? 0,
          value: entry.value,
          note: entry.note,
          submittedBy: entry.submittedBy,
          submittedAt: entry.submittedAt.toISOString(),
          status: entry.status,
          decidedBy: entry.decidedBy,
          decidedAt: entry.decidedAt?.toISOString() ?? null,
          opinion: entry.opinion,
        };
      };
      return {
        ownKpis: kpis
          .filter((k) => k.ownerNo === staff.employeeNo)
          .map((k) => ({
            code: k.code,
            name: k.nameKo,
            nameEn: k.nameEn,
            unitCode: k.objective.unit.code,
            unitLabel: k.unitLabel,
            direction: k.direction,
            target: k.target,
            value: k.actual,
            light: k.light,
          })),
        mine: entries.filter((e) => e.submittedBy === staff.employeeNo).map(view),
        toDecide: entries
          .filter((e) => e.submittedBy !== staff.employeeNo && e.status === 'PENDING' && mayDecide(e.kpiCode))
          .map(view),
      };
    },
  );
};
