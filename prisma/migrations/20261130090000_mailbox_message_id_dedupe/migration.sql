-- The embedded mailbox keeps one row per Message-ID, as receiving mail systems do, and counts how many
-- times the same message was transmitted (SMTP cannot rule out a repeat after a crash between the server's
-- acceptance and the sender recording it).
ALTER TABLE "DevMail" ADD COLUMN "deliveries" INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX "DevMail_messageId_key" ON "DevMail"("messageId");
