import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { verify } from '@node-rs/argon2';
import { ErrorCode } from '../../domain/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { hashToken, newSessionToken, requireStaff, SESSION_COOKIE, sessionExpiry } from '../plugins/auth.ts';
import { clearCsrfCookie, setCsrfCookie } from '../plugins/security.ts';

const LOCKOUT_FAILURES = 5;
const LOCKOUT_WINDOW_MS = 15 * 60_000;

const Me = Type.Object({
  employeeNo: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  role: Type.String(),
  unitCode: Type.String(),
  headquartersCode: Type.Union([Type.String(), Type.Null()]),
});

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Staff sign-in; sets an httpOnly session cookie',
        body: Type.Object(
          {
            employeeNo: Type.String({ minLength: 1, maxLength: 20 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Me, 401: ErrorBody, 422: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const { employeeNo, password } = request.body;
      const recentFailures = await app.prisma.loginAttempt.count({
        where: { employeeNo, ok: false, at: { gt: new Date(Date.now() - LOCKOUT_WINDOW_MS) } },
      });
      if (recentFailures >= LOCKOUT_FAILURES) {
        throw new AppError(ErrorCode.LOCKED_OUT, 'Too many failed sign-ins; try again in 15 minutes');
      }
      const staff = await app.prisma.staff.findUnique({
        where: { employeeNo },
        include: { unit: { include: { parent: true } } },
      });
      const ok = staff !== null && (await verify(staff.passwordHash, password));
      // A deactivated account gets the same answer as a wrong password; the audit entry says why.
      const deactivated = ok && staff.deactivatedAt !== null;
      await app.prisma.loginAttempt.create({ data: { employeeNo, ok: ok && !deactivated } });
      if (!staff || !ok || deactivated) {
        await recordAudit(app.prisma, {
          actor: employeeNo,
          action: 'auth.login-failed',
          subject: `staff:${employeeNo}`,
          ...(deactivated ? { reason: 'account deactivated' } : {}),
        });
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'Employee number or password is wrong');
      }
      const token = newSessionToken();
      const expiresAt = sessionExpiry();
      await app.prisma.session.create({ data: { id: hashToken(token), staffId: staff.id, expiresAt } });
      await recordAudit(app.prisma, {
        actor: employeeNo,
        action: 'auth.login',
        subject: `staff:${employeeNo}`,
      });
      void reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: app.config.COOKIE_SECURE,
        expires: expiresAt,
      });
      setCsrfCookie(reply, token, { secure: app.config.COOKIE_SECURE, expires: expiresAt });
      return {
        employeeNo: staff.employeeNo,
        name: staff.nameKo,
        nameEn: staff.nameEn,
        role: staff.role,
        unitCode: staff.unit.code,
        headquartersCode:
          staff.unit.kind === 'HEADQUARTERS' ? staff.unit.code : (staff.unit.parent?.code ?? null),
      };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in staff member',
        response: { 200: Me, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      // Re-issued on every visit, so a portal tab that lost the cookie can still make changes.
      setCsrfCookie(reply, request.cookies[SESSION_COOKIE]!, { secure: app.config.COOKIE_SECURE });
      return {
        employeeNo: staff.employeeNo,
        name: staff.name,
        nameEn: staff.nameEn,
        role: staff.role,
        unitCode: staff.unitCode,
        headquartersCode: staff.headquartersCode,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['auth'],
        summary: 'Ends the session server-side',
        response: { 204: Type.Null(), 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      await app.prisma.session.update({ where: { id: staff.sessionId }, data: { revokedAt: new Date() } });
      await recordAudit(app.prisma, {
        actor: staff.employeeNo,
        action: 'auth.logout',
        subject: `staff:${staff.employeeNo}`,
      });
      clearCsrfCookie(reply);
      return reply.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).send(null);
    },
  );
};
