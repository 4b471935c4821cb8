-- Admins deactivate accounts instead of deleting them (issue 6): no sign-in, no new work, history kept.
ALTER TABLE "Staff" ADD COLUMN "deactivatedAt" TIMESTAMP(3);
