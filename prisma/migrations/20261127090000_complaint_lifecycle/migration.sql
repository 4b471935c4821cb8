-- Complaint lifecycle: read-model fields for inboxes and escalation, and one-click survey tokens.
ALTER TABLE "Complaint" ADD COLUMN     "draftAnswer" TEXT,
ADD COLUMN     "escalationLevel" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "extensionCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "infoDeadlineAt" TIMESTAMP(3),
ADD COLUMN     "overdue" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pendingStep" TEXT,
ADD COLUMN     "stageSince" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

CREATE TABLE "SurveyToken" (
    "tokenHash" TEXT NOT NULL,
    "receiptNo" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyToken_pkey" PRIMARY KEY ("tokenHash")
);

CREATE INDEX "SurveyToken_receiptNo_idx" ON "SurveyToken"("receiptNo");

ALTER TABLE "SurveyToken" ADD CONSTRAINT "SurveyToken_receiptNo_fkey" FOREIGN KEY ("receiptNo") REFERENCES "Complaint"("receiptNo") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE INDEX "Complaint_pendingStep_idx" ON "Complaint"("pendingStep");
