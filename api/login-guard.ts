import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../platform/prisma.ts';

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;

/**
 * Takes one password-check slot of an account (known or not) in a single conditional upsert: at most
 * LOCKOUT_FAILURES checks per window however many requests arrive at once, since the row lock of the
 * upsert serialises them. Returns the failures counted so far including this attempt, or null when the
 * account is locked out (no password may be checked).
 */
export async function takePasswordCheckSlot(prisma: Db, employeeNo: string): Promise<number | null> {
  const now = new Date();
  const windowOpen = new Date(now.getTime() - LOCKOUT_WINDOW_MS);
  const rows = await prisma.$queryRaw<Array<{ failures: number }>>`
    INSERT INTO "LoginThrottle" ("employeeNo", "failures", "windowStart")
    VALUES (${employeeNo}, 1, ${now})
    ON CONFLICT ("employeeNo") DO UPDATE SET
      "failures" = CASE WHEN "LoginThrottle"."windowStart" <= ${windowOpen}
        THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
      "windowStart" = CASE WHEN "LoginThrottle"."windowStart" <= ${windowOpen}
        THEN ${now} ELSE "LoginThrottle"."windowStart" END
    WHERE "LoginThrottle"."windowStart" <= ${windowOpen}
       OR "LoginThrottle"."failures" < ${LOCKOUT_FAILURES}
    RETURNING "failures"`;
  return rows[0]?.failures ?? null;
}

/** Gives back the slot of an attempt whose password was right: only failures count towards the lockout. */
export async function returnPasswordCheckSlot(prisma: Db, employeeNo: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "LoginThrottle" SET "failures" = GREATEST("failures" - 1, 0) WHERE "employeeNo" = ${employeeNo}`;
}

/** After a password reset the account starts afresh. */
export async function clearPasswordFailures(prisma: Db, employeeNo: string): Promise<void> {
  await prisma.loginThrottle.deleteMany({ where: { employeeNo } });
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored argon2 hash, or against a hash of nothing when there is no account,
 * so that an unknown employee number costs the same time as a wrong password.
 */
export async function checkPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hash('no account has this password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

export const hashPassword = (password: string) => hash(password);
