import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { competencyStandings, developmentNeeds } from '../../domain/development.ts';
import { capabilityItemsOf } from './capability.ts';
import { requireStaff } from '../plugins/auth.ts';
import { Errors, Year, developmentPlanContext, planInclude } from './development-shared.ts';

/**
 * Development by competency: a person's strengths and gaps on the 360° items against the ministry's means,
 * and the ministry's development needs per competency and unit.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const CompetencyProfile = Type.Object({
  year: Type.Integer(),
  /** The year of the 360° result shown: the latest up to `year`; null before the person has one. */
  evaluatedYear: Nullable(Type.Integer()),
  status: Type.Union([
    Type.Literal('AVAILABLE'),
    Type.Literal('NO_RESULT'),
    Type.Literal('BELOW_ANONYMITY_THRESHOLD'),
  ]),
  raterCount: Type.Integer(),
  anonymityThreshold: Nullable(Type.Integer()),
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      nameKo: Type.String(),
      nameEn: Type.String(),
      score: Nullable(Type.Number()),
      ministryMean: Nullable(Type.Number()),
      difference: Nullable(Type.Number()),
      standing: Nullable(
        Type.Union([Type.Literal('STRENGTH'), Type.Literal('GAP'), Type.Literal('TYPICAL')]),
      ),
      hasGoal: Type.Boolean(),
      plannedHours: Type.Number(),
      completedHours: Type.Number(),
    }),
  ),
});

export const developmentCompetencyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { loadPlan } = developmentPlanContext(app);

  app.get(
    '/api/development/:year/competency-profile/me',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['development'],
        summary:
          "The signed-in person's strengths and gaps on the 360° items (their latest evaluated year up to :year) against the ministry's means, next to their plan",
        params: Type.Object({ year: Year }),
        response: { 200: CompetencyProfile, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const result = await app.prisma.capabilityResult.findFirst({
        where: { subjectNo: staff.employeeNo, year: { lte: year } },
        orderBy: { year: 'desc' },
      });
      const plan = await loadPlan(year, staff.employeeNo);
      const evaluatedYear = result?.year ?? year;
      const parts = (result?.parts ?? {}) as { items?: Record<string, number>; anonymityThreshold?: number };
      const mine = parts.items ?? {};
      const ministry = Object.fromEntries(
        (
          await app.prisma.$queryRaw<{ code: string; mean: number }[]>`
            SELECT e.key AS code, avg(e.value::text::float8) AS mean
            FROM "CapabilityResult" r, jsonb_each(COALESCE(r.parts->'items', '{}'::jsonb)) e
            WHERE r.year = ${evaluatedYear} AND jsonb_typeof(e.value) = 'number'
            GROUP BY 1`
        ).map((row) => [row.code, Number(row.mean)]),
      );
      const status = !result
        ? ('NO_RESULT' as const)
        : Object.keys(mine).length === 0
          ? ('BELOW_ANONYMITY_THRESHOLD' as const)
          : ('AVAILABLE' as const);
      return {
        year,
        evaluatedYear: result ? result.year : null,
        status,
        raterCount: result?.raterCount ?? 0,
        anonymityThreshold: parts.anonymityThreshold ?? null,
        items: competencyStandings(
          await capabilityItemsOf(app.prisma, evaluatedYear),
          mine,
          ministry,
          plan ? { goals: plan.goals, activities: plan.activities } : null,
        ),
      };
    },
  );

  app.get(
    '/api/development/:year/needs',
    {
      config: { access: ['HR', 'HEAD', 'ADMIN'] },
      schema: {
        tags: ['development'],
        summary:
          'Development needs across the ministry: per competency, people and hours; per unit, plans and training',
        params: Type.Object({ year: Year }),
        response: {
          200: Type.Object({
            competencies: Type.Array(
              Type.Object({
                competencyCode: Type.String(),
                people: Type.Integer(),
                plannedHours: Type.Number(),
                completedHours: Type.Number(),
              }),
            ),
            units: Type.Array(
              Type.Object({
                unitCode: Type.String(),
                name: Type.String(),
                nameEn: Type.String(),
                people: Type.Integer(),
                plans: Type.Integer(),
                agreed: Type.Integer(),
                trainingHours: Type.Number(),
              }),
            ),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const { year } = request.params;
      const [plans, staff, units] = await Promise.all([
        app.prisma.developmentPlan.findMany({ where: { year }, include: planInclude }),
        app.prisma.staff.findMany({
          where: { deactivatedAt: null },
          select: { employeeNo: true, unitId: true },
        }),
        app.prisma.orgUnit.findMany({ orderBy: { code: 'asc' } }),
      ]);
      const unitOf = new Map(staff.map((s) => [s.employeeNo, s.unitId]));
      return {
        competencies: developmentNeeds(plans),
        units: units
          .map((unit) => {
            const mine = plans.filter((p) => unitOf.get(p.employeeNo) === unit.id);
            return {
              unitCode: unit.code,
              name: unit.nameKo,
              nameEn: unit.nameEn,
              people: staff.filter((s) => s.unitId === unit.id).length,
              plans: mine.length,
              agreed: mine.filter((p) => p.status === 'AGREED').length,
              trainingHours: mine
                .flatMap((p) => p.activities)
                .filter((a) => a.kind === 'TRAINING')
                .reduce((sum, a) => sum + (a.completedHours ?? 0), 0),
            };
          })
          .filter((unit) => unit.people > 0),
      };
    },
  );
};
