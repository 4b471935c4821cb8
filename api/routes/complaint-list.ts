import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Prisma } from '@prisma/client';
import { openComplaintStages } from '../../domain/complaint.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { complaintReadScope } from '../../domain/policy.ts';
import {
  complaintQueues,
  complaintSorts,
  countStatement,
  decodeCursor,
  encodeCursor,
  listStatement,
  maskName,
  pgValues,
  type Caller,
  type ComplaintFilters,
  type ComplaintRow,
} from '../complaint-search.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { sqlPool } from '../../platform/prisma.ts';

const oneOf = <T extends string>(values: readonly T[], options: { default?: T } = {}) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], ...options }));

const Named = Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() });

const ListItem = Type.Object({
  receiptNo: Type.String(),
  title: Type.String(),
  stage: Type.String(),
  category: Named,
  team: Named,
  handler: Type.Union([
    Type.Object({ employeeNo: Type.String(), name: Type.String(), nameEn: Type.String() }),
    Type.Null(),
  ]),
  /** Masked (김*원): lists show enough to recognise a case, the case file shows the whole name. */
  citizen: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  overdue: Type.Boolean(),
  pendingStep: Type.Union([Type.String(), Type.Null()]),
});

const DateTime = Type.String({ format: 'date-time' });

const ListQuery = Type.Object({
  stage: Type.Optional(Type.Array(Type.String({ maxLength: 30 }), { maxItems: 10 })),
  team: Type.Optional(Type.String({ maxLength: 20 })),
  handler: Type.Optional(Type.String({ maxLength: 20 })),
  category: Type.Optional(Type.String({ maxLength: 40 })),
  overdue: Type.Optional(Type.Boolean()),
  dueBefore: Type.Optional(DateTime),
  receivedFrom: Type.Optional(DateTime),
  receivedTo: Type.Optional(DateTime),
  q: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
  queue: Type.Optional(oneOf(complaintQueues)),
  sort: Type.Optional(oneOf(complaintSorts, { default: '-receivedAt' })),
  cursor: Type.Optional(Type.String({ maxLength: 400 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

const Queue = Type.Object({ id: oneOf(complaintQueues), count: Type.Integer() });

const AssignableStaff = Type.Object({
  employeeNo: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  team: Named,
  openLoad: Type.Integer(),
  available: Type.Boolean(),
});

const callerOf = (staff: SessionStaff): Caller => ({
  id: staff.id,
  employeeNo: staff.employeeNo,
  role: staff.role,
  unitCode: staff.unitCode,
  headquartersCode: staff.headquartersCode,
});

const toItem = (row: ComplaintRow) => ({
  receiptNo: row.receiptNo,
  title: row.title,
  stage: row.stage,
  category: { code: row.categoryCode, name: row.categoryName, nameEn: row.categoryNameEn },
  team: { code: row.teamCode, name: row.teamName, nameEn: row.teamNameEn },
  handler:
    row.handlerNo === null
      ? null
      : { employeeNo: row.handlerNo, name: row.handlerName ?? '', nameEn: row.handlerNameEn ?? '' },
  citizen: maskName(row.citizenName),
  receivedAt: row.receivedAt.toISOString(),
  dueAt: row.dueAt.toISOString(),
  overdue: row.overdue,
  pendingStep: row.pendingStep,
});

/** Which queues a person has: a leader reviews, a director and above watch their headquarters. */
function queuesFor(staff: SessionStaff) {
  return complaintQueues.filter(
    (queue) =>
      (queue !== 'awaiting-my-review' || staff.role === 'TEAM_LEADER') &&
      (queue !== 'overdue-in-my-headquarters' || staff.role !== 'STAFF'),
  );
}

export const complaintListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/complaints',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary:
          'Complaints the caller may read: filters, text search `q` over title and body (trigram index), sorting, cursor paging',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(ListItem),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          401: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const scope = complaintReadScope(staff);
      if (!scope) throw new AppError(ErrorCode.FORBIDDEN, 'Complaint lists are for staff');
      const query = request.query;
      const cursor = query.cursor ? decodeCursor(query.cursor) : null;
      if (query.cursor && !cursor)
        throw new AppError(ErrorCode.VALIDATION, 'cursor is not one this API gave out');
      const filters: ComplaintFilters = {
        stage: query.stage,
        team: query.team,
        handler: query.handler,
        category: query.category,
        overdue: query.overdue,
        dueBefore: query.dueBefore ? new Date(query.dueBefore) : undefined,
        receivedFrom: query.receivedFrom ? new Date(query.receivedFrom) : undefined,
        receivedTo: query.receivedTo ? new Date(query.receivedTo) : undefined,
        q: query.q?.trim() || undefined,
        queue: query.queue,
      };
      const sort = query.sort ?? '-receivedAt';
      const limit = query.limit ?? 50;
      // Straight to node-postgres: the statement is already built, and the query compiler's per-call
      // work showed in the search bench's profile.
      const statement = listStatement({
        scope,
        caller: callerOf(staff),
        filters,
        sort,
        cursor,
        limit,
        now: new Date(),
      });
      const { rows } = await sqlPool(app.prisma).query<ComplaintRow>(statement.text, pgValues(statement));
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > limit && last
          ? encodeCursor({
              value: (sort.endsWith('dueAt') ? last.dueAt : last.receivedAt).toISOString(),
              receiptNo: last.receiptNo,
            })
          : null;
      return { items: page.map(toItem), nextCursor };
    },
  );

  app.get(
    '/api/complaints/queues',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary: "The signed-in person's saved queues with their counts (the staff home page)",
        response: { 200: Type.Object({ queues: Type.Array(Queue) }), 401: ErrorBody },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const scope = complaintReadScope(staff);
      if (!scope) throw new AppError(ErrorCode.FORBIDDEN, 'Queues are for staff');
      const now = new Date();
      const queues = await Promise.all(
        queuesFor(staff).map(async (queue) => {
          const [row] = await app.prisma.$queryRaw<[{ count: number }]>(
            countStatement(scope, callerOf(staff), { queue }, now),
          );
          return { id: queue, count: row.count };
        }),
      );
      return { queues };
    },
  );

  app.get(
    '/api/staff/assignable',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary:
          'Staff a complaint can be handed to (transfer, reassign pickers): name, team, current open load',
        querystring: Type.Object({
          team: Type.Optional(Type.String({ maxLength: 20 })),
          q: Type.Optional(Type.String({ maxLength: 50 })),
        }),
        response: { 200: Type.Object({ staff: Type.Array(AssignableStaff) }), 401: ErrorBody },
      },
    },
    async (request) => {
      requireStaff(request);
      const { team, q } = request.query;
      const rows = await app.prisma.$queryRaw<
        Array<{
          employeeNo: string;
          nameKo: string;
          nameEn: string;
          teamCode: string;
          teamName: string;
          teamNameEn: string;
          openLoad: number;
          available: boolean;
        }>
      >`
        SELECT s."employeeNo", s."nameKo", s."nameEn", u.code AS "teamCode", u."nameKo" AS "teamName",
               u."nameEn" AS "teamNameEn", COUNT(c."receiptNo")::int AS "openLoad",
               (s.available AND (s."absentUntil" IS NULL OR s."absentUntil" <= now())) AS available
        FROM "Staff" s
        JOIN "OrgUnit" u ON u.id = s."unitId"
        LEFT JOIN "Complaint" c ON c."handlerId" = s.id AND c.stage IN (${Prisma.join(openComplaintStages)})
        WHERE s.role = 'STAFF' AND s."deactivatedAt" IS NULL AND u.kind = 'TEAM'
          AND (${team ?? null}::text IS NULL OR u.code = ${team ?? null})
          AND (${q ?? null}::text IS NULL OR s."nameKo" ILIKE ${`%${q ?? ''}%`} OR s."nameEn" ILIKE ${`%${q ?? ''}%`}
               OR s."employeeNo" ILIKE ${`%${q ?? ''}%`})
        GROUP BY s.id, u.id
        ORDER BY u.code, "openLoad", s."employeeNo"
        LIMIT 200`;
      return {
        staff: rows.map((r) => ({
          employeeNo: r.employeeNo,
          name: r.nameKo,
          nameEn: r.nameEn,
          team: { code: r.teamCode, name: r.teamName, nameEn: r.teamNameEn },
          openLoad: r.openLoad,
          available: r.available,
        })),
      };
    },
  );
};
