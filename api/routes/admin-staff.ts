import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { hash, verify } from '@node-rs/argon2';
import type { Prisma } from '@prisma/client';
import { openComplaintStages } from '../../domain/complaint.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, StaffRoles } from '../../domain/policy.ts';
import { terminalTaskStages } from '../../domain/policy-task.ts';
import { appendAuditOfChange } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { EmployeeNo } from '../schemas.ts';
import {
  authorise,
  checkRoleFitsUnit,
  conflict,
  createOrReplay,
  errorsOf,
  inDirectoryTransaction,
  Name,
  Nullable,
  Reason,
  Skill,
  staffInclude,
  staffUnit,
  tags,
  UnitCode,
  type Tx,
} from './admin-directory-shared.ts';
import { HeadRoleChangeView, requestHeadRoleChange } from './admin-head-role-changes.ts';

/** The staff directory: accounts, personnel orders (unit and role) and deactivation. */

const Role = Type.Enum(StaffRoles);
const PayGrade = Type.String({ pattern: '^[1-9]급$', description: 'pay grade, e.g. 6급' });
const Skills = Type.Array(Skill, { maxItems: 20, uniqueItems: true });
const Email = Type.String({ format: 'email', maxLength: 254 });
const DateTime = Type.String({ format: 'date-time' });

const StaffView = Type.Object({
  employeeNo: Type.String(),
  nameKo: Type.String(),
  nameEn: Type.String(),
  email: Type.String(),
  role: Role,
  unitCode: Type.String(),
  unitName: Type.String(),
  unitNameEn: Type.String(),
  payGrade: Type.String(),
  skills: Type.Array(Type.String()),
  available: Type.Boolean(),
  absentUntil: Nullable(DateTime),
  active: Type.Boolean(),
  deactivatedAt: Nullable(DateTime),
  openComplaints: Type.Integer({ description: 'open complaints this person handles' }),
});
type StaffView = Static<typeof StaffView>;

const CreateStaffBody = Type.Object(
  {
    employeeNo: EmployeeNo,
    nameKo: Name,
    nameEn: Name,
    email: Email,
    unitCode: UnitCode,
    role: Role,
    payGrade: PayGrade,
    skills: Type.Optional(Skills),
    available: Type.Optional(Type.Boolean()),
    absentUntil: Type.Optional(Nullable(DateTime)),
    password: Type.String({
      minLength: 10,
      maxLength: 200,
      description: 'initial password (at least 10 characters), stored as an argon2 hash',
    }),
  },
  { additionalProperties: false },
);
const UpdateStaffBody = Type.Object(
  {
    nameKo: Type.Optional(Name),
    nameEn: Type.Optional(Name),
    email: Type.Optional(Email),
    unitCode: Type.Optional(UnitCode),
    role: Type.Optional(Role),
    payGrade: Type.Optional(PayGrade),
    skills: Type.Optional(Skills),
    available: Type.Optional(Type.Boolean()),
    absentUntil: Type.Optional(Nullable(DateTime)),
    active: Type.Optional(
      Type.Boolean({ description: 'false deactivates the account and ends its sessions; true restores it' }),
    ),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false, minProperties: 1 },
);
/** Fields of a personnel order, which HR may change too; every other field is the admins'. */
const PERSONNEL_FIELDS = new Set(['unitCode', 'role', 'reason']);

const iso = (date: Date | null) => (date ? date.toISOString() : null);

type StaffRow = Prisma.StaffGetPayload<{ include: typeof staffInclude }>;

function staffView(row: StaffRow, openComplaints: number): StaffView {
  return {
    employeeNo: row.employeeNo,
    nameKo: row.nameKo,
    nameEn: row.nameEn,
    email: row.email,
    role: row.role,
    unitCode: row.unit.code,
    unitName: row.unit.nameKo,
    unitNameEn: row.unit.nameEn,
    payGrade: row.payGrade,
    skills: row.skills,
    available: row.available,
    absentUntil: iso(row.absentUntil),
    active: row.deactivatedAt === null,
    deactivatedAt: iso(row.deactivatedAt),
    openComplaints,
  };
}

/** What the audit log keeps of a staff member (never the password hash; display names and counts left out). */
const staffAudit = (view: StaffView) => ({
  employeeNo: view.employeeNo,
  nameKo: view.nameKo,
  nameEn: view.nameEn,
  email: view.email,
  role: view.role,
  unitCode: view.unitCode,
  payGrade: view.payGrade,
  skills: view.skills,
  available: view.available,
  absentUntil: view.absentUntil,
  active: view.active,
  deactivatedAt: view.deactivatedAt,
});

async function openComplaintCounts(db: Tx, staffIds: number[]): Promise<Map<number, number>> {
  if (staffIds.length === 0) return new Map();
  const groups = await db.complaint.groupBy({
    by: ['handlerId'],
    where: { handlerId: { in: staffIds }, stage: { in: openComplaintStages } },
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g.handlerId!, g._count._all]));
}

async function loadStaffView(db: Tx, employeeNo: string): Promise<StaffView | null> {
  const row = await db.staff.findUnique({ where: { employeeNo }, include: staffInclude });
  if (!row) return null;
  const counts = await openComplaintCounts(db, [row.id]);
  return staffView(row, counts.get(row.id) ?? 0);
}

/** Open complaints and unfinished policy tasks a person holds: they must be handed over before a move. */
async function openWorkOf(tx: Tx, staffId: number) {
  const [complaints, tasks] = await Promise.all([
    tx.complaint.count({ where: { handlerId: staffId, stage: { in: openComplaintStages } } }),
    tx.policyTask.count({ where: { ownerId: staffId, stage: { notIn: [...terminalTaskStages] } } }),
  ]);
  return { complaints, tasks };
}

/** Email addresses are unique: a 409 on email naming who has it. */
async function assertEmailFree(tx: Tx, email: string) {
  const owner = await tx.staff.findUnique({ where: { email } });
  if (owner) throw conflict('email', `Email ${email} belongs to ${owner.employeeNo}`);
}

export const adminStaffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/staff',
    {
      config: { access: ['ADMIN', 'HR'] },
      schema: {
        tags,
        summary:
          'The staff directory, filtered by unit, role, active state and a search over employee number, names and email',
        querystring: Type.Object(
          {
            unitCode: Type.Optional(UnitCode),
            role: Type.Optional(Role),
            q: Type.Optional(Type.String({ maxLength: 100 })),
            active: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ total: Type.Integer(), staff: Type.Array(StaffView) }),
          ...errorsOf(401, 403, 422),
        },
      },
    },
    async (request) => {
      authorise(requireStaff(request), Action.STAFF_READ);
      const { unitCode, role, q, active, limit = 200, offset = 0 } = request.query;
      const text = q?.trim();
      const where: Prisma.StaffWhereInput = {
        ...(unitCode ? { unit: { code: unitCode } } : {}),
        ...(role ? { role } : {}),
        ...(active === undefined ? {} : active ? { deactivatedAt: null } : { deactivatedAt: { not: null } }),
        ...(text
          ? {
              OR: [
                { employeeNo: { contains: text, mode: 'insensitive' } },
                { nameKo: { contains: text, mode: 'insensitive' } },
                { nameEn: { contains: text, mode: 'insensitive' } },
                { email: { contains: text, mode: 'insensitive' } },
              ],
            }
          : {}),
      };
      const [total, rows] = await Promise.all([
        app.prisma.staff.count({ where }),
        app.prisma.staff.findMany({
          where,
          include: staffInclude,
          orderBy: { employeeNo: 'asc' },
          take: limit,
          skip: offset,
        }),
      ]);
      const counts = await openComplaintCounts(
        app.prisma,
        rows.map((r) => r.id),
      );
      return { total, staff: rows.map((row) => staffView(row, counts.get(row.id) ?? 0)) };
    },
  );

  app.get(
    '/api/admin/staff/:employeeNo',
    {
      config: { access: ['ADMIN', 'HR'] },
      schema: {
        tags,
        summary: 'One staff member',
        params: Type.Object({ employeeNo: EmployeeNo }),
        response: { 200: StaffView, ...errorsOf(401, 403, 404, 422) },
      },
    },
    async (request) => {
      authorise(requireStaff(request), Action.STAFF_READ);
      const view = await loadStaffView(app.prisma, request.params.employeeNo);
      if (!view) throw new AppError(ErrorCode.NOT_FOUND, `No staff member ${request.params.employeeNo}`);
      return view;
    },
  );

  app.post(
    '/api/admin/staff',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags,
        summary:
          'Creates a staff account with an initial password (argon2-hashed). 201 with Location; the same request again answers 200, another one with a taken employee number or email 409. Audited (never the password).',
        body: CreateStaffBody,
        response: { 200: StaffView, 201: StaffView, ...errorsOf(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      authorise(staff, Action.DIRECTORY_MANAGE);
      const body = request.body;
      // Hashing is slow on purpose: do it before taking the directory lock.
      const passwordHash = await hash(body.password);
      const status = await createOrReplay(app.prisma, {
        find: (tx) => tx.staff.findUnique({ where: { employeeNo: body.employeeNo }, include: staffInclude }),
        isRepeat: async (existing) =>
          existing.nameKo === body.nameKo &&
          existing.nameEn === body.nameEn &&
          existing.email === body.email &&
          existing.unit.code === body.unitCode &&
          existing.role === body.role &&
          existing.payGrade === body.payGrade &&
          (await verify(existing.passwordHash, body.password).catch(() => false)),
        taken: { field: 'employeeNo', message: `Employee number ${body.employeeNo} is already taken` },
        create: async (tx) => {
          await assertEmailFree(tx, body.email);
          const unit = await staffUnit(tx, body.unitCode);
          await checkRoleFitsUnit(tx, { employeeNo: body.employeeNo, role: body.role, unit }, 'role');
          const row = await tx.staff.create({
            data: {
              employeeNo: body.employeeNo,
              nameKo: body.nameKo,
              nameEn: body.nameEn,
              email: body.email,
              role: body.role,
              unitId: unit.id,
              payGrade: body.payGrade,
              skills: body.skills ?? [],
              available: body.available ?? true,
              absentUntil: body.absentUntil ? new Date(body.absentUntil) : null,
              passwordHash,
            },
            include: staffInclude,
          });
          return staffAudit(staffView(row, 0));
        },
        audit: { actor: staff.employeeNo, action: 'staff.create', subject: `staff:${body.employeeNo}` },
      });
      void reply.header('location', `/api/admin/staff/${body.employeeNo}`);
      return reply.status(status).send((await loadStaffView(app.prisma, body.employeeNo))!);
    },
  );

  app.put(
    '/api/admin/staff/:employeeNo',
    {
      config: { access: ['ADMIN', 'HR'] },
      schema: {
        tags,
        summary:
          "Changes a staff member. HR and admins issue personnel orders (unitCode, role; not about themselves; only admins touch the ADMIN role); admins also change details, availability and absence, and deactivate (active: false ends the person's sessions). Someone holding open complaints or tasks cannot change unit or be deactivated (409). Audited with before and after.",
        params: Type.Object({ employeeNo: EmployeeNo }),
        body: UpdateStaffBody,
        response: { 200: StaffView, 202: HeadRoleChangeView, ...errorsOf(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request);
      const { employeeNo } = request.params;
      const body = request.body;
      if (Object.keys(body).some((field) => !PERSONNEL_FIELDS.has(field))) {
        authorise(actor, Action.DIRECTORY_MANAGE);
      }
      const pendingHead = await requestHeadRoleChange(app.prisma, actor, employeeNo, body);
      if (pendingHead) return reply.status(202).send(pendingHead);
      await inDirectoryTransaction(app.prisma, async (tx) => {
        const row = await tx.staff.findUnique({ where: { employeeNo }, include: staffInclude });
        if (!row) throw new AppError(ErrorCode.NOT_FOUND, `No staff member ${employeeNo}`);
        const counts = await openComplaintCounts(tx, [row.id]);
        const before = staffView(row, counts.get(row.id) ?? 0);
        const roleChanges = body.role !== undefined && body.role !== row.role;
        const unitChanges = body.unitCode !== undefined && body.unitCode !== row.unit.code;
        if (roleChanges || unitChanges) {
          authorise(actor, Action.STAFF_MOVE, {
            subjectNo: employeeNo,
            roles: roleChanges ? [row.role, body.role!] : [],
          });
        }
        const data: Prisma.StaffUncheckedUpdateInput = {};
        for (const field of ['nameKo', 'nameEn', 'payGrade', 'skills', 'available'] as const) {
          if (body[field] !== undefined) (data as Record<string, unknown>)[field] = body[field];
        }
        if (body.absentUntil !== undefined)
          data.absentUntil = body.absentUntil ? new Date(body.absentUntil) : null;
        if (body.email !== undefined && body.email !== row.email) {
          await assertEmailFree(tx, body.email);
          data.email = body.email;
        }
        const deactivating = body.active === false && row.deactivatedAt === null;
        if (deactivating && employeeNo === actor.employeeNo) {
          throw conflict('active', 'You cannot deactivate your own account');
        }
        if (unitChanges || deactivating) {
          const open = await openWorkOf(tx, row.id);
          if (open.complaints + open.tasks > 0) {
            throw conflict(
              deactivating ? 'active' : 'unitCode',
              `${employeeNo} still holds ${open.complaints} open complaint(s) and ${open.tasks} unfinished task(s); reassign them first`,
            );
          }
        }
        if (roleChanges || unitChanges || (body.active === true && row.deactivatedAt !== null)) {
          const unit = await staffUnit(tx, body.unitCode ?? row.unit.code);
          await checkRoleFitsUnit(
            tx,
            { employeeNo, role: body.role ?? row.role, unit },
            roleChanges ? 'role' : 'unitCode',
          );
          if (unitChanges) data.unitId = unit.id;
          if (roleChanges) data.role = body.role;
        }
        if (body.active !== undefined) {
          if (deactivating) data.deactivatedAt = new Date();
          if (body.active) data.deactivatedAt = null;
        }
        const updated = await tx.staff.update({ where: { employeeNo }, data, include: staffInclude });
        let sessionsEnded = 0;
        if (deactivating) {
          sessionsEnded = (
            await tx.session.updateMany({
              where: { staffId: row.id, revokedAt: null },
              data: { revokedAt: new Date() },
            })
          ).count;
        }
        const after = staffView(updated, before.openComplaints);
        await appendAuditOfChange(tx, {
          actor: actor.employeeNo,
          action: deactivating ? 'staff.deactivate' : 'staff.update',
          subject: `staff:${employeeNo}`,
          before: staffAudit(before),
          after: { ...staffAudit(after), ...(deactivating ? { sessionsEnded } : {}) },
          reason: body.reason,
        });
      });
      return (await loadStaffView(app.prisma, employeeNo))!;
    },
  );
};
