-- Casework (issue 12): text search over complaints on a trigram index.
-- pg_trgm makes trigrams from Hangul only when the database's LC_CTYPE is a UTF-8 locale
-- (embedded/postgres.ts creates the database with LC_CTYPE 'C.UTF-8').
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One index over title and body together: `q` matches either with one ILIKE on the same expression.
CREATE INDEX "Complaint_text_trgm_idx" ON "Complaint" USING gin ((title || ' ' || body) gin_trgm_ops);

-- Lists sort and page by receipt time or due time, newest first, with the receipt number as tie-breaker.
CREATE INDEX "Complaint_receivedAt_receiptNo_idx" ON "Complaint" ("receivedAt" DESC, "receiptNo" DESC);
CREATE INDEX "Complaint_dueAt_receiptNo_idx" ON "Complaint" ("dueAt", "receiptNo");
