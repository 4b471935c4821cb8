-- Casework (issue 12): text search over complaints on a trigram index.
-- pg_trgm makes trigrams from Hangul only when the database's LC_CTYPE is a UTF-8 locale
-- (embedded/postgres.ts creates the database with LC_CTYPE 'C.UTF-8').
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One index over title and body together: `q` matches either with one ILIKE on the same expression.
CREATE INDEX "Complaint_text_trgm_idx" ON "Complaint" USING gin ((title || ' ' || body) gin_trgm_ops);

-- Lists sort and page by receipt time or due time, newest first, with the receipt number as tie-breaker.
CREATE INDEX "Complaint_receivedAt_receiptNo_idx" ON "Complaint" ("receivedAt" DESC, "receiptNo" DESC);
CREATE INDEX "Complaint_dueAt_receiptNo_idx" ON "Complaint" ("dueAt", "receiptNo");

-- A handler's link between two complaints (repeated or duplicate), with the reason.
CREATE TABLE "ComplaintLink" (
    "id" BIGSERIAL NOT NULL,
    "receiptNo" TEXT NOT NULL,
    "relatedReceiptNo" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ComplaintLink_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ComplaintLink_receiptNo_fkey" FOREIGN KEY ("receiptNo") REFERENCES "Complaint"("receiptNo") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ComplaintLink_relatedReceiptNo_fkey" FOREIGN KEY ("relatedReceiptNo") REFERENCES "Complaint"("receiptNo") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ComplaintLink_kind_check" CHECK ("kind" IN ('related', 'duplicate', 'repeated')),
    CONSTRAINT "ComplaintLink_not_self" CHECK ("receiptNo" <> "relatedReceiptNo")
);
CREATE UNIQUE INDEX "ComplaintLink_receiptNo_relatedReceiptNo_key" ON "ComplaintLink"("receiptNo", "relatedReceiptNo");
CREATE INDEX "ComplaintLink_relatedReceiptNo_idx" ON "ComplaintLink"("relatedReceiptNo");

-- Answer templates per category, with placeholders {citizenName}, {receiptNo}, {dueDate}.
CREATE TABLE "CannedAnswer" (
    "id" SERIAL NOT NULL,
    "categoryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "usageCount" INTEGER NOT NULL DEFAULT 0,
    "createdById" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMP(3),
    CONSTRAINT "CannedAnswer_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "CannedAnswer_categoryCode_fkey" FOREIGN KEY ("categoryCode") REFERENCES "ComplaintCategory"("code") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "CannedAnswer_categoryCode_idx" ON "CannedAnswer"("categoryCode");
