import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { passwordResetMail } from '../../domain/account-mail.ts';
import { appendAudit, recordAudit } from '../../platform/audit.ts';
import { AppError, ErrorBody } from '../errors.ts';
import {
  checkPassword,
  clearPasswordFailures,
  hashPassword,
  LOCKOUT_FAILURES,
  LOCKOUT_WINDOW_MS,
  returnPasswordCheckSlot,
  takePasswordCheckSlot,
} from '../login-guard.ts';
import { EmployeeNo, NewPassword } from '../schemas.ts';
import { hashToken, newSessionToken, requireStaff, SESSION_COOKIE, sessionExpiry } from '../plugins/auth.ts';
import { clearCsrfCookie, setCsrfCookie } from '../plugins/security.ts';

const RESET_LINK_HOURS = 24;

const lockedOut = () =>
  new AppError(
    ErrorCode.LOCKED_OUT,
    `Too many failed sign-ins; try again in ${LOCKOUT_WINDOW_MS / 60_000} minutes or ask an administrator for a password reset`,
  );

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
      const failuresSoFar = await takePasswordCheckSlot(app.prisma, employeeNo);
      if (failuresSoFar === null) throw lockedOut();
      const staff = await app.prisma.staff.findUnique({
        where: { employeeNo },
        include: { unit: { include: { parent: true } } },
      });
      // An unknown account costs one argon2 check like a known one, so timing does not tell them apart.
      const ok = await checkPassword(staff?.passwordHash ?? null, password);
      app.metrics.passwordChecks.inc();
      // A deactivated account gets the same answer as a wrong password.
      const admitted = ok && staff !== null && staff.deactivatedAt === null;
      // Attempts are plain inserts, not audit entries: a burst of guesses must not queue on the audit chain.
      await app.prisma.loginAttempt.create({ data: { employeeNo, ok: admitted } });
      if (!admitted || !staff) {
        if (failuresSoFar === LOCKOUT_FAILURES) {
          // Once per window, when the lock closes: the audit trail shows who was locked out, not each guess.
          await recordAudit(app.prisma, {
            actor: employeeNo,
            action: 'auth.locked-out',
            subject: `staff:${employeeNo}`,
            reason: `${LOCKOUT_FAILURES} failed sign-ins within ${LOCKOUT_WINDOW_MS / 60_000} minutes`,
          });
        }
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'Employee number or password is wrong');
      }
      await returnPasswordCheckSlot(app.prisma, employeeNo);
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

  app.post(
    '/api/auth/password',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['auth'],
        summary:
          'Changes the signed-in staff member’s password; the current one is checked (and counts towards the lockout). Other sessions end. Audited.',
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: NewPassword },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 422: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { currentPassword, newPassword } = request.body;
      if (newPassword === currentPassword) {
        throw new AppError(ErrorCode.VALIDATION, 'The new password must differ from the current one');
      }
      if ((await takePasswordCheckSlot(app.prisma, staff.employeeNo)) === null) throw lockedOut();
      const stored = await app.prisma.staff.findUniqueOrThrow({ where: { employeeNo: staff.employeeNo } });
      app.metrics.passwordChecks.inc();
      if (!(await checkPassword(stored.passwordHash, currentPassword))) {
        await app.prisma.loginAttempt.create({ data: { employeeNo: staff.employeeNo, ok: false } });
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'The current password is wrong');
      }
      await returnPasswordCheckSlot(app.prisma, staff.employeeNo);
      const passwordHash = await hashPassword(newPassword);
      await app.prisma.$transaction(async (tx) => {
        await tx.staff.update({ where: { id: stored.id }, data: { passwordHash } });
        await tx.session.updateMany({
          where: { staffId: stored.id, revokedAt: null, id: { not: staff.sessionId } },
          data: { revokedAt: new Date() },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'auth.password-changed',
          subject: `staff:${staff.employeeNo}`,
          reason: 'changed by the account holder; other sessions ended',
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/admin/staff/:employeeNo/password-reset',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['auth', 'admin'],
        summary: `Mails the staff member a one-time link (valid ${RESET_LINK_HOURS} hours) to choose a new password; the old password keeps working until then. Audited.`,
        params: Type.Object({ employeeNo: EmployeeNo }),
        response: {
          202: Type.Object({ employeeNo: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          422: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const admin = requireStaff(request);
      const target = await app.prisma.staff.findUnique({ where: { employeeNo: request.params.employeeNo } });
      if (!target || target.deactivatedAt !== null) {
        throw new AppError(ErrorCode.NOT_FOUND, `No active staff member ${request.params.employeeNo}`);
      }
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + RESET_LINK_HOURS * 3_600_000);
      await app.prisma.$transaction(async (tx) => {
        // A new link replaces any earlier one that was not used.
        await tx.passwordResetToken.updateMany({
          where: { staffId: target.id, usedAt: null },
          data: { expiresAt: new Date() },
        });
        await tx.passwordResetToken.create({
          data: { tokenHash: hashToken(token), staffId: target.id, requestedBy: admin.employeeNo, expiresAt },
        });
        await appendAudit(tx, {
          actor: admin.employeeNo,
          action: 'auth.password-reset-requested',
          subject: `staff:${target.employeeNo}`,
          after: { expiresAt: expiresAt.toISOString() },
        });
      });
      const mail = passwordResetMail({
        name: target.nameKo,
        resetUrl: `${app.config.PUBLIC_URL}/reset-password?token=${token}`,
        expiresAt,
      });
      try {
        await app.mailer.sendMail({ from: app.config.MAIL_FROM, to: target.email, ...mail });
      } catch (error) {
        request.log.warn({ err: error }, 'password-reset mail not sent');
        throw new AppError(
          ErrorCode.UNAVAILABLE,
          'The mail server did not accept the reset mail; nothing was sent. Please try again shortly.',
        );
      }
      return reply.status(202).send({ employeeNo: target.employeeNo, expiresAt: expiresAt.toISOString() });
    },
  );

  app.post(
    '/api/auth/password-reset',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'Sets a new password with the one-time token from a reset mail; the token works once, before it expires. All sessions end. Audited.',
        body: Type.Object(
          { token: Type.String({ minLength: 20, maxLength: 100 }), newPassword: NewPassword },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), 404: ErrorBody, 422: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const { token, newPassword } = request.body;
      const passwordHash = await hashPassword(newPassword);
      const employeeNo = await app.prisma.$transaction(async (tx) => {
        // One conditional update spends the token: of two parallel uses, only one finds it unused.
        const spent = await tx.passwordResetToken.updateManyAndReturn({
          where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: new Date() } },
          data: { usedAt: new Date() },
          select: { staffId: true },
        });
        if (spent.length === 0) return null;
        const staff = await tx.staff.update({
          where: { id: spent[0]!.staffId },
          data: { passwordHash },
          select: { id: true, employeeNo: true },
        });
        await tx.session.updateMany({
          where: { staffId: staff.id, revokedAt: null },
          data: { revokedAt: new Date() },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'auth.password-reset',
          subject: `staff:${staff.employeeNo}`,
          reason: 'new password set with a one-time reset link; all sessions ended',
        });
        return staff.employeeNo;
      });
      if (!employeeNo) {
        throw new AppError(
          ErrorCode.NOT_FOUND,
          'This reset link is unknown, used or expired; ask for a new one',
        );
      }
      await clearPasswordFailures(app.prisma, employeeNo);
      return reply.status(204).send(null);
    },
  );
};
