import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { Prisma } from '@prisma/client';
import {
  allowedParentKinds,
  treeOrder,
  UnitKinds,
  wouldCreateCycle,
  type UnitKindName,
} from '../../domain/directory.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action } from '../../domain/policy.ts';
import { appendAudit, appendAuditOfChange } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import {
  authorise,
  conflict,
  createOrReplay,
  errorsOf,
  inDirectoryTransaction,
  invalid,
  Name,
  Nullable,
  Reason,
  tags,
  UnitCode,
  type Tx,
} from './admin-directory-shared.ts';

/** The organisation units of the directory: the tree of ministry, headquarters and teams. */

const UnitKind = Type.Enum(UnitKinds);

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

export const adminOrgUnitRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      const status = await createOrReplay(app.prisma, {
        find: (tx) =>
          tx.orgUnit.findUnique({
            where: { code: body.code },
            include: { parent: { select: { code: true } } },
          }),
        isRepeat: (existing) =>
          existing.kind === body.kind &&
          existing.nameKo === body.nameKo &&
          existing.nameEn === body.nameEn &&
          (existing.parent?.code ?? null) === body.parentCode,
        taken: { field: 'code', message: `A unit with code ${body.code} already exists` },
        create: async (tx) => {
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
          return unitAudit(body);
        },
        audit: { actor: staff.employeeNo, action: 'org-unit.create', subject: `org-unit:${body.code}` },
      });
      void reply.header('location', `/api/admin/org-units/${body.code}`);
      return reply.status(status).send((await loadUnit(app.prisma, body.code))!);
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
      await inDirectoryTransaction(app.prisma, async (tx) => {
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
      await inDirectoryTransaction(app.prisma, async (tx) => {
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
};
