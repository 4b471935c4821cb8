-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UnitKind" AS ENUM ('MINISTRY', 'HEADQUARTERS', 'TEAM');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('STAFF', 'TEAM_LEADER', 'DIRECTOR', 'HR', 'HEAD', 'ADMIN');

-- CreateEnum
CREATE TYPE "ComplaintKind" AS ENUM ('QUESTION', 'PROPOSAL', 'GRIEVANCE', 'STATUTORY');

-- CreateEnum
CREATE TYPE "Perspective" AS ENUM ('CUSTOMER', 'WORK_PERFORMANCE', 'PROCESS_INNOVATION', 'LEARNING_GROWTH');

-- CreateEnum
CREATE TYPE "KpiDirection" AS ENUM ('HIGHER_IS_BETTER', 'LOWER_IS_BETTER');

-- CreateEnum
CREATE TYPE "KpiSource" AS ENUM ('COMPLAINTS_PROCESSING_DAYS', 'COMPLAINTS_SLA_RATE', 'COMPLAINTS_SATISFACTION', 'TASKS_ACHIEVEMENT', 'TASKS_TIMELINESS', 'INNOVATION', 'MANUAL');

-- CreateTable
CREATE TABLE "OrgUnit" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "kind" "UnitKind" NOT NULL,
    "nameKo" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "parentId" INTEGER,

    CONSTRAINT "OrgUnit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Staff" (
    "id" SERIAL NOT NULL,
    "employeeNo" TEXT NOT NULL,
    "nameKo" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "unitId" INTEGER NOT NULL,
    "payGrade" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "skills" TEXT[],
    "available" BOOLEAN NOT NULL DEFAULT true,
    "absentUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Staff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "staffId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" SERIAL NOT NULL,
    "employeeNo" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ComplaintCategory" (
    "code" TEXT NOT NULL,
    "nameKo" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "kind" "ComplaintKind" NOT NULL,
    "teamId" INTEGER NOT NULL,
    "slaDays" INTEGER NOT NULL,
    "skill" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "ComplaintCategory_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Complaint" (
    "receiptNo" TEXT NOT NULL,
    "categoryCode" TEXT NOT NULL,
    "teamId" INTEGER NOT NULL,
    "handlerId" INTEGER,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "citizenName" TEXT NOT NULL,
    "citizenEmail" TEXT NOT NULL,
    "accessCodeHash" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "answer" TEXT,
    "satisfaction" INTEGER,
    "satisfactionComment" TEXT,
    "anonymisedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Complaint_pkey" PRIMARY KEY ("receiptNo")
);

-- CreateTable
CREATE TABLE "ComplaintEvent" (
    "id" BIGSERIAL NOT NULL,
    "receiptNo" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "type" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "ComplaintEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "key" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "PolicyTask" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "taskType" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "kpiCode" TEXT,
    "outcomeMeasure" TEXT,
    "outcomeTarget" DOUBLE PRECISION,
    "stage" TEXT NOT NULL,
    "light" TEXT NOT NULL DEFAULT 'GREEN',
    "focus" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PolicyTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskMilestone" (
    "id" SERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,
    "completedAt" TIMESTAMP(3),
    "evidence" TEXT,

    CONSTRAINT "TaskMilestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskReview" (
    "id" BIGSERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "reviewerNo" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "opinion" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TaskReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskReport" (
    "id" BIGSERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "authorNo" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "progress" DOUBLE PRECISION,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TaskReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StrategyMap" (
    "id" SERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "missionKo" TEXT NOT NULL,
    "missionEn" TEXT NOT NULL,
    "visionKo" TEXT NOT NULL,
    "visionEn" TEXT NOT NULL,
    "strategies" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "StrategyMap_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StrategicObjective" (
    "id" SERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "perspective" "Perspective" NOT NULL,
    "nameKo" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,
    "ownerNo" TEXT,
    "parentCode" TEXT,

    CONSTRAINT "StrategicObjective_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Kpi" (
    "id" SERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "objectiveId" INTEGER NOT NULL,
    "nameKo" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "unitLabel" TEXT NOT NULL,
    "direction" "KpiDirection" NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,
    "greenAt" DOUBLE PRECISION,
    "yellowAt" DOUBLE PRECISION,
    "weight" DOUBLE PRECISION NOT NULL,
    "source" "KpiSource" NOT NULL,
    "ownerNo" TEXT,
    "actual" DOUBLE PRECISION,
    "achievement" DOUBLE PRECISION,
    "light" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Kpi_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KpiMeasurement" (
    "id" BIGSERIAL NOT NULL,
    "kpiId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "note" TEXT,

    CONSTRAINT "KpiMeasurement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PerformanceOutcome" (
    "outcomeKey" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "unitCode" TEXT NOT NULL,
    "employeeNo" TEXT,
    "payload" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PerformanceOutcome_pkey" PRIMARY KEY ("outcomeKey")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "seq" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "EmailOutbox" (
    "key" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "messageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "EmailOutbox_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "DevMail" (
    "id" SERIAL NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "messageId" TEXT,

    CONSTRAINT "DevMail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OrgUnit_code_key" ON "OrgUnit"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Staff_employeeNo_key" ON "Staff"("employeeNo");

-- CreateIndex
CREATE UNIQUE INDEX "Staff_email_key" ON "Staff"("email");

-- CreateIndex
CREATE INDEX "Staff_unitId_idx" ON "Staff"("unitId");

-- CreateIndex
CREATE INDEX "Session_staffId_idx" ON "Session"("staffId");

-- CreateIndex
CREATE INDEX "LoginAttempt_employeeNo_at_idx" ON "LoginAttempt"("employeeNo", "at");

-- CreateIndex
CREATE INDEX "Complaint_teamId_stage_idx" ON "Complaint"("teamId", "stage");

-- CreateIndex
CREATE INDEX "Complaint_handlerId_stage_idx" ON "Complaint"("handlerId", "stage");

-- CreateIndex
CREATE INDEX "ComplaintEvent_receiptNo_at_idx" ON "ComplaintEvent"("receiptNo", "at");

-- CreateIndex
CREATE UNIQUE INDEX "ComplaintEvent_receiptNo_eventKey_key" ON "ComplaintEvent"("receiptNo", "eventKey");

-- CreateIndex
CREATE UNIQUE INDEX "TaskMilestone_taskId_seq_key" ON "TaskMilestone"("taskId", "seq");

-- CreateIndex
CREATE INDEX "TaskReview_taskId_at_idx" ON "TaskReview"("taskId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "TaskReview_taskId_eventKey_key" ON "TaskReview"("taskId", "eventKey");

-- CreateIndex
CREATE UNIQUE INDEX "TaskReport_taskId_eventKey_key" ON "TaskReport"("taskId", "eventKey");

-- CreateIndex
CREATE UNIQUE INDEX "StrategyMap_year_unitId_key" ON "StrategyMap"("year", "unitId");

-- CreateIndex
CREATE UNIQUE INDEX "StrategicObjective_year_code_key" ON "StrategicObjective"("year", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Kpi_year_code_key" ON "Kpi"("year", "code");

-- CreateIndex
CREATE INDEX "KpiMeasurement_kpiId_at_idx" ON "KpiMeasurement"("kpiId", "at");

-- CreateIndex
CREATE INDEX "PerformanceOutcome_year_kind_unitCode_idx" ON "PerformanceOutcome"("year", "kind", "unitCode");

-- CreateIndex
CREATE UNIQUE INDEX "AuditLog_hash_key" ON "AuditLog"("hash");

-- AddForeignKey
ALTER TABLE "OrgUnit" ADD CONSTRAINT "OrgUnit_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "OrgUnit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Staff" ADD CONSTRAINT "Staff_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Staff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintCategory" ADD CONSTRAINT "ComplaintCategory_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_categoryCode_fkey" FOREIGN KEY ("categoryCode") REFERENCES "ComplaintCategory"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_handlerId_fkey" FOREIGN KEY ("handlerId") REFERENCES "Staff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintEvent" ADD CONSTRAINT "ComplaintEvent_receiptNo_fkey" FOREIGN KEY ("receiptNo") REFERENCES "Complaint"("receiptNo") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyTask" ADD CONSTRAINT "PolicyTask_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyTask" ADD CONSTRAINT "PolicyTask_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Staff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskMilestone" ADD CONSTRAINT "TaskMilestone_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "PolicyTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskReview" ADD CONSTRAINT "TaskReview_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "PolicyTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskReport" ADD CONSTRAINT "TaskReport_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "PolicyTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StrategyMap" ADD CONSTRAINT "StrategyMap_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StrategicObjective" ADD CONSTRAINT "StrategicObjective_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Kpi" ADD CONSTRAINT "Kpi_objectiveId_fkey" FOREIGN KEY ("objectiveId") REFERENCES "StrategicObjective"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KpiMeasurement" ADD CONSTRAINT "KpiMeasurement_kpiId_fkey" FOREIGN KEY ("kpiId") REFERENCES "Kpi"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Receipt numbers (MW-YYYY-NNNNNNN) come from one sequence so that concurrent intake never collides.
CREATE SEQUENCE "complaint_receipt_seq";

