-- Monthly BSC briefings generated on the schedule (issue 14, item 6), one row per unit, month, format and language.
CREATE TABLE "BscBriefing" (
    "id" SERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "unitCode" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "lang" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "score" DOUBLE PRECISION,
    "light" TEXT,
    "redKpis" INTEGER NOT NULL,
    "generatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BscBriefing_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "BscBriefing_year_month_unitCode_format_lang_key" ON "BscBriefing"("year", "month", "unitCode", "format", "lang");
CREATE INDEX "BscBriefing_year_unitCode_idx" ON "BscBriefing"("year", "unitCode");
