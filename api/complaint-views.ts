export { ComplaintView } from '../contracts/complaints.ts';
import type { Prisma } from '@prisma/client';
import type { Actor } from '../domain/complaint.ts';
import { sqlPool, type Db } from '../platform/prisma.ts';

/**
 * What each reader sees of a complaint. Staff in scope get the whole case file; the citizen gets a view
 * built from allow-lists (fields, timeline event kinds and their detail keys, public messages), so that
 * a review opinion, an internal note, a staff role code or an engine detail cannot reach them by
 * accident when the workflow records something new.
 */

/** The relations a view needs; load with this include (or with loadComplaintForView, one statement). */
export const complaintViewInclude = {
  category: true,
  team: { include: { parent: true } },
  handler: { include: { unit: true } },
  events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
  messages: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  attachments: { orderBy: [{ createdAt: 'asc' }, { position: 'asc' }] },
} satisfies Prisma.ComplaintInclude;

type Loaded = Prisma.ComplaintGetPayload<{ include: typeof complaintViewInclude }>;

/** What the views and the reader checks use of a complaint; a Prisma load with complaintViewInclude fits. */
export type LoadedComplaint = Omit<
  Loaded,
  'category' | 'team' | 'handler' | 'events' | 'messages' | 'attachments'
> & {
  category: Pick<Loaded['category'], 'code' | 'nameKo' | 'nameEn'>;
  team: Pick<Loaded['team'], 'code' | 'nameKo' | 'nameEn'> & { parent: { code: string } | null };
  handler:
    | (Pick<NonNullable<Loaded['handler']>, 'employeeNo' | 'nameKo' | 'nameEn'> & { unit: { code: string } })
    | null;
  events: Array<Pick<Loaded['events'][number], 'id' | 'at' | 'type' | 'stage' | 'actor' | 'detail'>>;
  messages: Array<
    Pick<
      Loaded['messages'][number],
      'id' | 'createdAt' | 'kind' | 'visibility' | 'authorKind' | 'authorId' | 'body' | 'redactedAt'
    >
  >;
  attachments: Array<
    Pick<
      Loaded['attachments'][number],
      'id' | 'fileName' | 'contentType' | 'size' | 'messageId' | 'thumbnailSha256' | 'createdAt'
    >
  >;
};

/**
 * The complaint with everything its views need in one indexed statement (primary key, and the
 * (receiptNo, at) / (receiptNo, createdAt) indexes for the timeline and messages), built as one JSON
 * document by PostgreSQL: the status read is the public hot path, and Prisma's include ran six queries
 * through its query compiler for it. The views below still decide what each reader sees.
 */
const VIEW_STATEMENT = `
  SELECT json_build_object(
    'complaint', to_jsonb(c),
    'category', json_build_object('code', cat.code, 'nameKo', cat."nameKo", 'nameEn', cat."nameEn"),
    'team', json_build_object('code', t.code, 'nameKo', t."nameKo", 'nameEn', t."nameEn",
                              'parent', CASE WHEN tp.id IS NULL THEN NULL ELSE json_build_object('code', tp.code) END),
    'handler', CASE WHEN h.id IS NULL THEN NULL ELSE
                 json_build_object('employeeNo', h."employeeNo", 'nameKo', h."nameKo", 'nameEn', h."nameEn",
                                   'unit', json_build_object('code', hu.code)) END,
    'events', COALESCE((
      SELECT json_agg(json_build_object('id', e.id::text, 'at', e.at, 'type', e.type, 'stage', e.stage,
                                        'actor', e.actor, 'detail', e.detail) ORDER BY e.at, e.id)
      FROM "ComplaintEvent" e WHERE e."receiptNo" = c."receiptNo"), '[]'::json),
    'messages', COALESCE((
      SELECT json_agg(json_build_object('id', m.id::text, 'createdAt', m."createdAt", 'kind', m.kind,
                                        'visibility', m.visibility, 'authorKind', m."authorKind",
                                        'authorId', m."authorId", 'body', m.body, 'redactedAt', m."redactedAt")
                      ORDER BY m."createdAt", m.id)
      FROM "ComplaintMessage" m WHERE m."receiptNo" = c."receiptNo"), '[]'::json),
    'attachments', COALESCE((
      SELECT json_agg(json_build_object('id', a.id, 'fileName', a."fileName", 'contentType', a."contentType",
                                        'size', a.size, 'messageId', a."messageId"::text,
                                        'thumbnailSha256', a."thumbnailSha256", 'createdAt', a."createdAt")
                      ORDER BY a."createdAt", a.position)
      FROM "ComplaintAttachment" a WHERE a."receiptNo" = c."receiptNo"), '[]'::json)
  ) AS doc
  FROM "Complaint" c
  JOIN "ComplaintCategory" cat ON cat.code = c."categoryCode"
  JOIN "OrgUnit" t ON t.id = c."teamId"
  LEFT JOIN "OrgUnit" tp ON tp.id = t."parentId"
  LEFT JOIN "Staff" h ON h.id = c."handlerId"
  LEFT JOIN "OrgUnit" hu ON hu.id = h."unitId"
  WHERE c."receiptNo" = $1`;

/** Complaint columns of type timestamp: JSON gives them as UTC text without a zone. */
const COMPLAINT_TIMES = [
  'receivedAt',
  'dueAt',
  'answeredAt',
  'closedAt',
  'anonymisedAt',
  'updatedAt',
  'infoDeadlineAt',
  'stageSince',
  'consentedAt',
] as const;

const utc = (text: string) => new Date(`${text}Z`);
const utcOrNull = (text: string | null) => (text === null ? null : utc(text));

interface ViewDocument {
  complaint: Record<string, unknown>;
  category: LoadedComplaint['category'];
  team: LoadedComplaint['team'];
  handler: LoadedComplaint['handler'];
  events: Array<{
    id: string;
    at: string;
    type: string;
    stage: string;
    actor: string;
    detail: Prisma.JsonValue;
  }>;
  messages: Array<{
    id: string;
    createdAt: string;
    kind: string;
    visibility: string;
    authorKind: string;
    authorId: number | null;
    body: string;
    redactedAt: string | null;
  }>;
  attachments: Array<{
    id: string;
    fileName: string;
    contentType: string;
    size: number;
    messageId: string | null;
    thumbnailSha256: string | null;
    createdAt: string;
  }>;
}

export async function loadComplaintForView(prisma: Db, receiptNo: string): Promise<LoadedComplaint | null> {
  const { rows } = await sqlPool(prisma).query<{ doc: ViewDocument }>({
    name: 'complaint-view',
    text: VIEW_STATEMENT,
    values: [receiptNo],
  });
  const doc = rows[0]?.doc;
  if (!doc) return null;
  const complaint = { ...doc.complaint };
  for (const key of COMPLAINT_TIMES) complaint[key] = utcOrNull(complaint[key] as string | null);
  return {
    ...(complaint as Omit<
      LoadedComplaint,
      'category' | 'team' | 'handler' | 'events' | 'messages' | 'attachments'
    >),
    category: doc.category,
    team: doc.team,
    handler: doc.handler,
    events: doc.events.map((e) => ({ ...e, id: BigInt(e.id), at: utc(e.at) })),
    messages: doc.messages.map((m) => ({
      ...m,
      id: BigInt(m.id),
      createdAt: utc(m.createdAt),
      redactedAt: utcOrNull(m.redactedAt),
    })),
    attachments: doc.attachments.map((a) => ({
      ...a,
      messageId: a.messageId === null ? null : BigInt(a.messageId),
      createdAt: utc(a.createdAt),
    })),
  };
}

/** Names of the staff who wrote messages or acted, for the staff view (authorId is not a relation). */
export interface AuthorNames {
  byId: ReadonlyMap<number, string>;
  byEmployeeNo: ReadonlyMap<string, string>;
}

const employeeNoOf = (actor: string) => /^(E\d+)\b/.exec(actor)?.[1];

/**
 * Timeline events a citizen sees, each with the detail keys they may see. Anything not listed (review
 * drafts and opinions, escalations, reminders to staff, assignment reasons, engine flags such as
 * `resumed` or `previousDueAt`) is left out.
 */
export const citizenTimeline: Readonly<Record<string, readonly string[]>> = {
  received: ['dueAt'],
  assigned: ['handler'],
  reassigned: ['handler'],
  accepted: [],
  transferred: [],
  'answer-approved': [],
  'extension-consent-requested': ['reason', 'days', 'newDueAt'],
  extended: ['reason', 'newDueAt'],
  'extension-refused': [],
  'info-requested': ['question', 'deadlineAt'],
  'info-added': ['text'],
  'info-deadline-passed': [],
  'info-timeout-continued': [],
  'consultation-requested': ['message'],
  'consultation-answered': ['reply'],
  'interim-notice': [],
  withdrawn: ['reason'],
  rated: ['score', 'comment'],
  reopened: ['reason'],
  'closed-as-repeated': ['earlierReceiptNo', 'reason'],
  closed: [],
};

/** Message kinds the citizen may see, whatever their stored visibility says. */
export const citizenMessageKinds: ReadonlySet<string> = new Set([
  'citizen-info',
  'consultation-request',
  'consultation-reply',
  'reply',
  'answer',
  'repeat-close-reason',
]);

const actorKind = (actor: string) => (actor === 'citizen' || actor === 'system' ? actor : 'staff');

function citizenDetail(type: string, detail: Prisma.JsonValue): Record<string, unknown> {
  const allowed = citizenTimeline[type] ?? [];
  const source = detail && typeof detail === 'object' && !Array.isArray(detail) ? detail : {};
  const shown: Record<string, unknown> = {};
  for (const key of allowed) {
    const value = (source as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    // A person is shown by name only: no employee number, team code or role.
    shown[key] =
      key === 'handler' && typeof value === 'object'
        ? { name: (value as { name?: string }).name ?? '' }
        : value;
  }
  return shown;
}

type StoredMessage = Pick<LoadedComplaint['messages'][number], 'visibility' | 'kind' | 'redactedAt'>;
const isCitizenMessage = (m: StoredMessage) =>
  m.visibility === 'PUBLIC' && citizenMessageKinds.has(m.kind) && m.redactedAt === null;

/**
 * The citizen sees the files filed with the complaint and those on messages they see (their own added
 * information, the approved answer, replies); never one on an internal note, a draft or an opinion.
 */
export const citizenMaySeeAttachment = (message: StoredMessage | null) =>
  message === null || isCitizenMessage(message);

function attachmentView(attachment: LoadedComplaint['attachments'][number]) {
  return {
    id: attachment.id,
    fileName: attachment.fileName,
    contentType: attachment.contentType,
    size: attachment.size,
    messageId: attachment.messageId?.toString() ?? null,
    hasThumbnail: attachment.thumbnailSha256 !== null,
    at: attachment.createdAt.toISOString(),
  };
}

function commonView(complaint: LoadedComplaint) {
  return {
    receiptNo: complaint.receiptNo,
    title: complaint.title,
    category: {
      code: complaint.category.code,
      name: complaint.category.nameKo,
      nameEn: complaint.category.nameEn,
    },
    stage: complaint.stage,
    team: { code: complaint.team.code, name: complaint.team.nameKo, nameEn: complaint.team.nameEn },
    handler: complaint.handler
      ? {
          employeeNo: complaint.handler.employeeNo,
          name: complaint.handler.nameKo,
          nameEn: complaint.handler.nameEn,
          team: complaint.handler.unit.code,
        }
      : null,
    receivedAt: complaint.receivedAt.toISOString(),
    dueAt: complaint.dueAt.toISOString(),
    answeredAt: complaint.answeredAt?.toISOString() ?? null,
    closedAt: complaint.closedAt?.toISOString() ?? null,
    answer: complaint.answer,
    satisfaction:
      complaint.satisfaction === null
        ? null
        : { score: complaint.satisfaction, comment: complaint.satisfactionComment },
    escalationLevel: complaint.escalationLevel,
    overdue: complaint.overdue,
    extensionCount: complaint.extensionCount,
    pendingStep: complaint.pendingStep,
    infoDeadlineAt: complaint.infoDeadlineAt?.toISOString() ?? null,
    // The citizen's own contact and place: theirs to see, and staff's.
    location:
      complaint.locationAddress === null && complaint.latitude === null
        ? null
        : {
            address: complaint.locationAddress,
            latitude: complaint.latitude,
            longitude: complaint.longitude,
          },
    citizenPhone: complaint.citizenPhone,
  };
}

/** The citizen's view: allow-listed fields, events and public messages only. */
export function citizenView(complaint: LoadedComplaint) {
  return {
    ...commonView(complaint),
    // The citizen's own escalation level is internal management; overdue is theirs to know.
    escalationLevel: 0,
    timeline: complaint.events
      .filter((e) => e.type in citizenTimeline)
      .map((e) => ({
        at: e.at.toISOString(),
        type: e.type,
        stage: e.stage,
        actor: actorKind(e.actor),
        detail: citizenDetail(e.type, e.detail),
      })),
    draftAnswer: null,
    messages: complaint.messages.filter(isCitizenMessage).map((m) => ({
      id: m.id.toString(),
      at: m.createdAt.toISOString(),
      kind: m.kind,
      visibility: 'PUBLIC' as const,
      author: m.authorKind === 'citizen' ? 'citizen' : m.authorKind === 'system' ? 'system' : 'staff',
      authorKind: m.authorKind,
      body: m.body,
    })),
    attachments: complaint.attachments
      .filter((a) => {
        const message = a.messageId === null ? null : complaint.messages.find((m) => m.id === a.messageId);
        return message !== undefined && citizenMaySeeAttachment(message);
      })
      .map(attachmentView),
    audience: 'citizen' as const,
  };
}

/** Staff in scope: the whole case file, every event with its detail, every message in order. */
export function staffView(complaint: LoadedComplaint, authors: AuthorNames) {
  const place =
    complaint.locationAddress !== null || complaint.latitude !== null || complaint.longitude !== null
      ? { address: complaint.locationAddress, latitude: complaint.latitude, longitude: complaint.longitude }
      : null;
  return {
    ...commonView(complaint),
    timeline: complaint.events.map((e) => ({
      at: e.at.toISOString(),
      type: e.type,
      stage: e.stage,
      actor: e.actor,
      ...(authors.byEmployeeNo.has(employeeNoOf(e.actor) ?? '')
        ? { actorName: authors.byEmployeeNo.get(employeeNoOf(e.actor)!)! }
        : {}),
      detail: e.detail,
    })),
    draftAnswer: complaint.draftAnswer,
    messages: complaint.messages.map((m) => ({
      id: m.id.toString(),
      at: m.createdAt.toISOString(),
      kind: m.kind,
      visibility: m.visibility === 'PUBLIC' ? ('PUBLIC' as const) : ('INTERNAL' as const),
      author:
        m.authorKind === 'staff' && m.authorId !== null
          ? (authors.byId.get(m.authorId) ?? 'staff')
          : m.authorKind === 'citizen'
            ? complaint.citizenName
            : m.authorKind,
      authorKind: m.authorKind,
      body: m.redactedAt ? '' : m.body,
    })),
    attachments: complaint.attachments.map(attachmentView),
    caseFile: {
      body: complaint.body,
      citizen: { name: complaint.citizenName, email: complaint.citizenEmail, phone: complaint.citizenPhone },
      place,
    },
    audience: 'staff' as const,
  };
}

export interface RepeatOf {
  receiptNo: string;
  receivedAt: string;
  answeredAt: string | null;
  answer: string | null;
}

/**
 * The view for whoever reads: the citizen's allow-listed view unless the reader is staff in scope. Only
 * the staff view names officials, so only it looks their names up. A citizen's view is kept as sent
 * (ComplaintCitizenView) for the status read's next call, tagged with the complaint's viewVersion as loaded.
 */
export async function complaintViewFor(
  prisma: Db,
  complaint: LoadedComplaint,
  viewer: Actor,
  repeatOf: RepeatOf | null = null,
) {
  if (viewer.kind === 'staff') {
    return { ...staffView(complaint, await messageAuthors(prisma, complaint)), repeatOf };
  }
  const view = citizenView(complaint);
  await storeCitizenView(prisma, complaint, JSON.stringify(view));
  return { ...view, repeatOf };
}

/** The earlier complaint's receipt number from a 'closed-as-repeated' event, if the complaint has one. */
function repeatReference(complaint: Pick<LoadedComplaint, 'events'>): string | null {
  const event = complaint.events.find((e) => e.type === 'closed-as-repeated');
  const detail = event?.detail as { earlierReceiptNo?: unknown } | null | undefined;
  return typeof detail?.earlierReceiptNo === 'string' ? detail.earlierReceiptNo : null;
}

/**
 * The earlier complaint a repeated one was closed with reference to, from its 'closed-as-repeated' event;
 * only when it is the same citizen's (the API checked that before closing; checked again for the reader).
 */
export async function loadRepeatOf(
  prisma: Db,
  complaint: Pick<LoadedComplaint, 'events' | 'citizenEmail'>,
): Promise<RepeatOf | null> {
  return loadEarlierComplaint(prisma, repeatReference(complaint), complaint.citizenEmail);
}

async function loadEarlierComplaint(
  prisma: Db,
  earlierReceiptNo: string | null,
  citizenEmail: string,
): Promise<RepeatOf | null> {
  if (earlierReceiptNo === null) return null;
  const earlier = await prisma.complaint.findUnique({ where: { receiptNo: earlierReceiptNo } });
  if (!earlier || earlier.citizenEmail.toLowerCase() !== citizenEmail.toLowerCase()) return null;
  return {
    receiptNo: earlier.receiptNo,
    receivedAt: earlier.receivedAt.toISOString(),
    answeredAt: earlier.answeredAt?.toISOString() ?? null,
    answer: earlier.answer,
  };
}

/**
 * Keeps the citizen's view as sent, unless a newer one is stored already or the complaint has moved on
 * since. The version is the one the complaint had in the snapshot the view was built from: a write since
 * then has moved the complaint's version on (database triggers), so this document is never served for the
 * newer state, and it is not kept either (it may hold what the write removed).
 */
async function storeCitizenView(prisma: Db, complaint: LoadedComplaint, doc: string) {
  await sqlPool(prisma).query({
    name: 'complaint-citizen-view-store',
    text: `INSERT INTO "ComplaintCitizenView" ("receiptNo", version, doc, "repeatOfReceiptNo")
           SELECT $1, $2, $3, $4 FROM "Complaint" WHERE "receiptNo" = $1 AND "viewVersion" = $2
           ON CONFLICT ("receiptNo") DO UPDATE
             SET version = EXCLUDED.version, doc = EXCLUDED.doc, "repeatOfReceiptNo" = EXCLUDED."repeatOfReceiptNo"
             WHERE "ComplaintCitizenView".version < EXCLUDED.version`,
    values: [complaint.receiptNo, complaint.viewVersion, doc, repeatReference(complaint)],
  });
}

/** What the status read needs first: the access check's hash and the citizen's view if it is current. */
export interface StoredCitizenView {
  accessCodeHash: string;
  /** The view as sent, without `repeatOf`; null when the complaint changed since it was stored. */
  doc: string | null;
  citizenEmail: string;
  repeatOfReceiptNo: string | null;
}

export async function loadStoredCitizenView(
  prisma: Db,
  receiptNo: string,
): Promise<StoredCitizenView | null> {
  const { rows } = await sqlPool(prisma).query<StoredCitizenView>({
    name: 'complaint-citizen-view',
    text: `SELECT c."accessCodeHash", c."citizenEmail", v.doc, v."repeatOfReceiptNo"
             FROM "Complaint" c
             LEFT JOIN "ComplaintCitizenView" v ON v."receiptNo" = c."receiptNo" AND v.version = c."viewVersion"
            WHERE c."receiptNo" = $1`,
    values: [receiptNo],
  });
  return rows[0] ?? null;
}

/** The stored citizen's view as the JSON text to send, with its repeat reference looked up now. */
export async function storedCitizenViewText(prisma: Db, stored: StoredCitizenView & { doc: string }) {
  const repeatOf = await loadEarlierComplaint(prisma, stored.repeatOfReceiptNo, stored.citizenEmail);
  return `${stored.doc.slice(0, -1)},"repeatOf":${JSON.stringify(repeatOf)}}`;
}

/** Names of the staff behind a loaded complaint's messages and timeline events, in one query. */
export async function messageAuthors(
  prisma: Db,
  complaint: Pick<LoadedComplaint, 'messages' | 'events'>,
): Promise<AuthorNames> {
  const ids = [
    ...new Set(
      complaint.messages.flatMap((m) => (m.authorKind === 'staff' && m.authorId ? [m.authorId] : [])),
    ),
  ];
  const employeeNos = [...new Set(complaint.events.flatMap((e) => employeeNoOf(e.actor) ?? []))];
  if (ids.length === 0 && employeeNos.length === 0) return { byId: new Map(), byEmployeeNo: new Map() };
  const staff = await prisma.staff.findMany({
    where: { OR: [{ id: { in: ids } }, { employeeNo: { in: employeeNos } }] },
    select: { id: true, employeeNo: true, nameKo: true },
  });
  return {
    byId: new Map(staff.map((s) => [s.id, s.nameKo])),
    byEmployeeNo: new Map(staff.map((s) => [s.employeeNo, s.nameKo])),
  };
}
