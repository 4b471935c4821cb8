-- Policy-task workflow read model (issue 4)

-- AlterTable
ALTER TABLE "PolicyTask"
    ADD COLUMN "lastEventSeq" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD COLUMN "planVersion" INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN "reviewChain" JSONB NOT NULL DEFAULT '[]',
    ADD COLUMN "pendingStep" TEXT,
    ADD COLUMN "pendingAssigneeNo" TEXT,
    ADD COLUMN "pendingDueAt" TIMESTAMP(3),
    ADD COLUMN "overdue" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "lastActivityAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN "startedAt" TIMESTAMP(3),
    ADD COLUMN "doneAt" TIMESTAMP(3),
    ADD COLUMN "focusReportDueAt" TIMESTAMP(3),
    ADD COLUMN "completionSummary" TEXT,
    ADD COLUMN "actualValue" DOUBLE PRECISION,
    ADD COLUMN "qualityScore" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "TaskMilestone" ADD COLUMN "escalation" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "TaskReview"
    ADD COLUMN "step" TEXT NOT NULL DEFAULT '',
    ADD COLUMN "round" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "score" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "TaskEvent" (
    "id" BIGSERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "type" TEXT NOT NULL,
    "actorNo" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "TaskEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PolicyTask_pendingAssigneeNo_idx" ON "PolicyTask"("pendingAssigneeNo");

-- CreateIndex
CREATE INDEX "PolicyTask_unitId_stage_idx" ON "PolicyTask"("unitId", "stage");

-- CreateIndex
CREATE INDEX "TaskEvent_taskId_at_idx" ON "TaskEvent"("taskId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "TaskEvent_taskId_eventKey_key" ON "TaskEvent"("taskId", "eventKey");

-- AddForeignKey
ALTER TABLE "TaskEvent" ADD CONSTRAINT "TaskEvent_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "PolicyTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Task ids (PT-YYYY-NNNN) come from one sequence so that concurrent creation never collides.
CREATE SEQUENCE "policy_task_seq";
