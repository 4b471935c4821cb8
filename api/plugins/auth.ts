import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { StaffRole } from '@prisma/client';
import { AppError } from '../errors.ts';
import { ErrorCode } from '../../domain/errors.ts';

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
        const session = await app.prisma.session.findUnique({
          where: { id: hashToken(token) },
          include: { staff: { include: { unit: { include: { parent: true } } } } },
        });
        if (
          session &&
          !session.revokedAt &&
          session.expiresAt > new Date() &&
          session.staff.deactivatedAt === null
        ) {
          const { staff } = session;
          request.staff = {
            id: staff.id,
            employeeNo: staff.employeeNo,
            name: staff.nameKo,
            nameEn: staff.nameEn,
            role: staff.role,
            unitCode: staff.unit.code,
            headquartersCode:
              staff.unit.kind === 'HEADQUARTERS' ? staff.unit.code : (staff.unit.parent?.code ?? null),
            sessionId: session.id,
          };
        }
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
