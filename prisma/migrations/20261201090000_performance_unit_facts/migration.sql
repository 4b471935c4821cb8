-- Running totals of each unit's own outcomes, kept by recordOutcomes in the statement that inserts the
-- outcomes (only rows the insert actually added count, so each outcome counts exactly once). Live KPI
-- recomputation reads these instead of rescanning every outcome of the year.
CREATE TABLE "PerformanceUnitFacts" (
    "year" INTEGER NOT NULL,
    "unitCode" TEXT NOT NULL,
    "outcomes" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "complaints" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "days_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sla_met" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sat_count" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sat_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "tasks" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "goal_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "time_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "task_mix_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "innovations" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "innovation_score_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PerformanceUnitFacts_pkey" PRIMARY KEY ("year","unitCode")
);

-- Totals of the outcomes already recorded (the same facts as OUTCOME_FACT_COLUMNS in
-- activities/performance-sql.ts).
INSERT INTO "PerformanceUnitFacts" ("year", "unitCode", "outcomes", "complaints", "days_sum", "sla_met",
  "sat_count", "sat_sum", "tasks", "goal_sum", "time_sum", "task_mix_sum", "innovations", "innovation_score_sum")
SELECT o.year, o."unitCode", count(*)::float8,
  count(*) FILTER (WHERE o.kind = 'complaint-closed' AND NOT COALESCE((o.payload->>'withdrawn')::boolean, false))::float8,
  COALESCE(sum((o.payload->>'businessDaysTaken')::float8) FILTER (WHERE o.kind = 'complaint-closed' AND NOT COALESCE((o.payload->>'withdrawn')::boolean, false)), 0),
  count(*) FILTER (WHERE o.kind = 'complaint-closed' AND NOT COALESCE((o.payload->>'withdrawn')::boolean, false) AND (o.payload->>'slaMet')::boolean)::float8,
  count(*) FILTER (WHERE o.kind = 'complaint-closed' AND NOT COALESCE((o.payload->>'withdrawn')::boolean, false) AND jsonb_typeof(o.payload->'satisfaction') = 'number')::float8,
  COALESCE(sum((o.payload->>'satisfaction')::float8) FILTER (WHERE o.kind = 'complaint-closed' AND NOT COALESCE((o.payload->>'withdrawn')::boolean, false) AND jsonb_typeof(o.payload->'satisfaction') = 'number'), 0),
  count(*) FILTER (WHERE o.kind = 'task-done')::float8,
  COALESCE(sum((o.payload->>'goalAchievement')::float8) FILTER (WHERE o.kind = 'task-done'), 0),
  COALESCE(sum((o.payload->>'timeliness')::float8) FILTER (WHERE o.kind = 'task-done'), 0),
  COALESCE(sum(((o.payload->>'goalAchievement')::float8 + (o.payload->>'timeliness')::float8
       + (o.payload->>'quality')::float8) / 3) FILTER (WHERE o.kind = 'task-done'), 0),
  count(*) FILTER (WHERE o.kind = 'innovation-scored')::float8,
  COALESCE(sum((o.payload->>'score')::float8) FILTER (WHERE o.kind = 'innovation-scored'), 0)
FROM "PerformanceOutcome" o
GROUP BY o.year, o."unitCode";
