-- The citizen's status view kept ready to send (issue 16): the public status read answers from one
-- primary-key lookup when the stored document is as new as the complaint. Every write that can change
-- what the citizen sees moves the complaint's "viewVersion" on, here in the database, so that no writer
-- (workflow activity, API route, retention, an admin renaming a team) can leave a stale document behind.
ALTER TABLE "Complaint" ADD COLUMN "viewVersion" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "ComplaintCitizenView" (
    "receiptNo" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "doc" TEXT NOT NULL,
    "repeatOfReceiptNo" TEXT,

    CONSTRAINT "ComplaintCitizenView_pkey" PRIMARY KEY ("receiptNo")
);

ALTER TABLE "ComplaintCitizenView" ADD CONSTRAINT "ComplaintCitizenView_receiptNo_fkey"
    FOREIGN KEY ("receiptNo") REFERENCES "Complaint"("receiptNo") ON DELETE CASCADE ON UPDATE CASCADE;

-- Any change to the complaint row itself, unless the statement already moved the version.
CREATE FUNCTION complaint_view_version_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."viewVersion" = OLD."viewVersion" THEN
    NEW."viewVersion" := OLD."viewVersion" + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER complaint_view_version BEFORE UPDATE ON "Complaint"
  FOR EACH ROW EXECUTE FUNCTION complaint_view_version_on_update();

-- Timeline events, messages and attachments of a complaint.
CREATE FUNCTION complaint_view_version_of_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE "Complaint" SET "viewVersion" = "viewVersion" + 1 WHERE "receiptNo" = OLD."receiptNo";
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW."receiptNo" IS DISTINCT FROM OLD."receiptNo") THEN
    UPDATE "Complaint" SET "viewVersion" = "viewVersion" + 1 WHERE "receiptNo" = NEW."receiptNo";
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER complaint_event_view_version AFTER INSERT OR UPDATE OR DELETE ON "ComplaintEvent"
  FOR EACH ROW EXECUTE FUNCTION complaint_view_version_of_part();
CREATE TRIGGER complaint_message_view_version AFTER INSERT OR UPDATE OR DELETE ON "ComplaintMessage"
  FOR EACH ROW EXECUTE FUNCTION complaint_view_version_of_part();
CREATE TRIGGER complaint_attachment_view_version AFTER INSERT OR UPDATE OR DELETE ON "ComplaintAttachment"
  FOR EACH ROW EXECUTE FUNCTION complaint_view_version_of_part();

-- The names the view shows: the handler's, the team's and the handler's unit code, the category's.
CREATE FUNCTION complaint_view_version_of_staff() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Complaint" SET "viewVersion" = "viewVersion" + 1 WHERE "handlerId" = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER staff_complaint_view_version AFTER UPDATE OF "nameKo", "nameEn", "unitId", "employeeNo" ON "Staff"
  FOR EACH ROW
  WHEN (OLD."nameKo" IS DISTINCT FROM NEW."nameKo" OR OLD."nameEn" IS DISTINCT FROM NEW."nameEn"
        OR OLD."unitId" IS DISTINCT FROM NEW."unitId" OR OLD."employeeNo" IS DISTINCT FROM NEW."employeeNo")
  EXECUTE FUNCTION complaint_view_version_of_staff();

CREATE FUNCTION complaint_view_version_of_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Complaint" SET "viewVersion" = "viewVersion" + 1
   WHERE "teamId" = NEW.id OR "handlerId" IN (SELECT id FROM "Staff" WHERE "unitId" = NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER unit_complaint_view_version AFTER UPDATE OF "code", "nameKo", "nameEn" ON "OrgUnit"
  FOR EACH ROW
  WHEN (OLD."code" IS DISTINCT FROM NEW."code" OR OLD."nameKo" IS DISTINCT FROM NEW."nameKo"
        OR OLD."nameEn" IS DISTINCT FROM NEW."nameEn")
  EXECUTE FUNCTION complaint_view_version_of_unit();

CREATE FUNCTION complaint_view_version_of_category() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Complaint" SET "viewVersion" = "viewVersion" + 1 WHERE "categoryCode" = NEW.code;
  RETURN NULL;
END $$;
CREATE TRIGGER category_complaint_view_version AFTER UPDATE OF "nameKo", "nameEn" ON "ComplaintCategory"
  FOR EACH ROW
  WHEN (OLD."nameKo" IS DISTINCT FROM NEW."nameKo" OR OLD."nameEn" IS DISTINCT FROM NEW."nameEn")
  EXECUTE FUNCTION complaint_view_version_of_category();

-- A stored view the complaint has moved past is deleted in the same transaction: it may hold what the change
-- removed (retention's anonymisation, a redacted message), and it would never be served again anyway.
CREATE FUNCTION complaint_citizen_view_drop_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "ComplaintCitizenView" WHERE "receiptNo" = NEW."receiptNo" AND version <> NEW."viewVersion";
  RETURN NULL;
END $$;
CREATE TRIGGER complaint_citizen_view_drop_stale AFTER UPDATE ON "Complaint"
  FOR EACH ROW WHEN (OLD."viewVersion" IS DISTINCT FROM NEW."viewVersion")
  EXECUTE FUNCTION complaint_citizen_view_drop_stale();
