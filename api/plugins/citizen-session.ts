import type { FastifyRequest } from 'fastify';
import type { Db } from '../../platform/prisma.ts';
import { hashToken } from './auth.ts';

/**
 * A citizen signed in by a one-time link holds this cookie: it names an e-mail address, and admits
 * reading the complaints filed with that address. httpOnly and SameSite=Strict, so no other site can
 * use it; the access code stays the other way in.
 */
export const CITIZEN_SESSION_COOKIE = 'citizen_session';

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** The address of the request's citizen session, if it carries a live one. */
export async function citizenSessionEmail(prisma: Db, request: FastifyRequest): Promise<string | undefined> {
  const token = request.cookies[CITIZEN_SESSION_COOKIE];
  if (!token) return undefined;
  const session = await prisma.citizenSession.findUnique({ where: { id: hashToken(token) } });
  return session && session.expiresAt > new Date() ? session.email : undefined;
}
