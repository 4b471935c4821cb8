/**
 * Rules for editing a unit's strategy map (strategic objectives and KPIs). Pure: the API checks an edit
 * with these before it writes, and answers each problem as a 422 naming the field.
 */
import type { Scope } from './policy.ts';
import type { KpiDirection, LightThresholds, ScoringConfig } from './scoring.ts';

export const PERSPECTIVE_CODES = [
  'CUSTOMER',
  'WORK_PERFORMANCE',
  'PROCESS_INNOVATION',
  'LEARNING_GROWTH',
] as const;
export type PerspectiveCode = (typeof PERSPECTIVE_CODES)[number];

export const KPI_DIRECTIONS = ['HIGHER_IS_BETTER', 'LOWER_IS_BETTER'] as const;

/** Automatic sources are measured from recorded outcomes; MANUAL is entered by its owner and approved. */
export const KPI_SOURCES = [
  'COMPLAINTS_PROCESSING_DAYS',
  'COMPLAINTS_SLA_RATE',
  'COMPLAINTS_SATISFACTION',
  'TASKS_ACHIEVEMENT',
  'TASKS_TIMELINESS',
  'INNOVATION',
  'MANUAL',
  'TASKS_CUSTOMER_SATISFACTION',
  'TRAINING_HOURS_PER_PERSON',
] as const;
export type KpiSourceCode = (typeof KPI_SOURCES)[number];

/** Objective and KPI codes: letters, digits and hyphens, as the seed's `O-T11-C` and `K-T11-DAYS`. */
export const STRATEGY_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9-]{1,39}$';

export interface FieldProblem {
  /** JSON pointer into the request body, like the schema validator's `instancePath`. */
  readonly path: string;
  readonly message: string;
}

export interface KpiDefinition {
  readonly direction: KpiDirection;
  readonly target: number;
  readonly source: KpiSourceCode;
  readonly ownerNo: string | null;
  /** The KPI's own thresholds; a missing one falls back to the year's. */
  readonly thresholds: Partial<LightThresholds>;
}

/**
 * What the schema cannot say about a KPI: the thresholds in order (yellow <= green, green reachable under
 * the achievement cap), a zero target only where the scoring module gives it a meaning, an owner for a
 * manual KPI.
 */
export function kpiDefinitionProblems(
  kpi: KpiDefinition,
  config: Pick<ScoringConfig, 'lightThresholds' | 'achievementCap'>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const green = kpi.thresholds.green ?? config.lightThresholds.green;
  const yellow = kpi.thresholds.yellow ?? config.lightThresholds.yellow;
  if (yellow > green) {
    problems.push({
      path: '/thresholds',
      message: `thresholds must be ordered: yellow (${yellow}) must not be above green (${green})`,
    });
  }
  if (green > config.achievementCap) {
    problems.push({
      path: '/thresholds/green',
      message: `thresholds.green (${green}) is above the achievement cap (${config.achievementCap}): the KPI could never be green`,
    });
  }
  // kpiAchievement scores a zero target as met/not met. Lower-is-better "zero incidents" is meaningful;
  // higher-is-better with zero is met by any count, so the KPI could never turn yellow or red.
  if (kpi.target === 0 && kpi.direction === 'HIGHER_IS_BETTER') {
    problems.push({
      path: '/target',
      message:
        'target 0 is only allowed for a lower-is-better KPI (a higher-is-better KPI would always be met)',
    });
  }
  if (kpi.source === 'MANUAL' && !kpi.ownerNo) {
    problems.push({
      path: '/ownerNo',
      message: 'ownerNo is required for a MANUAL KPI: its owner enters the values',
    });
  }
  return problems;
}

/** The policy scope of a unit's strategy map (see Action.STRATEGY_MAP_EDIT). */
export function strategyMapScope(unit: { code: string; kind: string; parentCode: string | null }): Scope {
  if (unit.kind === 'TEAM') return { teamCode: unit.code, headquartersCode: unit.parentCode };
  if (unit.kind === 'HEADQUARTERS') return { headquartersCode: unit.code };
  return {};
}
