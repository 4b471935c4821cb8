-- The citizen's channel (issue 18): Open311 attributes and API keys, sign-in links and citizen sessions.

ALTER TABLE "ComplaintCategory" ADD COLUMN "attributes" JSONB NOT NULL DEFAULT '[]';

CREATE TABLE "Open311ApiKey" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "keyPrefix" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "Open311ApiKey_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Open311ApiKey_keyHash_key" ON "Open311ApiKey"("keyHash");

CREATE TABLE "CitizenSignInLink" (
    "tokenHash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "CitizenSignInLink_pkey" PRIMARY KEY ("tokenHash")
);
CREATE INDEX "CitizenSignInLink_email_createdAt_idx" ON "CitizenSignInLink"("email", "createdAt");

CREATE TABLE "CitizenSession" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CitizenSession_pkey" PRIMARY KEY ("id")
);

-- My Space lists all complaints of an address, compared without case.
CREATE INDEX "Complaint_citizenEmail_lower_idx" ON "Complaint"(lower("citizenEmail"));
