-- Complaint texts outside workflow history, and the citizen channel's optional fields (issues 12, 13, 18)

ALTER TABLE "Complaint"
    ADD COLUMN "citizenPhone" TEXT,
    ADD COLUMN "locationAddress" TEXT,
    ADD COLUMN "latitude" DOUBLE PRECISION,
    ADD COLUMN "longitude" DOUBLE PRECISION,
    ADD COLUMN "consentVersion" TEXT,
    ADD COLUMN "consentedAt" TIMESTAMP(3);

CREATE TABLE "ComplaintMessage" (
    "id" BIGSERIAL NOT NULL,
    "receiptNo" TEXT NOT NULL,
    "visibility" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "authorKind" TEXT NOT NULL,
    "authorId" INTEGER,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "redactedAt" TIMESTAMP(3),

    CONSTRAINT "ComplaintMessage_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ComplaintMessage_receiptNo_fkey" FOREIGN KEY ("receiptNo") REFERENCES "Complaint"("receiptNo") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ComplaintMessage_visibility_check" CHECK ("visibility" IN ('PUBLIC', 'INTERNAL'))
);

CREATE INDEX "ComplaintMessage_receiptNo_createdAt_idx" ON "ComplaintMessage"("receiptNo", "createdAt");
