-- No data, no grade, unit data share, 360° items and comments, leader evaluation history, two-person HEAD role changes
ALTER TABLE "YearEndPersonResult"
  ADD COLUMN "measuredShare" DOUBLE PRECISION,
  ADD COLUMN "measuredInputs" INTEGER,
  ADD COLUMN "dataSufficient" BOOLEAN NOT NULL DEFAULT true,
  ADD COLUMN "dataDecision" TEXT,
  ADD COLUMN "dataDecisionGrade" TEXT,
  ADD COLUMN "dataDecisionReason" TEXT,
  ADD COLUMN "dataDecisionBy" TEXT,
  ADD COLUMN "dataDecisionAt" TIMESTAMP(3);

ALTER TABLE "YearEndUnitResult"
  ADD COLUMN "measuredKpiShare" DOUBLE PRECISION,
  ADD COLUMN "insufficientData" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "CapabilityRating"
  ADD COLUMN "itemScores" JSONB,
  ADD COLUMN "comment" TEXT;

CREATE TABLE "LeaderEvaluationRevision" (
    "id" SERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "subjectNo" TEXT NOT NULL,
    "evaluatorNo" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "comment" TEXT,
    "previousScore" DOUBLE PRECISION,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LeaderEvaluationRevision_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "LeaderEvaluationRevision_year_subjectNo_idx" ON "LeaderEvaluationRevision"("year", "subjectNo");

CREATE TABLE "HeadRoleChange" (
    "id" SERIAL NOT NULL,
    "subjectNo" TEXT NOT NULL,
    "fromRole" TEXT NOT NULL,
    "toRole" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "reason" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "HeadRoleChange_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "HeadRoleChange_status_idx" ON "HeadRoleChange"("status");

CREATE TABLE "CapabilityItem" (
    "year" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "nameKo" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "descriptionKo" TEXT NOT NULL,
    "descriptionEn" TEXT NOT NULL,
    CONSTRAINT "CapabilityItem_pkey" PRIMARY KEY ("year", "code")
);

CREATE TABLE "CapabilityCycle" (
    "id" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "stage" TEXT NOT NULL DEFAULT 'OPEN',
    "deadline" TIMESTAMP(3) NOT NULL,
    "anonymityThreshold" INTEGER NOT NULL,
    "startedBy" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedBy" TEXT,
    "closedAt" TIMESTAMP(3),
    CONSTRAINT "CapabilityCycle_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CapabilityCycle_year_key" ON "CapabilityCycle"("year");
