import { Type, type Static } from 'typebox';

/**
 * What each reader sees of a complaint (`GET /api/complaints/:receiptNo` and every action's answer), as the
 * API declares and serialises it and the portal types itself from it (`import type` only). Staff in scope
 * get the whole case file; the citizen a view built from allow-lists (api/complaint-views.ts).
 */

export const TimelineEntry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  type: Type.String(),
  stage: Type.String(),
  actor: Type.String(),
  /** Staff view: the acting official's name (the actor holds their employee number and role). */
  actorName: Type.Optional(Type.String()),
  detail: Type.Unknown(),
});

export const Message = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  kind: Type.String(),
  visibility: Type.Union([Type.Literal('PUBLIC'), Type.Literal('INTERNAL')]),
  /** 'citizen', 'system', or for staff readers the author's name; citizens see 'staff' for any official. */
  author: Type.String(),
  authorKind: Type.String(),
  body: Type.String(),
});

/** A file on the complaint; its bytes at `/api/complaints/:receiptNo/attachments/:id` (and `/thumbnail`). */
export const Attachment = Type.Object({
  id: Type.String(),
  fileName: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  /** The message it belongs to; null for the files filed with the complaint. */
  messageId: Type.Union([Type.String(), Type.Null()]),
  hasThumbnail: Type.Boolean(),
  at: Type.String({ format: 'date-time' }),
});

export const CaseFile = Type.Object({
  body: Type.String(),
  citizen: Type.Object({
    name: Type.String(),
    email: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
  }),
  place: Type.Union([
    Type.Object({
      address: Type.Union([Type.String(), Type.Null()]),
      latitude: Type.Union([Type.Number(), Type.Null()]),
      longitude: Type.Union([Type.Number(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});

export const ComplaintView = Type.Object({
  receiptNo: Type.String(),
  title: Type.String(),
  category: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  stage: Type.String(),
  team: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  handler: Type.Union([
    Type.Object({
      employeeNo: Type.String(),
      name: Type.String(),
      nameEn: Type.String(),
      team: Type.String(),
    }),
    Type.Null(),
  ]),
  receivedAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  timeline: Type.Array(TimelineEntry),
  answer: Type.Union([Type.String(), Type.Null()]),
  satisfaction: Type.Union([
    Type.Object({ score: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  escalationLevel: Type.Integer(),
  overdue: Type.Boolean(),
  extensionCount: Type.Integer(),
  pendingStep: Type.Union([Type.String(), Type.Null()]),
  infoDeadlineAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  draftAnswer: Type.Union([Type.String(), Type.Null()]),
  /** The place given at filing (issue 18), and the citizen's optional phone: the citizen and staff in scope. */
  location: Type.Union([
    Type.Object({
      address: Type.Union([Type.String(), Type.Null()]),
      latitude: Type.Union([Type.Number(), Type.Null()]),
      longitude: Type.Union([Type.Number(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  citizenPhone: Type.Union([Type.String(), Type.Null()]),
  /** Every message in order: all of them for staff, the public ones for the citizen. */
  messages: Type.Array(Message),
  /** Files: all of them for staff; for the citizen those filed with the complaint and on messages they see. */
  attachments: Type.Array(Attachment),
  /** Staff only: the citizen's text, contact and place. */
  caseFile: Type.Optional(CaseFile),
  /**
   * Closed as a repeat of the citizen's earlier complaint (민원 처리에 관한 법률 §23): its receipt number
   * and the answer this one was closed with reference to; null otherwise.
   */
  repeatOf: Type.Union([
    Type.Object({
      receiptNo: Type.String(),
      receivedAt: Type.String({ format: 'date-time' }),
      answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      answer: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  /** 'staff' or 'citizen': which view this is. */
  audience: Type.Union([Type.Literal('staff'), Type.Literal('citizen')]),
});

export type ComplaintView = Static<typeof ComplaintView>;
export type ComplaintTimelineEntry = Static<typeof TimelineEntry>;
export type ComplaintMessage = Static<typeof Message>;
export type ComplaintAttachment = Static<typeof Attachment>;
export type CaseFile = Static<typeof CaseFile>;
