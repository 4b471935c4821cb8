import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toKstDateString } from '../../domain/business-calendar.ts';

const Figures = Type.Object({
  closed: Type.Integer(),
  averageBusinessDays: Type.Union([Type.Number(), Type.Null()]),
  averageSatisfaction: Type.Union([Type.Number(), Type.Null()]),
  slaMetRate: Type.Union([Type.Number(), Type.Null()]),
});

interface Row {
  unitCode: string | null;
  closed: bigint;
  averageBusinessDays: number | null;
  averageSatisfaction: number | null;
  slaMetRate: number | null;
}

const round = (value: number | null, digits = 2) => (value === null ? null : Number(value.toFixed(digits)));

/**
 * Live complaint figures from the outcomes the performance workflow recorded (exactly once each):
 * average processing time in business days, satisfaction and the share answered within the SLA.
 */
export const complaintStatsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/stats/complaints',
    {
      config: { access: 'public' },
      schema: {
        tags: ['complaints'],
        summary: 'Average processing days, satisfaction and SLA rate per team and overall for a year',
        querystring: Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) }),
        response: {
          200: Type.Object({
            year: Type.Integer(),
            overall: Figures,
            teams: Type.Array(
              Type.Intersect([Type.Object({ team: Type.String(), teamName: Type.String() }), Figures]),
            ),
          }),
        },
      },
    },
    async (request) => {
      const year = request.query.year ?? Number(toKstDateString(new Date()).slice(0, 4));
      const rows = await app.prisma.$queryRaw<Row[]>`
        SELECT "unitCode",
               COUNT(*) AS closed,
               AVG((payload->>'businessDaysTaken')::float8) AS "averageBusinessDays",
               AVG((payload->>'satisfaction')::float8) AS "averageSatisfaction",
               AVG(CASE WHEN (payload->>'slaMet')::boolean THEN 1.0 ELSE 0.0 END)::float8 AS "slaMetRate"
        FROM "PerformanceOutcome"
        WHERE year = ${year} AND kind = 'complaint-closed' AND "parkedAt" IS NULL AND NOT COALESCE((payload->>'withdrawn')::boolean, false)
        GROUP BY ROLLUP ("unitCode")`;
      const units = await app.prisma.orgUnit.findMany({ where: { kind: 'TEAM' } });
      const nameOf = new Map(units.map((u) => [u.code, u.nameKo]));
      const figures = (row: Row | undefined) => ({
        closed: Number(row?.closed ?? 0),
        averageBusinessDays: round(row?.averageBusinessDays ?? null),
        averageSatisfaction: round(row?.averageSatisfaction ?? null),
        slaMetRate: round(row?.slaMetRate ?? null, 4),
      });
      return {
        year,
        overall: figures(rows.find((r) => r.unitCode === null)),
        teams: rows
          .filter((r) => r.unitCode !== null)
          .map((r) => ({
            team: r.unitCode!,
            teamName: nameOf.get(r.unitCode!) ?? r.unitCode!,
            ...figures(r),
          }))
          .sort((a, b) => a.team.localeCompare(b.team)),
      };
    },
  );
};
