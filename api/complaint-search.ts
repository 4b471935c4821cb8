import { Prisma } from '@prisma/client';
import { openComplaintStages } from '../domain/complaint.ts';
import { toKstDateString } from '../domain/business-calendar.ts';
import type { ComplaintReadScope } from '../domain/policy.ts';

/**
 * The SQL behind GET /api/complaints: the caller's read scope, filters, a trigram text match, keyset
 * paging. Kept apart from the route so that the search benchmark times exactly this statement bare.
 */

export const complaintSorts = ['-receivedAt', 'receivedAt', 'dueAt', '-dueAt'] as const;
export type ComplaintSort = (typeof complaintSorts)[number];

export const complaintQueues = [
  'my-open',
  'due-today',
  'awaiting-my-review',
  'overdue-in-my-headquarters',
] as const;
export type ComplaintQueue = (typeof complaintQueues)[number];

export interface ComplaintFilters {
  stage?: string[];
  team?: string;
  handler?: string;
  category?: string;
  overdue?: boolean;
  dueBefore?: Date;
  receivedFrom?: Date;
  receivedTo?: Date;
  q?: string;
  queue?: ComplaintQueue;
}

export interface Caller {
  id: number;
  employeeNo: string;
  role: string;
  unitCode: string;
  headquartersCode: string | null;
}

export interface Cursor {
  value: string;
  receiptNo: string;
}

export const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
export function decodeCursor(text: string): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.value !== 'string' || typeof parsed.receiptNo !== 'string') return null;
    if (Number.isNaN(new Date(parsed.value).getTime())) return null;
    return { value: parsed.value, receiptNo: parsed.receiptNo };
  } catch {
    return null;
  }
}

/** `%`, `_` and `\` in the user's text are literal characters, not patterns. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const unitId = (code: string) => Prisma.sql`(SELECT id FROM "OrgUnit" WHERE code = ${code})`;
const teamsOf = (headquartersCode: string) =>
  Prisma.sql`(SELECT id FROM "OrgUnit" WHERE "parentId" = ${unitId(headquartersCode)})`;
const open = Prisma.sql`c.stage IN (${Prisma.join(openComplaintStages)})`;

/** complaint.read of domain/policy.ts as a WHERE clause. */
export function scopeCondition(scope: ComplaintReadScope, caller: Caller): Prisma.Sql {
  if (scope.all) return Prisma.sql`TRUE`;
  const parts = [Prisma.sql`c."handlerId" = ${caller.id}`];
  if (scope.teamCode) parts.push(Prisma.sql`c."teamId" = ${unitId(scope.teamCode)}`);
  if (scope.headquartersCode) parts.push(Prisma.sql`c."teamId" IN ${teamsOf(scope.headquartersCode)}`);
  return Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
}

/** The end of today in Korea time: what "due today" means to a ministry's staff. */
function endOfKoreanDay(now: Date): Date {
  const today = toKstDateString(now);
  return new Date(new Date(`${today}T00:00:00+09:00`).getTime() + 24 * 3600_000);
}

export function queueCondition(queue: ComplaintQueue, caller: Caller, now: Date): Prisma.Sql {
  switch (queue) {
    case 'my-open':
      return Prisma.sql`c."handlerId" = ${caller.id} AND ${open}`;
    case 'due-today':
      return Prisma.sql`c."handlerId" = ${caller.id} AND ${open} AND c."dueAt" < ${endOfKoreanDay(now)}`;
    case 'awaiting-my-review':
      return caller.role === 'TEAM_LEADER'
        ? Prisma.sql`c."teamId" = ${unitId(caller.unitCode)} AND c."pendingStep" = 'review'`
        : Prisma.sql`FALSE`;
    case 'overdue-in-my-headquarters':
      return caller.headquartersCode
        ? Prisma.sql`c."teamId" IN ${teamsOf(caller.headquartersCode)} AND c.overdue AND ${open}`
        : Prisma.sql`c.overdue AND ${open}`;
  }
}

export function filterConditions(filters: ComplaintFilters, caller: Caller, now: Date): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filters.stage?.length) where.push(Prisma.sql`c.stage IN (${Prisma.join(filters.stage)})`);
  if (filters.team) where.push(Prisma.sql`c."teamId" = ${unitId(filters.team)}`);
  if (filters.handler) {
    where.push(Prisma.sql`c."handlerId" = (SELECT id FROM "Staff" WHERE "employeeNo" = ${filters.handler})`);
  }
  if (filters.category) where.push(Prisma.sql`c."categoryCode" = ${filters.category}`);
  if (filters.overdue !== undefined) where.push(Prisma.sql`c.overdue = ${filters.overdue}`);
  if (filters.dueBefore) where.push(Prisma.sql`c."dueAt" < ${filters.dueBefore}`);
  if (filters.receivedFrom) where.push(Prisma.sql`c."receivedAt" >= ${filters.receivedFrom}`);
  if (filters.receivedTo) where.push(Prisma.sql`c."receivedAt" < ${filters.receivedTo}`);
  // A receipt number (or its start) finds that complaint by its primary key; any other text goes to the
  // same expression as the GIN trigram index "Complaint_text_trgm_idx".
  if (filters.q && /^MW-[0-9-]+$/i.test(filters.q)) {
    where.push(Prisma.sql`c."receiptNo" LIKE ${`${filters.q.toUpperCase().replace(/[\\%_]/g, '')}%`}`);
  } else if (filters.q) {
    where.push(Prisma.sql`(c.title || ' ' || c.body) ILIKE ${likePattern(filters.q)}`);
  }
  if (filters.queue) where.push(queueCondition(filters.queue, caller, now));
  return where;
}

const sortColumn = (sort: ComplaintSort) =>
  sort.endsWith('dueAt') ? Prisma.raw('c."dueAt"') : Prisma.raw('c."receivedAt"');

export interface ListQuery {
  scope: ComplaintReadScope;
  caller: Caller;
  filters: ComplaintFilters;
  sort: ComplaintSort;
  cursor: Cursor | null;
  limit: number;
  now: Date;
}

export interface ComplaintRow {
  receiptNo: string;
  title: string;
  stage: string;
  receivedAt: Date;
  dueAt: Date;
  overdue: boolean;
  pendingStep: string | null;
  citizenName: string;
  categoryCode: string;
  categoryName: string;
  categoryNameEn: string;
  teamCode: string;
  teamName: string;
  teamNameEn: string;
  handlerNo: string | null;
  handlerName: string | null;
  handlerNameEn: string | null;
}

/**
 * One statement: one page (limit + 1 rows, the extra one says whether there is a next page). Times come
 * as timestamptz (the columns hold UTC without a zone), so any client reads the same instant whatever
 * its process's time zone.
 */
export function listStatement(query: ListQuery): Prisma.Sql {
  const column = sortColumn(query.sort);
  const descending = query.sort.startsWith('-');
  const where = [
    scopeCondition(query.scope, query.caller),
    ...filterConditions(query.filters, query.caller, query.now),
  ];
  if (query.cursor) {
    const after = Prisma.sql`(${column}, c."receiptNo") ${Prisma.raw(descending ? '<' : '>')} (${new Date(query.cursor.value)}, ${query.cursor.receiptNo})`;
    where.push(after);
  }
  const direction = Prisma.raw(descending ? 'DESC' : 'ASC');
  return Prisma.sql`
    SELECT c."receiptNo", c.title, c.stage, c."receivedAt" AT TIME ZONE 'UTC' AS "receivedAt",
           c."dueAt" AT TIME ZONE 'UTC' AS "dueAt", c.overdue, c."pendingStep", c."citizenName",
           cat.code AS "categoryCode", cat."nameKo" AS "categoryName", cat."nameEn" AS "categoryNameEn",
           t.code AS "teamCode", t."nameKo" AS "teamName", t."nameEn" AS "teamNameEn",
           h."employeeNo" AS "handlerNo", h."nameKo" AS "handlerName", h."nameEn" AS "handlerNameEn"
    FROM "Complaint" c
    JOIN "ComplaintCategory" cat ON cat.code = c."categoryCode"
    JOIN "OrgUnit" t ON t.id = c."teamId"
    LEFT JOIN "Staff" h ON h.id = c."handlerId"
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${column} ${direction}, c."receiptNo" ${direction}
    LIMIT ${query.limit + 1}`;
}

/**
 * A statement's values for node-postgres: a Date as UTC wall time. node-postgres would send it in the
 * process's time zone with an offset, which PostgreSQL drops for the zone-less columns compared with it.
 */
export const pgValues = (statement: Prisma.Sql): unknown[] =>
  statement.values.map((value) => (value instanceof Date ? value.toISOString().replace('Z', '') : value));

export function countStatement(
  scope: ComplaintReadScope,
  caller: Caller,
  filters: ComplaintFilters,
  now: Date,
) {
  const where = [scopeCondition(scope, caller), ...filterConditions(filters, caller, now)];
  return Prisma.sql`SELECT COUNT(*)::int AS count FROM "Complaint" c WHERE ${Prisma.join(where, ' AND ')}`;
}

/** Lists show a citizen's name masked (김*수): enough to recognise a case, not to identify a person. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Closed complaints count as "recent" for this long: a repeat within it is the kind §23 is about. */
export const SIMILAR_RECENT_DAYS = 180;
/** pg_trgm similarity of title and text from which a complaint in the same category is suggested. */
export const SIMILARITY_THRESHOLD = 0.3;

/** A citizen's own complaint in another category is suggested from this similarity. */
export const OWN_SIMILARITY_THRESHOLD = 0.15;

export interface SimilarQuery {
  /** Title and body of the complaint being filed or worked on. */
  text: string;
  categoryCode: string | null;
  citizenEmail: string;
  excludeReceiptNo?: string;
  /**
   * A citizen is shown only their own complaints (same e-mail), never another citizen's; staff also get
   * similar text in the same category.
   */
  ownOnly: boolean;
  now: Date;
  limit: number;
}

export interface SimilarRow {
  receiptNo: string;
  title: string;
  stage: string;
  receivedAt: Date;
  answeredAt: Date | null;
  why: string;
  similarity: number;
}

/** A suggestion as the API answers it: ISO times, similarity to three places. */
export const similarView = (row: SimilarRow) => ({
  receiptNo: row.receiptNo,
  title: row.title,
  stage: row.stage,
  receivedAt: row.receivedAt.toISOString(),
  answeredAt: row.answeredAt?.toISOString() ?? null,
  similarity: Number(Number(row.similarity).toFixed(3)),
});

/**
 * Possibly repeated or duplicate complaints (민원 처리에 관한 법률 §23): open or recent ones of the same
 * citizen, or (staff) similar text in the same category, by pg_trgm similarity. One statement for the
 * work page and the filing form.
 */
export function similarStatement(query: SimilarQuery): Prisma.Sql {
  const since = new Date(query.now.getTime() - SIMILAR_RECENT_DAYS * 24 * 3600_000);
  const sameCitizen = Prisma.sql`lower(c."citizenEmail") = lower(${query.citizenEmail})`;
  const similarity = Prisma.sql`similarity(c.title || ' ' || c.body, ${query.text})`;
  const who = query.ownOnly
    ? Prisma.sql`${sameCitizen} AND (c."categoryCode" = ${query.categoryCode} OR ${similarity} >= ${OWN_SIMILARITY_THRESHOLD})`
    : Prisma.sql`(${sameCitizen} OR (c."categoryCode" = ${query.categoryCode} AND ${similarity} >= ${SIMILARITY_THRESHOLD}))`;
  return Prisma.sql`
    SELECT c."receiptNo", c.title, c.stage, c."receivedAt", c."answeredAt",
           CASE WHEN ${sameCitizen} THEN 'same-citizen' ELSE 'similar-text' END AS why,
           ${similarity}::float8 AS similarity
    FROM "Complaint" c
    WHERE c."receiptNo" <> ${query.excludeReceiptNo ?? ''}
      AND c."anonymisedAt" IS NULL
      AND (c.stage IN (${Prisma.join(openComplaintStages)}) OR c."receivedAt" >= ${since})
      AND ${who}
    ORDER BY (${sameCitizen}) DESC, (c."categoryCode" = ${query.categoryCode}) DESC, similarity DESC,
             c."receivedAt" DESC
    LIMIT ${query.limit}`;
}
