-- Performance year end, evaluations and innovation (issue 5)

CREATE TABLE "PerformanceYear" (
    "year" INTEGER NOT NULL,
    "stage" TEXT NOT NULL DEFAULT 'OPEN',
    "config" JSONB NOT NULL DEFAULT '{}',
    "triggeredAt" TIMESTAMP(3),
    "triggeredBy" TEXT,
    "aggregatedAt" TIMESTAMP(3),
    "submittedAt" TIMESTAMP(3),
    "decidedAt" TIMESTAMP(3),
    "headOpinion" TEXT,
    "finalisedAt" TIMESTAMP(3),
    "lockedAt" TIMESTAMP(3),
    "lastDecisionKey" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PerformanceYear_pkey" PRIMARY KEY ("year")
);

CREATE TABLE "YearEndUnitResult" (
    "year" INTEGER NOT NULL,
    "unitCode" TEXT NOT NULL,
    "unitKind" TEXT NOT NULL,
    "score" DOUBLE PRECISION,
    "perspectiveScores" JSONB NOT NULL,
    "light" TEXT,

    CONSTRAINT "YearEndUnitResult_pkey" PRIMARY KEY ("year","unitCode")
);

CREATE TABLE "YearEndPersonResult" (
    "year" INTEGER NOT NULL,
    "employeeNo" TEXT NOT NULL,
    "staffId" INTEGER NOT NULL,
    "unitCode" TEXT NOT NULL,
    "teamRole" TEXT NOT NULL,
    "payGrade" TEXT NOT NULL,
    "teamScore" DOUBLE PRECISION,
    "leaderEvaluation" DOUBLE PRECISION,
    "systemScore" DOUBLE PRECISION,
    "individualScore" DOUBLE PRECISION,
    "performanceResult" DOUBLE PRECISION,
    "capabilityResult" DOUBLE PRECISION,
    "computedFinalScore" DOUBLE PRECISION,
    "finalScore" DOUBLE PRECISION,
    "adjusted" BOOLEAN NOT NULL DEFAULT false,
    "rank" INTEGER,
    "groupSize" INTEGER,
    "grade" TEXT,
    "baseAmount" DOUBLE PRECISION,
    "payout" DOUBLE PRECISION,
    "promotionCandidate" BOOLEAN NOT NULL DEFAULT false,
    "why" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "YearEndPersonResult_pkey" PRIMARY KEY ("year","employeeNo")
);

CREATE TABLE "YearEndAdjustment" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "employeeNo" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "before" DOUBLE PRECISION,
    "after" DOUBLE PRECISION NOT NULL,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "YearEndAdjustment_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "LeaderEvaluation" (
    "year" INTEGER NOT NULL,
    "subjectNo" TEXT NOT NULL,
    "evaluatorNo" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "comment" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeaderEvaluation_pkey" PRIMARY KEY ("year","subjectNo")
);

CREATE TABLE "CapabilityRating" (
    "cycleId" TEXT NOT NULL,
    "subjectNo" TEXT NOT NULL,
    "raterNo" TEXT NOT NULL,
    "raterGroup" TEXT NOT NULL,
    "score" DOUBLE PRECISION,
    "invitedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "remindedAt" TIMESTAMP(3),
    "submittedAt" TIMESTAMP(3),

    CONSTRAINT "CapabilityRating_pkey" PRIMARY KEY ("cycleId","subjectNo","raterNo")
);

CREATE TABLE "CapabilityResult" (
    "year" INTEGER NOT NULL,
    "subjectNo" TEXT NOT NULL,
    "cycleId" TEXT NOT NULL,
    "score" DOUBLE PRECISION,
    "rule" TEXT NOT NULL,
    "parts" JSONB NOT NULL,
    "raterCount" INTEGER NOT NULL,

    CONSTRAINT "CapabilityResult_pkey" PRIMARY KEY ("year","subjectNo")
);

CREATE TABLE "KpiManualEntry" (
    "id" SERIAL NOT NULL,
    "kpiCode" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "note" TEXT,
    "submittedBy" TEXT NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "opinion" TEXT,

    CONSTRAINT "KpiManualEntry_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "InnovationActivity" (
    "id" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "unitCode" TEXT NOT NULL,
    "proposerNo" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "stage" TEXT NOT NULL DEFAULT 'PROPOSED',
    "score" DOUBLE PRECISION,
    "opinions" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InnovationActivity_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "YearEndPersonResult_year_payGrade_idx" ON "YearEndPersonResult"("year", "payGrade");

CREATE UNIQUE INDEX "YearEndAdjustment_key_key" ON "YearEndAdjustment"("key");

CREATE INDEX "YearEndAdjustment_year_employeeNo_idx" ON "YearEndAdjustment"("year", "employeeNo");

CREATE INDEX "CapabilityRating_cycleId_raterNo_idx" ON "CapabilityRating"("cycleId", "raterNo");

CREATE INDEX "KpiManualEntry_year_status_idx" ON "KpiManualEntry"("year", "status");

CREATE INDEX "InnovationActivity_year_unitCode_stage_idx" ON "InnovationActivity"("year", "unitCode", "stage");
