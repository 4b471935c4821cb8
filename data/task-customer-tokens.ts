import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../platform/prisma.ts';

/** Task customers' kinds and tokens (sign-in links, sessions, rating links), for the API and the mail activities. */

export const CUSTOMER_KINDS = ['MINISTRY_OFFICIAL', 'EXPERT', 'CITIZEN'] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];
export type CustomerTokenPurpose = 'SIGN_IN' | 'SESSION' | 'RATING';

/** How long a mailed sign-in link stays valid, and a customer session after it. */
export const SIGN_IN_LINK_MS = 7 * 24 * 3600_000;
export const CUSTOMER_SESSION_MS = 12 * 3600_000;

export const hashCustomerToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A fresh random token; only its hash is stored. */
export async function issueCustomerToken(
  prisma: Db,
  customerId: number,
  purpose: CustomerTokenPurpose,
  expiresAt: Date,
): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await prisma.taskCustomerToken.create({
    data: { tokenHash: hashCustomerToken(token), customerId, purpose, expiresAt },
  });
  return token;
}
