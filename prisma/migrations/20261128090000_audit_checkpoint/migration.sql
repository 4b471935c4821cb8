-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "id" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

-- Anchor an existing log at its current end.
INSERT INTO "AuditCheckpoint" ("id", "seq", "hash", "updatedAt")
SELECT 1, "seq", "hash", CURRENT_TIMESTAMP FROM "AuditLog" ORDER BY "seq" DESC LIMIT 1;
