import type { KpiDirection, Prisma } from '@prisma/client';
import { defaultBaseAmounts, type PerformanceYearConfig } from '../domain/performance.ts';
import { resolveScoringConfig, type KpiInput, type ScoringConfig } from '../domain/scoring.ts';
import type { Db } from '../platform/prisma.ts';

/** A performance year's configuration as the API and the activities read it. */

export interface YearConfig {
  scoring: ScoringConfig;
  baseAmounts: Record<string, number>;
}

/** A stored KPI row as the scoring module reads it (its own thresholds, where set, override the year's). */
export function kpiScoringInput(kpi: {
  direction: KpiDirection;
  target: number;
  actual: number | null;
  greenAt: number | null;
  yellowAt: number | null;
}): Pick<KpiInput, 'direction' | 'target' | 'actual' | 'thresholds'> {
  return {
    direction: kpi.direction,
    target: kpi.target,
    actual: kpi.actual,
    thresholds: { green: kpi.greenAt ?? undefined, yellow: kpi.yellowAt ?? undefined },
  };
}

/** The year's config: stored overrides laid over the defaults. */
export async function loadYearConfig(db: Db | Prisma.TransactionClient, year: number): Promise<YearConfig> {
  const row = await db.performanceYear.findUnique({ where: { year }, select: { config: true } });
  const stored = (row?.config ?? {}) as Partial<PerformanceYearConfig>;
  return {
    scoring: resolveScoringConfig(stored.scoring ?? {}),
    baseAmounts: { ...defaultBaseAmounts, ...stored.baseAmounts },
  };
}
