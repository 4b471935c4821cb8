-- Issue 20: customers of policy tasks (follow, sign-in links, questions, ratings), their satisfaction and
-- training hours as KPI sources, and yearly development plans (경력개발).
ALTER TYPE "KpiSource" ADD VALUE 'TASKS_CUSTOMER_SATISFACTION';
ALTER TYPE "KpiSource" ADD VALUE 'TRAINING_HOURS_PER_PERSON';

ALTER TABLE "PolicyTask" ADD COLUMN "publishedAt" TIMESTAMP(3),
  ADD COLUMN "customerSatisfaction" DOUBLE PRECISION;

ALTER TABLE "PerformanceUnitFacts" ADD COLUMN "task_sat_count" DOUBLE PRECISION NOT NULL DEFAULT 0,
  ADD COLUMN "task_sat_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
  ADD COLUMN "training_hours" DOUBLE PRECISION NOT NULL DEFAULT 0;

CREATE TABLE "TaskCustomer" (
    "id" SERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "organisation" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "addedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TaskCustomer_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TaskCustomer_taskId_email_key" ON "TaskCustomer"("taskId", "email");
ALTER TABLE "TaskCustomer" ADD CONSTRAINT "TaskCustomer_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "PolicyTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "TaskCustomerToken" (
    "tokenHash" TEXT NOT NULL,
    "customerId" INTEGER NOT NULL,
    "purpose" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TaskCustomerToken_pkey" PRIMARY KEY ("tokenHash")
);
CREATE INDEX "TaskCustomerToken_customerId_idx" ON "TaskCustomerToken"("customerId");
ALTER TABLE "TaskCustomerToken" ADD CONSTRAINT "TaskCustomerToken_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "TaskCustomer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "TaskCustomerQuestion" (
    "id" SERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "customerId" INTEGER NOT NULL,
    "question" TEXT NOT NULL,
    "askedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answer" TEXT,
    "answeredBy" TEXT,
    "answeredAt" TIMESTAMP(3),
    CONSTRAINT "TaskCustomerQuestion_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TaskCustomerQuestion_taskId_answeredAt_idx" ON "TaskCustomerQuestion"("taskId", "answeredAt");
ALTER TABLE "TaskCustomerQuestion" ADD CONSTRAINT "TaskCustomerQuestion_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "TaskCustomer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "TaskCustomerRating" (
    "customerId" INTEGER NOT NULL,
    "taskId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "ratedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TaskCustomerRating_pkey" PRIMARY KEY ("customerId")
);
CREATE INDEX "TaskCustomerRating_taskId_idx" ON "TaskCustomerRating"("taskId");
ALTER TABLE "TaskCustomerRating" ADD CONSTRAINT "TaskCustomerRating_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "TaskCustomer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "DevelopmentPlan" (
    "id" SERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "employeeNo" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'DRAFT',
    "leaderNo" TEXT,
    "leaderOpinion" TEXT,
    "submittedAt" TIMESTAMP(3),
    "agreedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "DevelopmentPlan_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "DevelopmentPlan_year_employeeNo_key" ON "DevelopmentPlan"("year", "employeeNo");

CREATE TABLE "DevelopmentGoal" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "competencyCode" TEXT NOT NULL,
    "goal" TEXT NOT NULL,
    CONSTRAINT "DevelopmentGoal_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "DevelopmentGoal" ADD CONSTRAINT "DevelopmentGoal_planId_fkey" FOREIGN KEY ("planId") REFERENCES "DevelopmentPlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "DevelopmentActivity" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "competencyCode" TEXT,
    "plannedHours" DOUBLE PRECISION NOT NULL,
    "completedHours" DOUBLE PRECISION,
    "completedAt" TIMESTAMP(3),
    CONSTRAINT "DevelopmentActivity_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "DevelopmentActivity" ADD CONSTRAINT "DevelopmentActivity_planId_fkey" FOREIGN KEY ("planId") REFERENCES "DevelopmentPlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
