-- The read model applies stage and other snapshot fields only from the newest event (out-of-order retries).
ALTER TABLE "Complaint" ADD COLUMN "lastEventSeq" INTEGER NOT NULL DEFAULT 0;
