import type { Kpi, Perspective as DbPerspective } from '@prisma/client';
import { kpiScoringInput, loadYearConfig } from './year-config.ts';
import { evaluateScorecard, type Perspective, type ScorecardInput } from '../domain/scoring.ts';
import type { Db } from '../platform/prisma.ts';

/**
 * The scorecard read model: what the scorecard page, the monthly briefing (on demand and on its schedule)
 * and the briefing mails show of a unit. One function, so the briefing's figures are the page's figures.
 */

export const PERSPECTIVE_OF: Record<DbPerspective, Perspective> = {
  CUSTOMER: 'customer',
  WORK_PERFORMANCE: 'workPerformance',
  PROCESS_INNOVATION: 'processInnovation',
  LEARNING_GROWTH: 'learningGrowth',
};

/** What defines a KPI, as the scorecard and the map editor both show it. */
export const kpiDefinitionView = (row: Kpi) => ({
  code: row.code,
  name: row.nameKo,
  nameEn: row.nameEn,
  unitLabel: row.unitLabel,
  direction: row.direction,
  source: row.source,
  ownerNo: row.ownerNo,
  weight: row.weight,
  target: row.target,
});

export type Scorecard = NonNullable<Awaited<ReturnType<typeof buildScorecard>>>;
export type ScorecardLookup = { scorecard: Scorecard } | { missing: string };

/** A unit's scorecard of a year, or why there is none (no such unit, no objectives that year). */
export async function loadScorecard(db: Db, year: number, unitCode: string): Promise<ScorecardLookup> {
  const unit = await db.orgUnit.findUnique({ where: { code: unitCode } });
  if (!unit) return { missing: `No unit ${unitCode}` };
  const scorecard = await buildScorecard(db, year, unit);
  return scorecard ? { scorecard } : { missing: `No scorecard for ${unitCode} in ${year}` };
}

async function buildScorecard(
  db: Db,
  year: number,
  unit: { id: number; code: string; nameKo: string; nameEn: string; kind: string },
) {
  const objectives = await db.strategicObjective.findMany({
    where: { year, unitId: unit.id },
    include: { kpis: { orderBy: { code: 'asc' } } },
    orderBy: { code: 'asc' },
  });
  if (objectives.length === 0) return null;
  const { scoring } = await loadYearConfig(db, year);
  const input: ScorecardInput = {};
  for (const objective of objectives) {
    const perspective = PERSPECTIVE_OF[objective.perspective];
    input[perspective] = [
      ...(input[perspective] ?? []),
      {
        code: objective.code,
        weight: objective.weight,
        kpis: objective.kpis.map((kpi) => ({ code: kpi.code, weight: kpi.weight, ...kpiScoringInput(kpi) })),
      },
    ];
  }
  const card = evaluateScorecard(input, scoring);
  const objectiveRow = new Map(objectives.map((o) => [o.code, o]));
  const kpiRow = new Map(objectives.flatMap((o) => o.kpis).map((k) => [k.code, k]));
  return {
    year,
    unit: { code: unit.code, name: unit.nameKo, nameEn: unit.nameEn, kind: unit.kind },
    score: card.score,
    light: card.light,
    measuredKpiShare: card.measuredKpiShare,
    insufficientData: card.insufficientData,
    perspectives: card.perspectives.map((p) => ({
      perspective: p.perspective,
      weight: p.weight,
      score: p.score,
      light: p.light,
      objectives: p.objectives.map((o) => {
        const row = objectiveRow.get(o.code)!;
        return {
          code: o.code,
          name: row.nameKo,
          nameEn: row.nameEn,
          weight: o.weight,
          ownerNo: row.ownerNo,
          parentCode: row.parentCode,
          score: o.score,
          light: o.light,
          kpis: o.kpis.map((k) => {
            const kpi = kpiRow.get(k.code)!;
            return {
              ...kpiDefinitionView(kpi),
              thresholds: {
                green: kpi.greenAt ?? scoring.lightThresholds.green,
                yellow: kpi.yellowAt ?? scoring.lightThresholds.yellow,
              },
              value: k.actual,
              achievement: k.achievement,
              light: k.light,
            };
          }),
        };
      }),
    })),
    config: {
      perspectiveWeights: { ...scoring.perspectiveWeights },
      lightThresholds: { ...scoring.lightThresholds },
      achievementCap: scoring.achievementCap,
    },
  };
}
