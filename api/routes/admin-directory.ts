import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from 'typebox';
import { hash, verify } from '@node-rs/argon2';
import type { Prisma } from '@prisma/client';
import { openComplaintStages } from '../../domain/complaint.ts';
import {
  allowedParentKinds,
  ComplaintKinds,
  headRoleOf,
  slaDaysLimits,
  slaDaysProblem,
  treeOrder,
  unitKindsForRole,
  UnitKinds,
  wouldCreateCycle,
  type ComplaintKindName,
  type UnitKindName,
} from '../../domain/directory.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, decide, StaffRoles, type Scope, type StaffRoleName } from '../../domain/policy.ts';
import { terminalTaskStages } from '../../domain/policy-task.ts';
import { appendAudit, appendAuditOfChange } from '../../platform/audit.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { EmployeeNo, RowId } from '../schemas.ts';

/**
 * The organisation directory (issue 6): units, staff accounts and complaint categories. Admins manage
 * it; HR reads the staff directory and issues personnel orders (unit and role; see domain/policy.ts).
 * Every change is audited with before and after in the same transaction; changes apply to the next
 * complaint at once, because intake and assignment read these tables.
 */

type Tx = Prisma.TransactionClient;

// Serialises directory changes, so cycle, head and duplicate checks see the state they write over.
const DIRECTORY_LOCK = 7_310_002;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const UnitCode = Type.String({
  minLength: 2,
  maxLength: 20,
  pattern: '^[A-Z][A-Z0-9-]+$',
  description: 'upper-case letters, digits and dashes, e.g. T14',
});
const CategoryCode = Type.String({
  minLength: 3,
  maxLength: 40,
  pattern: '^[A-Z][A-Z0-9]*-[A-Z0-9-]+$',
  description: 'kind letter, dash, name, e.g. Q-PENSION',
});
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Reason = Type.String({ minLength: 1, maxLength: 500, description: 'recorded in the audit log' });
const UnitKind = Type.Enum(UnitKinds);
const Role = Type.Enum(StaffRoles);
const ComplaintKind = Type.Enum(ComplaintKinds);
const PayGrade = Type.String({ pattern: '^[1-9]급$', description: 'pay grade, e.g. 6급' });
const Skill = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9-]*$' });
const Skills = Type.Array(Skill, { maxItems: 20, uniqueItems: true });
const Email = Type.String({ format: 'email', maxLength: 254 });
const DateTime = Type.String({ format: 'date-time' });

const OrgUnitView = Type.Object({
  code: Type.String(),
  kind: UnitKind,
  nameKo: Type.String(),
  nameEn: Type.String(),
  parentCode: Nullable(Type.String()),
  depth: Type.Integer({ description: '0 for the ministry' }),
  staffCount: Type.Integer({ description: 'active staff in the unit itself' }),
  childCount: Type.Integer(),
  categoryCount: Type.Integer(),
});
type OrgUnitView = Static<typeof OrgUnitView>;

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

const CategoryView = Type.Object({
  code: Type.String(),
  nameKo: Type.String(),
  nameEn: Type.String(),
  kind: ComplaintKind,
  teamCode: Type.String(),
  teamName: Type.String(),
  teamNameEn: Type.String(),
  slaDays: Type.Integer(),
  skill: Nullable(Type.String()),
  active: Type.Boolean(),
});
type CategoryView = Static<typeof CategoryView>;

const CreateUnitBody = Type.Object(
  { code: UnitCode, kind: UnitKind, nameKo: Name, nameEn: Name, parentCode: Nullable(UnitCode) },
  { additionalProperties: false },
);
const UpdateUnitBody = Type.Object(
  {
    nameKo: Type.Optional(Name),
    nameEn: Type.Optional(Name),
    parentCode: Type.Optional(Nullable(UnitCode)),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false, minProperties: 1 },
);
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

const HeadRoleChangeView = Type.Object({
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

const CreateCategoryBody = Type.Object(
  {
    code: CategoryCode,
    nameKo: Name,
    nameEn: Name,
    kind: ComplaintKind,
    teamCode: UnitCode,
    slaDays: Type.Integer({ minimum: 1, maximum: 90 }),
    skill: Type.Optional(Nullable(Skill)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const UpdateCategoryBody = Type.Object(
  {
    nameKo: Type.Optional(Name),
    nameEn: Type.Optional(Name),
    kind: Type.Optional(ComplaintKind),
    teamCode: Type.Optional(UnitCode),
    slaDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
    skill: Type.Optional(Nullable(Skill)),
    active: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false, minProperties: 1 },
);

const errorsOf = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
const tags = ['admin'];

/** A 4xx naming the field, in the shape request validation uses, so forms show it next to the field. */
const fieldError = (code: ErrorCode, field: string, message: string) =>
  new AppError(code, message, [{ path: `/${field}`, message }]);
const invalid = (field: string, message: string) => fieldError(ErrorCode.VALIDATION, field, message);
const conflict = (field: string, message: string) => fieldError(ErrorCode.CONFLICT, field, message);

function authorise(staff: SessionStaff, action: Action, scope: Scope = {}) {
  const decision = decide(staff, action, scope);
  if (!decision.allowed) throw new AppError(ErrorCode.FORBIDDEN, `Only ${decision.who} may do this`);
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const staffInclude = { unit: { select: { code: true, nameKo: true, nameEn: true } } } as const;
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

const categoryInclude = { team: { select: { code: true, nameKo: true, nameEn: true } } } as const;
type CategoryRow = Prisma.ComplaintCategoryGetPayload<{ include: typeof categoryInclude }>;

const categoryView = (row: CategoryRow): CategoryView => ({
  code: row.code,
  nameKo: row.nameKo,
  nameEn: row.nameEn,
  kind: row.kind,
  teamCode: row.team.code,
  teamName: row.team.nameKo,
  teamNameEn: row.team.nameEn,
  slaDays: row.slaDays,
  skill: row.skill,
  active: row.active,
});

const categoryAudit = (view: CategoryView) => ({
  code: view.code,
  nameKo: view.nameKo,
  nameEn: view.nameEn,
  kind: view.kind,
  teamCode: view.teamCode,
  slaDays: view.slaDays,
  skill: view.skill,
  active: view.active,
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

async function loadUnits(db: Tx): Promise<OrgUnitView[]> {
  const [units, staff, categories] = await Promise.all([
    db.orgUnit.findMany({ include: { parent: { select: { code: true } } } }),
    db.staff.groupBy({ by: ['unitId'], where: { deactivatedAt: null }, _count: { _all: true } }),
    db.complaintCategory.groupBy({ by: ['teamId'], _count: { _all: true } }),
  ]);
  const staffCount = new Map(staff.map((g) => [g.unitId, g._count._all]));
  const categoryCount = new Map(categories.map((g) => [g.teamId, g._count._all]));
  const childCount = new Map<number, number>();
  for (const unit of units)
    if (unit.parentId !== null) childCount.set(unit.parentId, (childCount.get(unit.parentId) ?? 0) + 1);
  return treeOrder(
    units.map((unit) => ({
      code: unit.code,
      kind: unit.kind,
      nameKo: unit.nameKo,
      nameEn: unit.nameEn,
      parentCode: unit.parent?.code ?? null,
      staffCount: staffCount.get(unit.id) ?? 0,
      childCount: childCount.get(unit.id) ?? 0,
      categoryCount: categoryCount.get(unit.id) ?? 0,
    })),
  );
}

async function loadUnit(db: Tx, code: string): Promise<OrgUnitView | undefined> {
  return (await loadUnits(db)).find((unit) => unit.code === code);
}

const unitAudit = (unit: {
  code: string;
  kind: string;
  nameKo: string;
  nameEn: string;
  parentCode: string | null;
}) => ({
  code: unit.code,
  kind: unit.kind,
  nameKo: unit.nameKo,
  nameEn: unit.nameEn,
  parentCode: unit.parentCode,
});

/** The parent a unit of this kind may have: it must exist and be of an allowed kind. */
async function resolveParent(tx: Tx, kind: UnitKindName, parentCode: string | null) {
  const allowed = allowedParentKinds[kind];
  if (parentCode === null) {
    if (allowed.length > 0)
      throw invalid('parentCode', `A ${kind} unit needs a parent unit (${allowed.join(' or ')})`);
    if (await tx.orgUnit.findFirst({ where: { kind: 'MINISTRY' } }))
      throw conflict('kind', 'There is already a ministry at the root of the organisation');
    return null;
  }
  const parent = await tx.orgUnit.findUnique({ where: { code: parentCode } });
  if (!parent) throw invalid('parentCode', `No unit ${parentCode}`);
  if (!allowed.includes(parent.kind)) {
    throw invalid(
      'parentCode',
      allowed.length === 0
        ? `A ${kind} unit has no parent`
        : `A ${kind} unit belongs to a ${allowed.join(' or ')}, not to ${parent.kind} ${parent.code}`,
    );
  }
  return parent;
}

/** Open complaints and unfinished policy tasks a person holds: they must be handed over before a move. */
async function openWorkOf(tx: Tx, staffId: number) {
  const [complaints, tasks] = await Promise.all([
    tx.complaint.count({ where: { handlerId: staffId, stage: { in: openComplaintStages } } }),
    tx.policyTask.count({ where: { ownerId: staffId, stage: { notIn: [...terminalTaskStages] } } }),
  ]);
  return { complaints, tasks };
}

async function checkRoleFitsUnit(
  tx: Tx,
  input: { employeeNo: string; role: StaffRoleName; unit: { id: number; code: string; kind: UnitKindName } },
  fieldOnMismatch: 'role' | 'unitCode',
) {
  const kinds = unitKindsForRole[input.role];
  if (!kinds.includes(input.unit.kind)) {
    throw invalid(
      fieldOnMismatch,
      `A ${input.role} works in a ${kinds.join(' or ')}, not in ${input.unit.kind} ${input.unit.code}`,
    );
  }
  if (headRoleOf[input.unit.kind] === input.role) {
    const head = await tx.staff.findFirst({
      where: {
        unitId: input.unit.id,
        role: input.role,
        deactivatedAt: null,
        employeeNo: { not: input.employeeNo },
      },
    });
    if (head) {
      throw conflict(
        fieldOnMismatch,
        `${input.unit.code} already has a ${input.role} (${head.employeeNo} ${head.nameKo}); change that first`,
      );
    }
  }
}

/** The unit a staff member is placed in: a 422 on unitCode when there is none. */
async function staffUnit(tx: Tx, unitCode: string) {
  const unit = await tx.orgUnit.findUnique({ where: { code: unitCode } });
  if (!unit) throw invalid('unitCode', `No unit ${unitCode}`);
  return unit;
}

/** Email addresses are unique: a 409 on email naming who has it. */
async function assertEmailFree(tx: Tx, email: string) {
  const owner = await tx.staff.findUnique({ where: { email } });
  if (owner) throw conflict('email', `Email ${email} belongs to ${owner.employeeNo}`);
}

/** A team that receives complaints needs someone who can be assigned them. */
async function requireHandlingTeam(tx: Tx, teamCode: string) {
  const team = await tx.orgUnit.findUnique({ where: { code: teamCode } });
  if (!team) throw invalid('teamCode', `No unit ${teamCode}`);
  if (team.kind !== 'TEAM')
    throw invalid('teamCode', `${teamCode} is a ${team.kind}; categories belong to a TEAM`);
  const handlers = await tx.staff.count({ where: { unitId: team.id, role: 'STAFF', deactivatedAt: null } });
  if (handlers === 0)
    throw invalid('teamCode', `Team ${teamCode} has no active staff member who could handle complaints`);
  return team;
}

export const adminDirectoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const inTransaction = <T>(work: (tx: Tx) => Promise<T>) =>
    app.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DIRECTORY_LOCK})`;
      return work(tx);
    });

  // ---------------------------------------------------------------------------------------------------
  // Organisation units

  app.get(
    '/api/admin/org-units',
    {
      config: { access: ['ADMIN', 'HR'] },
      schema: {
        tags,
        summary:
          'Every organisation unit in tree order (parents before children, with depth), with counts of active staff, child units and categories',
        response: { 200: Type.Object({ units: Type.Array(OrgUnitView) }), ...errorsOf(401, 403) },
      },
    },
    async () => ({ units: await loadUnits(app.prisma) }),
  );

  app.get(
    '/api/admin/org-units/:code',
    {
      config: { access: ['ADMIN', 'HR'] },
      schema: {
        tags,
        summary: 'One organisation unit',
        params: Type.Object({ code: UnitCode }),
        response: { 200: OrgUnitView, ...errorsOf(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const unit = await loadUnit(app.prisma, request.params.code);
      if (!unit) throw new AppError(ErrorCode.NOT_FOUND, `No unit ${request.params.code}`);
      return unit;
    },
  );

  app.post(
    '/api/admin/org-units',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags,
        summary:
          'Creates a unit under its parent (ministry → headquarters → team; a headquarters may nest). 201 with Location; the same request again answers 200, a different one for the same code 409. Audited.',
        body: CreateUnitBody,
        response: { 200: OrgUnitView, 201: OrgUnitView, ...errorsOf(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      authorise(staff, Action.DIRECTORY_MANAGE);
      const body = request.body;
      const created = await inTransaction(async (tx) => {
        const existing = await tx.orgUnit.findUnique({
          where: { code: body.code },
          include: { parent: { select: { code: true } } },
        });
        if (existing) {
          const same =
            existing.kind === body.kind &&
            existing.nameKo === body.nameKo &&
            existing.nameEn === body.nameEn &&
            (existing.parent?.code ?? null) === body.parentCode;
          if (same) return false;
          throw conflict('code', `A unit with code ${body.code} already exists`);
        }
        const parent = await resolveParent(tx, body.kind, body.parentCode);
        await tx.orgUnit.create({
          data: {
            code: body.code,
            kind: body.kind,
            nameKo: body.nameKo,
            nameEn: body.nameEn,
            parentId: parent?.id ?? null,
          },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'org-unit.create',
          subject: `org-unit:${body.code}`,
          after: unitAudit(body),
        });
        return true;
      });
      void reply.header('location', `/api/admin/org-units/${body.code}`);
      return reply.status(created ? 201 : 200).send((await loadUnit(app.prisma, body.code))!);
    },
  );

  app.put(
    '/api/admin/org-units/:code',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags,
        summary:
          "Renames a unit or moves it under another parent; a move into the unit's own subtree is refused (422). Audited with before and after.",
        params: Type.Object({ code: UnitCode }),
        body: UpdateUnitBody,
        response: { 200: OrgUnitView, ...errorsOf(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      authorise(staff, Action.DIRECTORY_MANAGE);
      const { code } = request.params;
      const body = request.body;
      await inTransaction(async (tx) => {
        const unit = await tx.orgUnit.findUnique({
          where: { code },
          include: { parent: { select: { code: true } } },
        });
        if (!unit) throw new AppError(ErrorCode.NOT_FOUND, `No unit ${code}`);
        const before = unitAudit({ ...unit, parentCode: unit.parent?.code ?? null });
        const data: Prisma.OrgUnitUncheckedUpdateInput = {};
        if (body.nameKo !== undefined) data.nameKo = body.nameKo;
        if (body.nameEn !== undefined) data.nameEn = body.nameEn;
        if (body.parentCode !== undefined && body.parentCode !== before.parentCode) {
          const all = await tx.orgUnit.findMany({ include: { parent: { select: { code: true } } } });
          const parentOf = new Map(all.map((u) => [u.code, u.parent?.code ?? null]));
          if (wouldCreateCycle(code, body.parentCode, parentOf)) {
            throw invalid(
              'parentCode',
              `${body.parentCode} lies inside ${code}'s own subtree: a unit cannot be moved under itself`,
            );
          }
          const parent = await resolveParent(tx, unit.kind, body.parentCode);
          data.parentId = parent?.id ?? null;
        }
        await tx.orgUnit.update({ where: { code }, data });
        const after = {
          ...before,
          ...(body.nameKo !== undefined ? { nameKo: body.nameKo } : {}),
          ...(body.nameEn !== undefined ? { nameEn: body.nameEn } : {}),
          ...(body.parentCode !== undefined ? { parentCode: body.parentCode } : {}),
        };
        await appendAuditOfChange(tx, {
          actor: staff.employeeNo,
          action: 'org-unit.update',
          subject: `org-unit:${code}`,
          before,
          after,
          reason: body.reason,
        });
      });
      return (await loadUnit(app.prisma, code))!;
    },
  );

  app.delete(
    '/api/admin/org-units/:code',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags,
        summary:
          'Deletes a unit that nothing refers to; a unit with staff (active or not), child units, categories, complaints, tasks or a strategy map is refused with 409 naming why. Audited.',
        params: Type.Object({ code: UnitCode }),
        response: { 204: Type.Null(), ...errorsOf(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      authorise(staff, Action.DIRECTORY_MANAGE);
      const { code } = request.params;
      await inTransaction(async (tx) => {
        const unit = await tx.orgUnit.findUnique({
          where: { code },
          include: {
            parent: { select: { code: true } },
            _count: {
              select: {
                staff: true,
                children: true,
                categories: true,
                complaints: true,
                tasks: true,
                objectives: true,
                strategyMaps: true,
              },
            },
          },
        });
        if (!unit) throw new AppError(ErrorCode.NOT_FOUND, `No unit ${code}`);
        const c = unit._count;
        const reasons = [
          c.staff > 0
            ? `${c.staff} staff member(s) (move or keep them; deactivated ones stay for history)`
            : '',
          c.children > 0 ? `${c.children} child unit(s)` : '',
          c.categories > 0 ? `${c.categories} complaint categor(y/ies)` : '',
          c.complaints > 0 ? `${c.complaints} complaint(s)` : '',
          c.tasks > 0 ? `${c.tasks} policy task(s)` : '',
          c.objectives + c.strategyMaps > 0 ? 'a strategy map and objectives' : '',
        ].filter(Boolean);
        if (reasons.length > 0) {
          throw new AppError(
            ErrorCode.CONFLICT,
            `Unit ${code} cannot be deleted: it has ${reasons.join(', ')}`,
          );
        }
        await tx.orgUnit.delete({ where: { code } });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'org-unit.delete',
          subject: `org-unit:${code}`,
          before: unitAudit({ ...unit, parentCode: unit.parent?.code ?? null }),
        });
      });
      return reply.status(204).send(null);
    },
  );

  // ---------------------------------------------------------------------------------------------------
  // Staff

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
      const created = await inTransaction(async (tx) => {
        const existing = await tx.staff.findUnique({
          where: { employeeNo: body.employeeNo },
          include: staffInclude,
        });
        if (existing) {
          const same =
            existing.nameKo === body.nameKo &&
            existing.nameEn === body.nameEn &&
            existing.email === body.email &&
            existing.unit.code === body.unitCode &&
            existing.role === body.role &&
            existing.payGrade === body.payGrade &&
            (await verify(existing.passwordHash, body.password).catch(() => false));
          if (same) return false;
          throw conflict('employeeNo', `Employee number ${body.employeeNo} is already taken`);
        }
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
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'staff.create',
          subject: `staff:${body.employeeNo}`,
          after: staffAudit(staffView(row, 0)),
        });
        return true;
      });
      void reply.header('location', `/api/admin/staff/${body.employeeNo}`);
      return reply.status(created ? 201 : 200).send((await loadStaffView(app.prisma, body.employeeNo))!);
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
      const pendingHead = await requestHeadRoleChange(actor, employeeNo, body);
      if (pendingHead) return reply.status(202).send(pendingHead);
      await inTransaction(async (tx) => {
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

  // ---------------------------------------------------------------------------------------------------
  // The HEAD role: two people (an admin asks, the head or a second admin confirms)

  /**
   * A role change that grants or removes HEAD is not applied but asked for (202): the head is the only
   * year-end approver, so one admin alone must not be able to replace them. Null for any other change.
   */
  async function requestHeadRoleChange(
    actor: SessionStaff,
    employeeNo: string,
    body: { role?: StaffRoleName; reason?: string },
  ): Promise<HeadRoleChangeView | null> {
    if (body.role === undefined) return null;
    const row = await app.prisma.staff.findUnique({ where: { employeeNo } });
    if (!row || row.role === body.role || (row.role !== 'HEAD' && body.role !== 'HEAD')) return null;
    authorise(actor, Action.STAFF_MOVE, { subjectNo: employeeNo, roles: [row.role, body.role] });
    return inTransaction(async (tx) => {
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
      return inTransaction(async (tx) => {
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

  // ---------------------------------------------------------------------------------------------------
  // Complaint categories

  app.get(
    '/api/admin/categories',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags,
        summary:
          'Every complaint category, inactive ones included, with its team and processing period; `limits` are the periods the law allows per kind',
        response: {
          200: Type.Object({
            categories: Type.Array(CategoryView),
            limits: Type.Record(Type.String(), Type.Object({ min: Type.Integer(), max: Type.Integer() })),
          }),
          ...errorsOf(401, 403),
        },
      },
    },
    async () => {
      const rows = await app.prisma.complaintCategory.findMany({
        include: categoryInclude,
        orderBy: { code: 'asc' },
      });
      return { categories: rows.map(categoryView), limits: slaDaysLimits };
    },
  );

  app.get(
    '/api/admin/categories/:code',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags,
        summary: 'One complaint category, active or not',
        params: Type.Object({ code: CategoryCode }),
        response: { 200: CategoryView, ...errorsOf(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const row = await app.prisma.complaintCategory.findUnique({
        where: { code: request.params.code },
        include: categoryInclude,
      });
      if (!row) throw new AppError(ErrorCode.NOT_FOUND, `No category ${request.params.code}`);
      return categoryView(row);
    },
  );

  app.post(
    '/api/admin/categories',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags,
        summary:
          'Creates a complaint category for a team with staff, within the legal processing period for its kind. 201 with Location; the same request again 200, another one for the same code 409. Audited.',
        body: CreateCategoryBody,
        response: { 200: CategoryView, 201: CategoryView, ...errorsOf(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      authorise(staff, Action.DIRECTORY_MANAGE);
      const body = request.body;
      const problem = slaDaysProblem(body.kind, body.slaDays);
      if (problem) throw invalid('slaDays', problem);
      const created = await inTransaction(async (tx) => {
        const existing = await tx.complaintCategory.findUnique({
          where: { code: body.code },
          include: categoryInclude,
        });
        if (existing) {
          const view = categoryView(existing);
          const same =
            view.nameKo === body.nameKo &&
            view.nameEn === body.nameEn &&
            view.kind === body.kind &&
            view.teamCode === body.teamCode &&
            view.slaDays === body.slaDays &&
            view.skill === (body.skill ?? null) &&
            view.active === (body.active ?? true);
          if (same) return false;
          throw conflict('code', `A category with code ${body.code} already exists`);
        }
        const team = await requireHandlingTeam(tx, body.teamCode);
        const row = await tx.complaintCategory.create({
          data: {
            code: body.code,
            nameKo: body.nameKo,
            nameEn: body.nameEn,
            kind: body.kind,
            teamId: team.id,
            slaDays: body.slaDays,
            skill: body.skill ?? null,
            active: body.active ?? true,
          },
          include: categoryInclude,
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'category.create',
          subject: `category:${body.code}`,
          after: categoryAudit(categoryView(row)),
        });
        return true;
      });
      const row = await app.prisma.complaintCategory.findUniqueOrThrow({
        where: { code: body.code },
        include: categoryInclude,
      });
      void reply.header('location', `/api/admin/categories/${body.code}`);
      return reply.status(created ? 201 : 200).send(categoryView(row));
    },
  );

  app.put(
    '/api/admin/categories/:code',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags,
        summary:
          'Changes a category: names, kind, responsible team, processing period (within the legal limit for its kind), skill, active. New complaints follow at once; filed ones keep their team and due date. Audited with before and after.',
        params: Type.Object({ code: CategoryCode }),
        body: UpdateCategoryBody,
        response: { 200: CategoryView, ...errorsOf(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      authorise(staff, Action.DIRECTORY_MANAGE);
      const { code } = request.params;
      const body = request.body;
      const updated = await inTransaction(async (tx) => {
        const row = await tx.complaintCategory.findUnique({ where: { code }, include: categoryInclude });
        if (!row) throw new AppError(ErrorCode.NOT_FOUND, `No category ${code}`);
        const before = categoryView(row);
        const kind: ComplaintKindName = body.kind ?? before.kind;
        const slaDays = body.slaDays ?? before.slaDays;
        const problem = slaDaysProblem(kind, slaDays);
        if (problem) throw invalid(body.slaDays === undefined ? 'kind' : 'slaDays', problem);
        const data: Prisma.ComplaintCategoryUncheckedUpdateInput = {};
        for (const field of ['nameKo', 'nameEn', 'kind', 'slaDays', 'skill', 'active'] as const) {
          if (body[field] !== undefined) (data as Record<string, unknown>)[field] = body[field];
        }
        const teamChanges = body.teamCode !== undefined && body.teamCode !== before.teamCode;
        const reactivates = body.active === true && !before.active;
        if (teamChanges || reactivates) {
          data.teamId = (await requireHandlingTeam(tx, body.teamCode ?? before.teamCode)).id;
        }
        const next = await tx.complaintCategory.update({ where: { code }, data, include: categoryInclude });
        const after = categoryView(next);
        await appendAuditOfChange(tx, {
          actor: staff.employeeNo,
          action: 'category.update',
          subject: `category:${code}`,
          before: categoryAudit(before),
          after: categoryAudit(after),
          reason: body.reason,
        });
        return after;
      });
      return updated;
    },
  );
};
