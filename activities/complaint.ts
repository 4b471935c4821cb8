import { ApplicationFailure } from '@temporalio/activity';
import { Prisma } from '@prisma/client';
import type { Db } from '../platform/prisma.ts';
import { appendAudit } from '../platform/audit.ts';
import { readCalendarSnapshot, snapshotWindow, type CalendarSnapshot } from '../platform/holiday-calendar.ts';
import { ErrorCode } from '../domain/errors.ts';
import { MessageKind, type MessageRef } from '../domain/complaint-messages.ts';
import type { ComplaintEventAudit, ComplaintEventPatch } from '../domain/complaint-steps.ts';

export type { ComplaintEventAudit } from '../domain/complaint-steps.ts';
import {
  openComplaintStages,
  type Assignment,
  type ComplaintStage,
  type StaffRef,
} from '../domain/complaint.ts';

export interface AssignHandlerInput {
  receiptNo: string;
  teamCode: string;
  skill?: string;
  excludeEmployeeNos?: string[];
  at: string;
}

export interface ComplaintEventInput {
  receiptNo: string;
  /** Unique per complaint: a retried activity writes the event once. */
  eventKey: string;
  at: string;
  type: string;
  stage: ComplaintStage;
  actor: string;
  detail?: Record<string, unknown>;
  /** Stored texts (ComplaintMessage) shown in the read model's detail under the given field. */
  texts?: MessageRef[];
  /**
   * Set on the first event an Update records: its audit row is written in this event's transaction, so
   * every applied Update is audited exactly once, whoever sent it and however often the activity retries.
   */
  audit?: ComplaintEventAudit;
  /** Read-model fields that change with this event. */
  patch?: ComplaintEventPatch;
}

/** Event keys are `<seq>:<type>`, seq counting up within one complaint's workflow. */
export function eventSeqOf(eventKey: string): number {
  const seq = Number.parseInt(eventKey.split(':', 1)[0] ?? '', 10);
  return Number.isFinite(seq) ? seq : 0;
}

export function createComplaintActivities({ prisma }: { prisma: Db }) {
  /**
   * Least open load within the team: staff who are available and not absent, ordered by their count of
   * open complaints, then by whether they have the category's skill, then employee number.
   */
  async function assignHandler(input: AssignHandlerInput): Promise<Assignment> {
    const at = new Date(input.at);
    const candidates = await prisma.$queryRaw<
      Array<{ employeeNo: string; nameKo: string; teamCode: string; openLoad: bigint; hasSkill: boolean }>
    >`
      SELECT s."employeeNo", s."nameKo", u.code AS "teamCode",
             COUNT(c."receiptNo") AS "openLoad",
             (${input.skill ?? null}::text IS NOT NULL AND ${input.skill ?? null}::text = ANY(s.skills)) AS "hasSkill"
      FROM "Staff" s
      JOIN "OrgUnit" u ON u.id = s."unitId"
      LEFT JOIN "Complaint" c ON c."handlerId" = s.id AND c.stage IN (${Prisma.join(openComplaintStages)})
      WHERE u.code = ${input.teamCode}
        AND s.role = 'STAFF'
        AND s.available
        AND s."deactivatedAt" IS NULL
        AND (s."absentUntil" IS NULL OR s."absentUntil" <= ${at})
        AND NOT (s."employeeNo" = ANY(${input.excludeEmployeeNos ?? []}::text[]))
      GROUP BY s.id, u.code
      ORDER BY "openLoad" ASC, "hasSkill" DESC, s."employeeNo" ASC
      LIMIT 1`;
    const chosen = candidates[0];
    if (!chosen) {
      throw ApplicationFailure.nonRetryable(
        `No available handler in team ${input.teamCode}`,
        ErrorCode.NO_HANDLER_AVAILABLE,
      );
    }
    const reasons = [`열린 민원 최소 ${chosen.openLoad}건 (least open load: ${chosen.openLoad})`];
    if (chosen.hasSkill) reasons.push(`전문분야 일치 (skill: ${input.skill})`);
    return {
      handler: { employeeNo: chosen.employeeNo, name: chosen.nameKo, team: chosen.teamCode },
      reason: reasons.join(', '),
    };
  }

  /** Appends a timeline event and updates the read model in one transaction, once per eventKey. */
  async function recordComplaintEvent(event: ComplaintEventInput): Promise<void> {
    await prisma.$transaction(async (tx) => {
      const patch = event.patch ?? {};
      const bodies = await messageBodies(tx, event.receiptNo, [
        ...(event.texts ?? []).map((text) => text.messageId),
        patch.draftAnswerMessageId,
        patch.answerMessageId,
        patch.satisfactionCommentMessageId,
      ]);
      const detail = { ...event.detail };
      for (const text of event.texts ?? []) detail[text.field] = bodies.get(text.messageId) ?? null;
      const inserted = await tx.$executeRaw`
        INSERT INTO "ComplaintEvent" ("receiptNo", "eventKey", at, type, stage, actor, detail)
        VALUES (${event.receiptNo}, ${event.eventKey}, ${new Date(event.at)}, ${event.type}, ${event.stage},
                ${event.actor}, ${JSON.stringify(detail)}::jsonb)
        ON CONFLICT ("receiptNo", "eventKey") DO NOTHING`;
      if (inserted === 0) return;
      // Concurrent Update handlers and timers can land their writes out of order after a retry. The
      // snapshot fields (stage, due time, escalation, pending step) follow only the newest event; the
      // fields an event owns (answer, handler, rating, ...) are always written.
      const seq = eventSeqOf(event.eventKey);
      const current = await tx.complaint.findUniqueOrThrow({
        where: { receiptNo: event.receiptNo },
        select: {
          stage: true,
          lastEventSeq: true,
          dueAt: true,
          handler: { select: { employeeNo: true } },
        },
      });
      const newest = seq >= current.lastEventSeq;
      const data: Prisma.ComplaintUncheckedUpdateInput = {};
      if (newest) {
        data.stage = event.stage;
        data.lastEventSeq = seq;
        if (current.stage !== event.stage) data.stageSince = new Date(event.at);
        if (patch.dueAt) data.dueAt = new Date(patch.dueAt);
        if (patch.escalationLevel !== undefined) data.escalationLevel = patch.escalationLevel;
        if (patch.overdue !== undefined) data.overdue = patch.overdue;
        if (patch.extensionCount !== undefined) data.extensionCount = patch.extensionCount;
        if (patch.pendingStep !== undefined) data.pendingStep = patch.pendingStep;
        if (patch.infoDeadlineAt !== undefined) {
          data.infoDeadlineAt = patch.infoDeadlineAt ? new Date(patch.infoDeadlineAt) : null;
        }
      }
      if (patch.handlerEmployeeNo !== undefined) {
        data.handlerId =
          patch.handlerEmployeeNo === null
            ? null
            : (await tx.staff.findUniqueOrThrow({ where: { employeeNo: patch.handlerEmployeeNo } })).id;
      }
      if (patch.teamCode) {
        data.teamId = (await tx.orgUnit.findUniqueOrThrow({ where: { code: patch.teamCode } })).id;
      }
      if (patch.answer !== undefined) data.answer = patch.answer;
      if (patch.answeredAt) data.answeredAt = new Date(patch.answeredAt);
      if (patch.closedAt) data.closedAt = new Date(patch.closedAt);
      if (patch.satisfaction !== undefined) data.satisfaction = patch.satisfaction;
      if (patch.satisfactionComment !== undefined) data.satisfactionComment = patch.satisfactionComment;
      if (patch.draftAnswer !== undefined) data.draftAnswer = patch.draftAnswer;
      if (patch.draftAnswerMessageId) data.draftAnswer = bodies.get(patch.draftAnswerMessageId) ?? null;
      if (patch.satisfactionCommentMessageId !== undefined) {
        data.satisfactionComment = patch.satisfactionCommentMessageId
          ? (bodies.get(patch.satisfactionCommentMessageId) ?? null)
          : null;
      }
      if (patch.answerMessageId) {
        // The approved draft becomes the citizen's answer: a public message of its own.
        const answer = bodies.get(patch.answerMessageId) ?? '';
        data.answer = answer;
        const answerMessage = await tx.complaintMessage.create({
          data: {
            receiptNo: event.receiptNo,
            visibility: 'PUBLIC',
            kind: MessageKind.ANSWER,
            authorKind: 'staff',
            body: answer,
          },
          select: { id: true },
        });
        // The draft's files go out with the answer: rows of their own on the public message (same bytes).
        await tx.$executeRaw`
          INSERT INTO "ComplaintAttachment" ("receiptNo", "messageId", "fileName", "contentType", size, sha256,
                                             "thumbnailSha256", "uploadedBy", position)
          SELECT "receiptNo", ${answerMessage.id}, "fileName", "contentType", size, sha256, "thumbnailSha256",
                 "uploadedBy", position
          FROM "ComplaintAttachment"
          WHERE "receiptNo" = ${event.receiptNo} AND "messageId" = ${BigInt(patch.answerMessageId)}`;
      }
      await tx.complaint.update({ where: { receiptNo: event.receiptNo }, data });
      if (event.audit) {
        // Last in the transaction: the audit chain's lock is held only until the commit right after.
        const handlerBefore = current.handler?.employeeNo ?? null;
        const reason = event.audit.withReason ? (detail.reason ?? detail.opinion) : undefined;
        await appendAudit(tx, {
          actor: event.audit.actor,
          action: event.audit.action,
          subject: `complaint:${event.receiptNo}`,
          before: { stage: current.stage, dueAt: current.dueAt.toISOString() },
          after: {
            stage: newest ? event.stage : current.stage,
            handler: patch.handlerEmployeeNo !== undefined ? patch.handlerEmployeeNo : handlerBefore,
            dueAt: newest && patch.dueAt ? patch.dueAt : current.dueAt.toISOString(),
            ...(typeof detail.score === 'number' ? { score: detail.score } : {}),
          },
          ...(typeof reason === 'string' && reason.length > 0 ? { reason } : {}),
        });
      }
    });
  }

  /** Bodies of the complaint's stored messages by id; a message of another complaint is not read. */
  async function messageBodies(
    tx: Prisma.TransactionClient,
    receiptNo: string,
    ids: (string | null | undefined)[],
  ) {
    const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string'))].map(BigInt);
    if (wanted.length === 0) return new Map<string, string>();
    const rows = await tx.complaintMessage.findMany({
      where: { receiptNo, id: { in: wanted } },
      select: { id: true, body: true },
    });
    return new Map(rows.map((row) => [row.id.toString(), row.body]));
  }

  /** The team a complaint is transferred to; an unknown team is bad input, not a retryable failure. */
  async function resolveTeam({ teamCode }: { teamCode: string }) {
    const team = await prisma.orgUnit.findUnique({ where: { code: teamCode }, include: { parent: true } });
    if (!team || team.kind !== 'TEAM') {
      throw ApplicationFailure.nonRetryable(`Unknown team: ${teamCode}`, ErrorCode.VALIDATION);
    }
    return { teamCode: team.code, teamName: team.nameKo, headquartersCode: team.parent?.code ?? null };
  }

  /** A manager may hand a complaint to another available member of the same team. */
  async function checkReassignTarget({
    employeeNo,
    teamCode,
  }: {
    employeeNo: string;
    teamCode: string;
  }): Promise<StaffRef> {
    const staff = await prisma.staff.findUnique({ where: { employeeNo }, include: { unit: true } });
    if (!staff || staff.unit.code !== teamCode || staff.role !== 'STAFF') {
      throw ApplicationFailure.nonRetryable(
        `${employeeNo} is not a staff member of team ${teamCode}`,
        ErrorCode.VALIDATION,
      );
    }
    if (
      !staff.available ||
      staff.deactivatedAt !== null ||
      (staff.absentUntil && staff.absentUntil > new Date())
    ) {
      throw ApplicationFailure.nonRetryable(`${employeeNo} is not available`, ErrorCode.VALIDATION);
    }
    return { employeeNo: staff.employeeNo, name: staff.nameKo, team: staff.unit.code };
  }

  /**
   * The holidays a complaint's business time is computed with, read from the database and pinned in the
   * workflow's state: workflow code never computes business time from data bundled with it (issue 13).
   */
  async function loadCalendarSnapshot({ around }: { around: string }): Promise<CalendarSnapshot> {
    const { from, to } = snapshotWindow(new Date(around));
    return readCalendarSnapshot(prisma, from, to);
  }

  return { assignHandler, recordComplaintEvent, resolveTeam, checkReassignTarget, loadCalendarSnapshot };
}

export type ComplaintActivities = ReturnType<typeof createComplaintActivities>;
