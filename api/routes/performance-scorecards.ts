import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  PerformanceUnitView,
  ScorecardView,
  StrategyItem,
  StrategyMapView,
} from '../../contracts/performance.ts';
import { loadScorecard } from '../../data/scorecard.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { MIN_REASON_LENGTH } from '../../domain/performance.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { performanceYearContext } from './performance-context.ts';
import {
  Errors,
  Year,
  YearParams,
  assertMayEditStrategyMap,
  mapObjectiveView,
} from './performance-shared.ts';
import { strategyMapKpiRoutes } from './strategy-map-kpis.ts';
import { strategyMapObjectiveRoutes } from './strategy-map-objectives.ts';

/** Scorecards and strategy maps: the units with a scorecard, a unit's scorecard, reading and editing its map. */

export const performanceScorecardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { assertYearOpen, signalKpiChanged } = performanceYearContext(app);

  async function unitOr404(code: string) {
    const unit = await app.prisma.orgUnit.findUnique({
      where: { code },
      include: { parent: true, children: true },
    });
    if (!unit) throw new AppError(ErrorCode.NOT_FOUND, `No unit ${code}`);
    return unit;
  }

  await app.register(strategyMapObjectiveRoutes);
  await app.register(strategyMapKpiRoutes, { signalKpiChanged });

  app.get(
    '/api/performance/:year/units',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'The units that have a scorecard in the year, by name (ministry, headquarters, teams)',
        params: YearParams,
        response: {
          200: Type.Array(PerformanceUnitView),
          ...Errors,
        },
      },
    },
    async (request) => {
      const units = await app.prisma.orgUnit.findMany({
        where: { objectives: { some: { year: request.params.year } } },
        include: { parent: { select: { code: true } } },
      });
      const order = { MINISTRY: 0, HEADQUARTERS: 1, TEAM: 2 } as Record<string, number>;
      return units
        .sort((a, b) => (order[a.kind] ?? 3) - (order[b.kind] ?? 3) || a.code.localeCompare(b.code))
        .map((unit) => ({
          code: unit.code,
          name: unit.nameKo,
          nameEn: unit.nameEn,
          kind: unit.kind,
          parentCode: unit.parent?.code ?? null,
        }));
    },
  );

  app.get(
    '/api/performance/:year/scorecards/:unitCode',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: "A unit's scorecard: perspectives, objectives, KPIs with value, achievement and light",
        params: Type.Object({ year: Year, unitCode: Type.String({ maxLength: 20 }) }),
        response: { 200: ScorecardView, ...Errors },
      },
    },
    async (request) => scorecardOf(request.params.year, request.params.unitCode),
  );

  /** A unit's scorecard as the page and the monthly briefing show it (reports/scorecard.ts). */
  async function scorecardOf(year: number, unitCode: string) {
    const found = await loadScorecard(app.prisma, year, unitCode);
    if ('missing' in found) throw new AppError(ErrorCode.NOT_FOUND, found.missing);
    return found.scorecard;
  }

  app.get(
    '/api/performance/:year/strategy-maps/:unitCode',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'Strategy map: mission, vision, strategies and strategic objectives, with the cascade',
        params: Type.Object({ year: Year, unitCode: Type.String({ maxLength: 20 }) }),
        response: { 200: StrategyMapView, ...Errors },
      },
    },
    async (request) => {
      const { year, unitCode } = request.params;
      const unit = await unitOr404(unitCode);
      const map = await app.prisma.strategyMap.findUnique({
        where: { year_unitId: { year, unitId: unit.id } },
      });
      if (!map) throw new AppError(ErrorCode.NOT_FOUND, `No strategy map for ${unitCode} in ${year}`);
      const objectives = await app.prisma.strategicObjective.findMany({
        where: { year, unitId: unit.id },
        include: { kpis: { select: { code: true }, orderBy: { code: 'asc' } } },
        orderBy: { code: 'asc' },
      });
      return {
        year,
        unit: { code: unit.code, name: unit.nameKo, nameEn: unit.nameEn, kind: unit.kind },
        parentCode: unit.parent?.code ?? null,
        childCodes: unit.children.map((child) => child.code).sort(),
        mission: { ko: map.missionKo, en: map.missionEn },
        vision: { ko: map.visionKo, en: map.visionEn },
        strategies: map.strategies as { code: string; nameKo: string; nameEn: string }[],
        objectives: objectives.map(mapObjectiveView),
      };
    },
  );

  app.put(
    '/api/performance/:year/strategy-maps/:unitCode',
    {
      config: { access: ['HR', 'ADMIN', 'HEAD', 'DIRECTOR', 'TEAM_LEADER'] },
      schema: {
        tags: ['performance'],
        summary:
          "Edit a unit's mission, vision and strategies (HR, admin, the head, or the unit's leader or director); audited",
        params: Type.Object({ year: Year, unitCode: Type.String({ maxLength: 20 }) }),
        body: Type.Object(
          {
            mission: Type.Object({
              ko: Type.String({ minLength: 2, maxLength: 500 }),
              en: Type.String({ minLength: 2, maxLength: 500 }),
            }),
            vision: Type.Object({
              ko: Type.String({ minLength: 2, maxLength: 500 }),
              en: Type.String({ minLength: 2, maxLength: 500 }),
            }),
            strategies: Type.Array(StrategyItem, { maxItems: 20 }),
            reason: Type.String({ minLength: MIN_REASON_LENGTH, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, unitCode } = request.params;
      const unit = await unitOr404(unitCode);
      assertMayEditStrategyMap(staff, unit);
      await assertYearOpen(year);
      const { mission, vision, strategies, reason } = request.body;
      await app.prisma.$transaction(async (tx) => {
        const before = await tx.strategyMap.findUnique({ where: { year_unitId: { year, unitId: unit.id } } });
        const data = {
          missionKo: mission.ko,
          missionEn: mission.en,
          visionKo: vision.ko,
          visionEn: vision.en,
          strategies,
        };
        await tx.strategyMap.upsert({
          where: { year_unitId: { year, unitId: unit.id } },
          create: { year, unitId: unit.id, ...data },
          update: data,
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'performance.strategy-map.edited',
          subject: `strategy-map:${year}:${unitCode}`,
          before: before
            ? { missionKo: before.missionKo, visionKo: before.visionKo, strategies: before.strategies }
            : null,
          after: { missionKo: mission.ko, visionKo: vision.ko, strategies },
          reason,
        });
      });
      return { ok: true };
    },
  );
};
