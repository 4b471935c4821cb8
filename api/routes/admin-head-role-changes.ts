import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, type StaffRoleName } from '../../domain/policy.ts';
import { appendAudit } from '../../platform/audit.ts';
import type { Db } from '../../platform/prisma.ts';
import { AppError } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { RowId } from '../schemas.ts';
import {
  authorise,
  checkRoleFitsUnit,
  conflict,
  errorsOf,
  inDirectoryTransaction,
  Reason,
  staffInclude,
  staffUnit,
  tags,
} from './admin-directory-shared.ts';

/** The HEAD role: two people (an admin asks, the head or a second admin confirms). */

export const HeadRoleChangeView = Type.Object({
  id: Type.Integer(),
  subjectNo: Type.String(),
  fromRole: Type.String(),
  toRole: Type.String(),
  requestedBy: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
});
type HeadRoleChangeView = Static<typeof HeadRoleChangeView>;

function headRoleChangeView(row: {
  id: number;
  subjectNo: string;
  fromRole: string;
  toRole: string;
  requestedBy: string;
  reason: string | null;
  status: string;
  decidedBy: string | null;
  decidedAt: Date | null;
}): HeadRoleChangeView {
  return { ...row, decidedAt: row.decidedAt ? row.decidedAt.toISOString() : null };
}

/**
 * A role change that grants or removes HEAD is not applied but asked for (202): the head is the only
 * year-end approver, so one admin alone must not be able to replace them. Null for any other change.
 */
export async function requestHeadRoleChange(
  prisma: Db,
  actor: SessionStaff,
  employeeNo: string,
  body: { role?: StaffRoleName; reason?: string },
): Promise<HeadRoleChangeView | null> {
  if (body.role === undefined) return null;
  const row = await prisma.staff.findUnique({ where: { employeeNo } });
  if (!row || row.role === body.role || (row.role !== 'HEAD' && body.role !== 'HEAD')) return null;
  authorise(actor, Action.STAFF_MOVE, { subjectNo: employeeNo, roles: [row.role, body.role] });
  return inDirectoryTransaction(prisma, async (tx) => {
    const open = await tx.headRoleChange.findFirst({ where: { subjectNo: employeeNo, status: 'PENDING' } });
    if (open) throw conflict('role', `A HEAD role change for ${employeeNo} already waits for confirmation`);
    const request = await tx.headRoleChange.create({
      data: {
        subjectNo: employeeNo,
        fromRole: row.role,
        toRole: body.role!,
        requestedBy: actor.employeeNo,
        reason: body.reason,
      },
    });
    await appendAudit(tx, {
      actor: actor.employeeNo,
      action: 'staff.head-role.requested',
      subject: `staff:${employeeNo}`,
      before: { role: row.role },
      after: { role: body.role, pending: request.id },
      reason: body.reason,
    });
    return headRoleChangeView(request);
  });
}

export const adminHeadRoleChangeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/head-role-changes',
    {
      config: { access: ['ADMIN', 'HEAD'] },
      schema: {
        tags,
        summary: 'HEAD role changes waiting for the second person (and the recent decided ones)',
        response: { 200: Type.Array(HeadRoleChangeView), ...errorsOf(401, 403) },
      },
    },
    async () =>
      (await app.prisma.headRoleChange.findMany({ orderBy: { id: 'desc' }, take: 50 })).map(
        headRoleChangeView,
      ),
  );

  app.post(
    '/api/admin/head-role-changes/:id/decision',
    {
      config: { access: ['ADMIN', 'HEAD'] },
      schema: {
        tags,
        summary:
          'The second person confirms or rejects a HEAD role change: the head, or a second admin while there is no head; never the one who asked. Audited with before and after.',
        params: Type.Object({ id: RowId }),
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('confirm'), Type.Literal('reject')]),
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        response: { 200: HeadRoleChangeView, ...errorsOf(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const actor = requireStaff(request);
      const { id } = request.params;
      const { decision, reason } = request.body;
      return inDirectoryTransaction(app.prisma, async (tx) => {
        const change = await tx.headRoleChange.findUnique({ where: { id } });
        if (!change) throw new AppError(ErrorCode.NOT_FOUND, `No HEAD role change ${id}`);
        if (change.status !== 'PENDING')
          throw new AppError(ErrorCode.WRONG_STAGE, `HEAD role change ${id} is already ${change.status}`);
        const head = await tx.staff.findFirst({ where: { role: 'HEAD', deactivatedAt: null } });
        authorise(actor, Action.HEAD_ROLE_CONFIRM, {
          requestedBy: change.requestedBy,
          headExists: head !== null,
        });
        const subject = await tx.staff.findUnique({
          where: { employeeNo: change.subjectNo },
          include: staffInclude,
        });
        if (!subject) throw new AppError(ErrorCode.NOT_FOUND, `No staff member ${change.subjectNo}`);
        if (decision === 'confirm') {
          if (subject.role !== change.fromRole)
            throw conflict('role', `${change.subjectNo} is no longer ${change.fromRole}; ask again`);
          const unit = await staffUnit(tx, subject.unit.code);
          await checkRoleFitsUnit(
            tx,
            { employeeNo: change.subjectNo, role: change.toRole as StaffRoleName, unit },
            'role',
          );
          await tx.staff.update({
            where: { employeeNo: change.subjectNo },
            data: { role: change.toRole as StaffRoleName },
          });
        }
        const decided = await tx.headRoleChange.update({
          where: { id },
          data: {
            status: decision === 'confirm' ? 'CONFIRMED' : 'REJECTED',
            decidedBy: actor.employeeNo,
            decidedAt: new Date(),
          },
        });
        await appendAudit(tx, {
          actor: actor.employeeNo,
          action: decision === 'confirm' ? 'staff.head-role.confirmed' : 'staff.head-role.rejected',
          subject: `staff:${change.subjectNo}`,
          before: { role: subject.role },
          after: {
            role: decision === 'confirm' ? change.toRole : subject.role,
            requestedBy: change.requestedBy,
          },
          reason,
        });
        return headRoleChangeView(decided);
      });
    },
  );
};
