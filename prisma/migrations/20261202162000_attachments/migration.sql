-- Attachments on complaints and their messages, and the PostgreSQL file store (issue 12 item 2, issue 18 item 3)

CREATE TABLE "ComplaintAttachment" (
    "id" TEXT NOT NULL DEFAULT gen_random_uuid()::text,
    "receiptNo" TEXT NOT NULL,
    "messageId" BIGINT,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "thumbnailSha256" TEXT,
    "uploadedBy" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ComplaintAttachment_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ComplaintAttachment_receiptNo_fkey" FOREIGN KEY ("receiptNo") REFERENCES "Complaint"("receiptNo") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ComplaintAttachment_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "ComplaintMessage"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ComplaintAttachment_size_check" CHECK ("size" >= 0)
);

CREATE INDEX "ComplaintAttachment_receiptNo_createdAt_idx" ON "ComplaintAttachment"("receiptNo", "createdAt");
CREATE INDEX "ComplaintAttachment_messageId_idx" ON "ComplaintAttachment"("messageId");
CREATE INDEX "ComplaintAttachment_sha256_idx" ON "ComplaintAttachment"("sha256");
CREATE INDEX "ComplaintAttachment_thumbnailSha256_idx" ON "ComplaintAttachment"("thumbnailSha256");

CREATE TABLE "StoredFile" (
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredFile_pkey" PRIMARY KEY ("sha256")
);
