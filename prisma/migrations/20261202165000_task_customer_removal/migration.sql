-- The owner removes a customer of a policy task (issue 20). The row stays for the audit and the ratings
-- already given, and a removed customer gets no mail, no session and no rating link.
ALTER TABLE "TaskCustomer" ADD COLUMN "removedAt" TIMESTAMP(3);
ALTER TABLE "TaskCustomer" ADD COLUMN "removedBy" TEXT;
