import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { Prisma } from '@prisma/client';
import {
  ComplaintKinds,
  slaDaysLimits,
  slaDaysProblem,
  type ComplaintKindName,
} from '../../domain/directory.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action } from '../../domain/policy.ts';
import { appendAuditOfChange } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import {
  authorise,
  createOrReplay,
  errorsOf,
  inDirectoryTransaction,
  invalid,
  Name,
  Nullable,
  Reason,
  Skill,
  tags,
  UnitCode,
  type Tx,
} from './admin-directory-shared.ts';

/** Complaint categories: what intake offers, which team handles each kind and in how many days. */

const CategoryCode = Type.String({
  minLength: 3,
  maxLength: 40,
  pattern: '^[A-Z][A-Z0-9]*-[A-Z0-9-]+$',
  description: 'kind letter, dash, name, e.g. Q-PENSION',
});
const ComplaintKind = Type.Enum(ComplaintKinds);

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

export const adminCategoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      const status = await createOrReplay(app.prisma, {
        find: (tx) =>
          tx.complaintCategory.findUnique({ where: { code: body.code }, include: categoryInclude }),
        isRepeat: (existing) => {
          const view = categoryView(existing);
          return (
            view.nameKo === body.nameKo &&
            view.nameEn === body.nameEn &&
            view.kind === body.kind &&
            view.teamCode === body.teamCode &&
            view.slaDays === body.slaDays &&
            view.skill === (body.skill ?? null) &&
            view.active === (body.active ?? true)
          );
        },
        taken: { field: 'code', message: `A category with code ${body.code} already exists` },
        create: async (tx) => {
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
          return categoryAudit(categoryView(row));
        },
        audit: { actor: staff.employeeNo, action: 'category.create', subject: `category:${body.code}` },
      });
      const row = await app.prisma.complaintCategory.findUniqueOrThrow({
        where: { code: body.code },
        include: categoryInclude,
      });
      void reply.header('location', `/api/admin/categories/${body.code}`);
      return reply.status(status).send(categoryView(row));
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
      const updated = await inDirectoryTransaction(app.prisma, async (tx) => {
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
