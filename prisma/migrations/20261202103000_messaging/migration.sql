-- Outcomes are recorded by the closing case itself and applied to the unit totals by each year
-- performance workflow in batches (issue 13, "no hot fan-in"). Rows written before this migration, and
-- rows that recordOutcomes inserts and applies in one statement, count as applied (the default), and the
-- reporting activity writes NULL. An outcome that cannot be applied is parked with its error.
ALTER TABLE "PerformanceOutcome"
    ADD COLUMN "appliedAt" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN "parkedAt" TIMESTAMP(3),
    ADD COLUMN "parkError" TEXT;

CREATE INDEX "PerformanceOutcome_pending_idx" ON "PerformanceOutcome"(year, "recordedAt")
    WHERE "appliedAt" IS NULL AND "parkedAt" IS NULL;
CREATE INDEX "PerformanceOutcome_parked_idx" ON "PerformanceOutcome"(year, "parkedAt")
    WHERE "parkedAt" IS NOT NULL;
