/**
 * The set-based SQL of performance management. One scan of the year's outcome events produces summable
 * facts; KPI actuals, unit scores and individual scores are derived from those facts with the formulas of
 * domain/scoring.ts (kpiAchievement, weightedAverage roll-ups, individual/performance/final mixes),
 * restated in SQL so that year end never loops over rows in Node. test/integration/performance-year-end
 * checks these statements against domain/scoring.ts on the same data.
 */

/** Every (unit, ancestor) pair including (unit, unit): a unit's figures include those of the units below. */
export const UNIT_TREE_CTE = `tree(unit_id, ancestor_id) AS (
  SELECT id, id FROM "OrgUnit"
  UNION ALL
  SELECT t.unit_id, u."parentId" FROM tree t JOIN "OrgUnit" u ON u.id = t.ancestor_id WHERE u."parentId" IS NOT NULL
)`;

const closedComplaint = `o.kind = 'complaint-closed' AND NOT COALESCE((o.payload->>'withdrawn')::boolean, false)`;
const rated = `${closedComplaint} AND jsonb_typeof(o.payload->'satisfaction') = 'number'`;
const taskDone = `o.kind = 'task-done'`;
const innovation = `o.kind = 'innovation-scored'`;

/** Summable facts over outcome rows aliased `o`; sums of sums are again facts. */
export const OUTCOME_FACT_COLUMNS = `
  count(*) FILTER (WHERE ${closedComplaint})::float8 AS complaints,
  sum((o.payload->>'businessDaysTaken')::float8) FILTER (WHERE ${closedComplaint}) AS days_sum,
  count(*) FILTER (WHERE ${closedComplaint} AND (o.payload->>'slaMet')::boolean)::float8 AS sla_met,
  count(*) FILTER (WHERE ${rated})::float8 AS sat_count,
  sum((o.payload->>'satisfaction')::float8) FILTER (WHERE ${rated}) AS sat_sum,
  count(*) FILTER (WHERE ${taskDone})::float8 AS tasks,
  sum((o.payload->>'goalAchievement')::float8) FILTER (WHERE ${taskDone}) AS goal_sum,
  sum((o.payload->>'timeliness')::float8) FILTER (WHERE ${taskDone}) AS time_sum,
  sum(((o.payload->>'goalAchievement')::float8 + (o.payload->>'timeliness')::float8
       + (o.payload->>'quality')::float8) / 3) FILTER (WHERE ${taskDone}) AS task_mix_sum,
  count(*) FILTER (WHERE ${innovation})::float8 AS innovations,
  sum((o.payload->>'score')::float8) FILTER (WHERE ${innovation}) AS innovation_score_sum`;

export const FACT_NAMES = [
  'complaints',
  'days_sum',
  'sla_met',
  'sat_count',
  'sat_sum',
  'tasks',
  'goal_sum',
  'time_sum',
  'task_mix_sum',
  'innovations',
  'innovation_score_sum',
] as const;

/** Re-sums facts of rows aliased `f`. */
export const SUM_FACTS = FACT_NAMES.map((name) => `sum(f.${name}) AS ${name}`).join(',\n  ');

/**
 * A KPI's actual from its unit's facts `f` (k = "Kpi"). Manual KPIs keep their approved value. A count KPI
 * (innovation) has no value until the first event during the year (`countWhenEmpty = false`), but counts
 * zero at year end.
 */
export function kpiActualSql(countWhenEmpty: boolean): string {
  return `CASE k.source::text
    WHEN 'COMPLAINTS_PROCESSING_DAYS' THEN f.days_sum / NULLIF(f.complaints, 0)
    WHEN 'COMPLAINTS_SLA_RATE' THEN 100.0 * f.sla_met / NULLIF(f.complaints, 0)
    WHEN 'COMPLAINTS_SATISFACTION' THEN f.sat_sum / NULLIF(f.sat_count, 0)
    WHEN 'TASKS_ACHIEVEMENT' THEN f.goal_sum / NULLIF(f.tasks, 0)
    WHEN 'TASKS_TIMELINESS' THEN f.time_sum / NULLIF(f.tasks, 0)
    WHEN 'INNOVATION' THEN ${countWhenEmpty ? 'COALESCE(f.innovations, 0)' : 'NULLIF(f.innovations, 0)'}
    ELSE k.actual END`;
}

/** kpiAchievement in SQL over columns actual, target, direction; `cap` is a SQL expression. */
export function achievementSql(cap: string): string {
  return `CASE
    WHEN actual IS NULL THEN NULL
    WHEN target <= 0 THEN CASE WHEN (direction = 'HIGHER_IS_BETTER' AND actual >= target)
                                 OR (direction = 'LOWER_IS_BETTER' AND actual <= target)
                               THEN LEAST(100, ${cap}) ELSE 0 END
    WHEN direction = 'HIGHER_IS_BETTER' THEN GREATEST(0, LEAST(${cap}, actual * 100 / target))
    WHEN actual <= 0 THEN ${cap}
    ELSE GREATEST(0, LEAST(${cap}, target * 100 / actual)) END`;
}

/**
 * weightedAverage over a fixed list of parts: parts without a value or with a weight that is not positive
 * do not count; null when nothing counts.
 */
export function weightedMeanSql(parts: readonly (readonly [value: string, weight: string])[]): string {
  const counted = (value: string, weight: string) => `(${value}) IS NOT NULL AND (${weight}) > 0`;
  const numerator = parts
    .map(([value, weight]) => `CASE WHEN ${counted(value, weight)} THEN (${weight}) * (${value}) ELSE 0 END`)
    .join(' + ');
  const denominator = parts
    .map(([value, weight]) => `CASE WHEN ${counted(value, weight)} THEN (${weight}) ELSE 0 END`)
    .join(' + ');
  return `((${numerator}) / NULLIF(${denominator}, 0))`;
}

/** Weighted average aggregate over rows: sum(w·v)/sum(w) of rows with a value and a positive weight. */
export function weightedAggSql(value: string, weight: string): string {
  const filter = `FILTER (WHERE (${value}) IS NOT NULL AND (${weight}) > 0)`;
  return `(sum((${weight}) * (${value})) ${filter} / NULLIF(sum(${weight}) ${filter}, 0))`;
}

export function lightSql(score: string, green: string, yellow: string): string {
  return `CASE WHEN ${score} IS NULL THEN NULL WHEN ${score} >= ${green} THEN 'GREEN'
    WHEN ${score} >= ${yellow} THEN 'YELLOW' ELSE 'RED' END`;
}
