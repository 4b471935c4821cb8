-- The year end groups a year's outcome events by unit and person (activities/performance.ts ye_facts).
-- Taking the two columns as independent, the planner expected about 100,000 groups for 2,000 people and
-- sorted a million rows (payload included) to disk instead of hashing them (EXPLAIN ANALYZE, issue 16).
-- A person's outcomes name few units, which these statistics tell it.
CREATE STATISTICS IF NOT EXISTS "PerformanceOutcome_unit_employee_ndistinct" (ndistinct)
  ON "unitCode", "employeeNo" FROM "PerformanceOutcome";
ANALYZE "PerformanceOutcome";
