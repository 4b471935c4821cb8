/**
 * The set-based SQL of performance management. One scan of the year's outcome events produces summable
 * facts; KPI actuals, unit scores and individual scores are derived from those facts with the formulas of
 * domain/scoring.ts (kpiAchievement, weightedAverage roll-ups, individual/performance/final mixes),
 * restated in SQL so that year end never loops over rows in Node. test/integration/performance-sql.test.ts
 * checks these statements against domain/scoring.ts on the same data.
 */
import {
  PERSON_MIX_INPUTS,
  personInputShares,
  type TeamRole,
  type PersonMixInput,
  type ScoringConfig,
} from '../domain/scoring.ts';

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
const taskRated = `o.kind = 'task-rated'`;
const training = `o.kind = 'training-completed'`;

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
  sum((o.payload->>'score')::float8) FILTER (WHERE ${innovation}) AS innovation_score_sum,
  count(*) FILTER (WHERE ${taskRated})::float8 AS task_sat_count,
  sum((o.payload->>'satisfaction')::float8) FILTER (WHERE ${taskRated}) AS task_sat_sum,
  sum((o.payload->>'hours')::float8) FILTER (WHERE ${training}) AS training_hours`;

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
  'task_sat_count',
  'task_sat_sum',
  'training_hours',
] as const;

/** Re-sums facts of rows aliased `f`. */
export const SUM_FACTS = FACT_NAMES.map((name) => `sum(f.${name}) AS ${name}`).join(',\n  ');

/**
 * A CTE that adds the facts of the just-inserted outcome rows `inserted` (columns year, kind, "unitCode",
 * payload) to the running totals "PerformanceUnitFacts". Fed by INSERT … ON CONFLICT DO NOTHING RETURNING,
 * so an outcome already recorded adds nothing: exactly once by the outcome's primary key. Rows are upserted
 * in unit order, so two overlapping batches lock the totals in the same order and cannot deadlock on them.
 */
export function addToUnitFactsCte(name: string, inserted: string): string {
  const columns = FACT_NAMES.map((fact) => `"${fact}"`).join(', ');
  const values = FACT_NAMES.map((fact) => `COALESCE(f.${fact}, 0)`).join(', ');
  const adds = FACT_NAMES.map((fact) => `"${fact}" = t."${fact}" + excluded."${fact}"`).join(',\n      ');
  return `${name} AS (
    INSERT INTO "PerformanceUnitFacts" AS t (year, "unitCode", outcomes, ${columns})
    SELECT f.year, f.unit_code, f.outcomes, ${values}
    FROM (SELECT o.year, o."unitCode" AS unit_code, count(*)::float8 AS outcomes, ${OUTCOME_FACT_COLUMNS}
          FROM ${inserted} o GROUP BY 1, 2) f
    ORDER BY 1, 2
    ON CONFLICT (year, "unitCode") DO UPDATE SET outcomes = t.outcomes + excluded.outcomes,
      ${adds},
      "updatedAt" = now() AT TIME ZONE 'UTC'
  )`;
}

/** Active staff of the objective's unit `so` and the units below it (needs UNIT_TREE_CTE in scope). */
const UNIT_HEADCOUNT_SQL = `SELECT count(*) FROM "Staff" hs JOIN tree ht ON ht.unit_id = hs."unitId"
  WHERE ht.ancestor_id = so."unitId" AND hs."deactivatedAt" IS NULL`;

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
    WHEN 'TASKS_CUSTOMER_SATISFACTION' THEN f.task_sat_sum / NULLIF(f.task_sat_count, 0)
    WHEN 'TRAINING_HOURS_PER_PERSON' THEN f.training_hours / NULLIF((${UNIT_HEADCOUNT_SQL}), 0)
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
 * do not count; null when nothing counts. For the fixed mixes this is MISSING_INPUT_RULE of
 * domain/scoring.ts (the missing weight is re-spread over the parts present).
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

/**
 * personMix of domain/scoring.ts in SQL: CTEs `with_individual`, `with_performance` and `with_final` over a
 * relation `from` with columns team_role ('LEADER' | 'MEMBER'), team_score, leader_evaluation, system_score
 * and capability_result. `with_final` adds individual_score, performance_result, final_score and
 * `missing` (text[] in PERSON_MIX_INPUTS order), all under MISSING_INPUT_RULE; which inputs count comes
 * from personInputShares, so the TypeScript and SQL answers cannot drift apart on it.
 */
export function personMixCtes(
  scoring: Pick<ScoringConfig, 'individualMix' | 'performanceMix' | 'finalMix'>,
  from: string,
): string {
  const num = (value: number) => `(${Number(value)})::float8`;
  const byRole = (leader: number, member: number) =>
    `CASE WHEN team_role = 'LEADER' THEN ${num(leader)} ELSE ${num(member)} END`;
  const { individualMix: im, performanceMix: pm, finalMix: fm } = scoring;
  const individual = weightedMeanSql([
    ['leader_evaluation', num(im.leaderEvaluation)],
    ['system_score', num(im.systemScore)],
  ]);
  const performance = weightedMeanSql([
    ['team_score', byRole(pm.LEADER.team, pm.MEMBER.team)],
    ['individual_score', byRole(pm.LEADER.individual, pm.MEMBER.individual)],
  ]);
  const final = weightedMeanSql([
    ['performance_result', num(fm.performance)],
    ['capability_result', num(fm.capability)],
  ]);
  const leader = personInputShares('LEADER', scoring);
  const member = personInputShares('MEMBER', scoring);
  const column: Record<PersonMixInput, string> = {
    teamScore: 'team_score',
    leaderEvaluation: 'leader_evaluation',
    systemScore: 'system_score',
    capabilityResult: 'capability_result',
  };
  const missing = PERSON_MIX_INPUTS.map(
    (input) =>
      `CASE WHEN ${column[input]} IS NULL AND ${byRole(leader[input], member[input])} > 0 THEN '${input}' END`,
  ).join(',\n       ');
  // MATERIALIZED: each mix nests the one before it several times over (a weighted mean names each part in
  // its numerator, denominator and tests), so inlined CTEs made the final score an expression hundreds of
  // terms long per person; computed once per level it stays small (EXPLAIN ANALYZE of the year end, issue 16).
  return `with_individual AS MATERIALIZED (SELECT ${from}.*, ${individual} AS individual_score FROM ${from}),
     with_performance AS MATERIALIZED (
       SELECT with_individual.*, ${performance} AS performance_result FROM with_individual
     ),
     with_final AS MATERIALIZED (
       SELECT with_performance.*, ${final} AS final_score,
         array_remove(ARRAY[
       ${missing}
         ]::text[], NULL) AS missing
       FROM with_performance
     )`;
}

export function lightSql(score: string, green: string, yellow: string): string {
  return `CASE WHEN ${score} IS NULL THEN NULL WHEN ${score} >= ${green} THEN 'GREEN'
    WHEN ${score} >= ${yellow} THEN 'YELLOW' ELSE 'RED' END`;
}

/**
 * personDataGate of domain/scoring.ts in SQL, over a relation with team_role and the PERSON_MIX_INPUTS
 * columns (team_score, leader_evaluation, system_score, capability_result): the expressions measured_share
 * (percent of the final result's weight with a value), measured_inputs and data_sufficient.
 */
export function dataGateSql(
  scoring: Pick<ScoringConfig, 'individualMix' | 'performanceMix' | 'finalMix' | 'dataMinimum'>,
): { measuredShare: string; measuredInputs: string; sufficient: string } {
  const column: Record<PersonMixInput, string> = {
    teamScore: 'team_score',
    leaderEvaluation: 'leader_evaluation',
    systemScore: 'system_score',
    capabilityResult: 'capability_result',
  };
  const shares: Record<TeamRole, Record<PersonMixInput, number>> = {
    LEADER: personInputShares('LEADER', scoring),
    MEMBER: personInputShares('MEMBER', scoring),
  };
  const byRole = (input: PersonMixInput, scale: (share: number) => number) =>
    `CASE WHEN team_role = 'LEADER' THEN (${scale(shares.LEADER[input])})::float8 ` +
    `ELSE (${scale(shares.MEMBER[input])})::float8 END`;
  const present = (input: PersonMixInput) => `${column[input]} IS NOT NULL`;
  const measuredShare = PERSON_MIX_INPUTS.map(
    (input) => `CASE WHEN ${present(input)} THEN ${byRole(input, (share) => share * 100)} ELSE 0 END`,
  ).join(' + ');
  const measuredInputs = PERSON_MIX_INPUTS.map(
    (input) => `CASE WHEN ${present(input)} THEN ${byRole(input, (share) => (share > 0 ? 1 : 0))} ELSE 0 END`,
  ).join(' + ');
  const { measuredSharePercent, measuredInputs: minInputs } = scoring.dataMinimum;
  return {
    measuredShare: `(${measuredShare})`,
    measuredInputs: `(${measuredInputs})::int`,
    sufficient: `((${measuredShare}) + 1e-9 >= (${Number(measuredSharePercent)})::float8
      AND (${measuredInputs}) >= ${Number(minInputs)})`,
  };
}
