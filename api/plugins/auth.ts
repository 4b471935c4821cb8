import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { StaffRole } from '@prisma/client';
import { AppError } from '../errors.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { sqlPool, type Db } from '../../platform/prisma.ts';

export const SESSION_COOKIE = 'portal_session';
const SESSION_HOURS = 12;

export interface SessionStaff {
  id: number;
  employeeNo: string;
  name: string;
  nameEn: string;
  role: StaffRole;
  unitCode: string;
  headquartersCode: string | null;
  sessionId: string;
}

/**
 * Who may call a route. 'public': anyone (citizen routes check their access code themselves);
 * 'staff': any signed-in staff member; a role list: signed-in staff with one of those roles.
 */
export type RouteAccess = 'public' | 'staff' | StaffRole[];

declare module 'fastify' {
  interface FastifyRequest {
    staff?: SessionStaff;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionExpiry(now = new Date()): Date {
  return new Date(now.getTime() + SESSION_HOURS * 3600_000);
}

export function requireStaff(request: FastifyRequest): SessionStaff {
  if (!request.staff) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in first');
  return request.staff;
}

/**
 * A live session's staff member in one prepared statement over the Prisma client's own pool: it runs
 * before every staff request, and the query compiler's work for a three-level include was a large part
 * of a list request's time (the search bench's CPU profile).
 */
const SESSION_STATEMENT = `
  SELECT s.id, s."employeeNo", s."nameKo", s."nameEn", s.role, u.code AS "unitCode", u.kind::text AS "unitKind",
         p.code AS "parentCode"
  FROM "Session" se
  JOIN "Staff" s ON s.id = se."staffId"
  JOIN "OrgUnit" u ON u.id = s."unitId"
  LEFT JOIN "OrgUnit" p ON p.id = u."parentId"
  WHERE se.id = $1 AND se."revokedAt" IS NULL AND se."expiresAt" > ($2::timestamptz AT TIME ZONE 'UTC')
    AND s."deactivatedAt" IS NULL`;

async function loadSessionStaff(prisma: Db, sessionId: string, now: Date): Promise<SessionStaff | null> {
  const { rows } = await sqlPool(prisma).query<{
    id: number;
    employeeNo: string;
    nameKo: string;
    nameEn: string;
    role: StaffRole;
    unitCode: string;
    unitKind: string;
    parentCode: string | null;
  }>({ name: 'session-staff', text: SESSION_STATEMENT, values: [sessionId, now.toISOString()] });
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    employeeNo: row.employeeNo,
    name: row.nameKo,
    nameEn: row.nameEn,
    role: row.role,
    unitCode: row.unitCode,
    headquartersCode: row.unitKind === 'HEADQUARTERS' ? row.unitCode : row.parentCode,
    sessionId,
  };
}

/** Every /api route must declare its access; the check runs before validation and the handler. */
export const authPlugin = fp(
  async (app) => {
    app.decorateRequest('staff', undefined);

    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/api/') && route.config?.access === undefined) {
        throw new Error(`Route ${route.method} ${route.url} does not declare its access`);
      }
    });

    app.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        const staff = await loadSessionStaff(app.prisma, hashToken(token), new Date());
        if (staff) request.staff = staff;
      }
      const access = request.routeOptions.config?.access;
      if (access === undefined || access === 'public') return;
      const staff = requireStaff(request);
      if (access !== 'staff' && !access.includes(staff.role)) {
        throw new AppError(ErrorCode.FORBIDDEN, `This action needs one of the roles: ${access.join(', ')}`);
      }
    });
  },
  { name: 'auth', dependencies: ['services'] },
);
