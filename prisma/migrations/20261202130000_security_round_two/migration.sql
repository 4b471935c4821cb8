-- Issue 15: an atomic per-account sign-in failure counter, and admin-initiated one-time password resets.
CREATE TABLE "LoginThrottle" (
    "employeeNo" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("employeeNo")
);

CREATE TABLE "PasswordResetToken" (
    "tokenHash" TEXT NOT NULL,
    "staffId" INTEGER NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PasswordResetToken_pkey" PRIMARY KEY ("tokenHash")
);

CREATE INDEX "PasswordResetToken_staffId_idx" ON "PasswordResetToken"("staffId");
