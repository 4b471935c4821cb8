import { Prisma } from '@prisma/client';
import {
  ANONYMISED_NAME,
  ANONYMISED_TEXT,
  anonymisedEmail,
  redactPersonalData,
  type RetentionBatchInput,
  type RetentionBatchResult,
} from '../domain/retention.ts';
import { ComplaintStage } from '../domain/complaint.ts';
import { appendAudit } from '../platform/audit.ts';
import type { Db } from '../platform/prisma.ts';
import { deleteUnreferencedFiles, sweepOrphanFiles, type FileStore } from '../platform/file-store.ts';

/** Bytes stored longer ago than this without a row naming them are left from failed uploads. */
const ORPHAN_FILE_AGE_MS = 24 * 3600_000;

/**
 * Anonymisation of closed complaints past their retention period. What identifies or was written by the
 * citizen goes (name, email, body, satisfaction comment, the citizen's own words in the timeline and in
 * the stored complaint messages, the mails sent to them); what statistics need stays (category, team, handler, stage, times, score, SLA data).
 */
/** Every string inside a JSON value, redacted. */
function redactStrings(value: Prisma.JsonValue, citizen: { name: string; email: string }): Prisma.JsonValue {
  if (typeof value === 'string') return redactPersonalData(value, citizen);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, citizen));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v ?? null, citizen)]));
  }
  return value;
}

export function createRetentionActivities({ prisma, fileStore }: { prisma: Db; fileStore: FileStore }) {
  return {
    async anonymiseClosedComplaints(input: RetentionBatchInput): Promise<RetentionBatchResult> {
      const { anonymised, fileHashes } = await anonymiseBatch(input);
      // After the commit: bytes no other complaint's attachment names go too. Should this fail, the sweep
      // below removes them on a later run (no row names them any more).
      await deleteUnreferencedFiles(prisma, fileStore, fileHashes);
      // The run's last batch also sweeps bytes of uploads whose rows were never written.
      if (anonymised.length < input.batchSize) {
        await sweepOrphanFiles(prisma, fileStore, new Date(Date.now() - ORPHAN_FILE_AGE_MS));
      }
      return { anonymised };
    },
  };

  function anonymiseBatch(input: RetentionBatchInput) {
    return prisma.$transaction(async (tx) => {
      // SKIP LOCKED: a scheduled and a manual run never fight over the same rows.
      const due = await tx.$queryRaw<
        {
          receiptNo: string;
          citizenName: string;
          citizenEmail: string;
          title: string;
          answer: string | null;
          draftAnswer: string | null;
        }[]
      >`
          SELECT "receiptNo", "citizenName", "citizenEmail", title, answer, "draftAnswer" FROM "Complaint"
          WHERE "anonymisedAt" IS NULL AND "closedAt" IS NOT NULL AND "closedAt" < ${new Date(input.cutoff)}
            AND stage IN (${ComplaintStage.CLOSED}, ${ComplaintStage.WITHDRAWN})
          ORDER BY "closedAt" LIMIT ${input.batchSize}
          FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return { anonymised: [], fileHashes: [] };
      const receiptNos = due.map((c) => c.receiptNo);
      const now = new Date();
      for (const complaint of due) {
        const citizen = { name: complaint.citizenName, email: complaint.citizenEmail };
        const redact = (text: string | null) => (text === null ? null : redactPersonalData(text, citizen));
        await tx.complaint.update({
          where: { receiptNo: complaint.receiptNo },
          data: {
            citizenName: ANONYMISED_NAME,
            citizenEmail: anonymisedEmail(complaint.receiptNo),
            citizenPhone: null,
            body: ANONYMISED_TEXT,
            title: redactPersonalData(complaint.title, citizen),
            answer: redact(complaint.answer),
            draftAnswer: redact(complaint.draftAnswer),
            satisfactionComment: null,
            anonymisedAt: now,
          },
        });
      }
      // Staff-written words in the timeline (opinions, replies) keep their text without the citizen's data.
      const staffEvents = await tx.complaintEvent.findMany({
        where: { receiptNo: { in: receiptNos }, actor: { not: 'citizen' } },
        select: { id: true, receiptNo: true, detail: true },
      });
      const citizenOf = new Map(
        due.map((c) => [c.receiptNo, { name: c.citizenName, email: c.citizenEmail }]),
      );
      for (const event of staffEvents) {
        const redacted = redactStrings(event.detail, citizenOf.get(event.receiptNo)!);
        if (JSON.stringify(redacted) !== JSON.stringify(event.detail)) {
          await tx.complaintEvent.update({
            where: { id: event.id },
            data: { detail: redacted as Prisma.InputJsonValue },
          });
        }
      }
      // The citizen's own words in the timeline (added information, consultation requests, reasons);
      // a rating keeps its score.
      await tx.$executeRaw`
          UPDATE "ComplaintEvent"
          SET detail = CASE WHEN detail ? 'score' THEN jsonb_build_object('score', detail->'score', 'anonymised', true)
                            ELSE jsonb_build_object('anonymised', true) END
          WHERE "receiptNo" IN (${Prisma.join(receiptNos)}) AND actor = 'citizen'`;
      // Texts kept outside workflow history (ComplaintMessage): the citizen's own words go, staff-written
      // ones keep their text without the citizen's data.
      const messages = await tx.complaintMessage.findMany({
        where: { receiptNo: { in: receiptNos }, redactedAt: null },
        select: { id: true, receiptNo: true, authorKind: true, body: true },
      });
      for (const message of messages) {
        await tx.complaintMessage.update({
          where: { id: message.id },
          data: {
            body:
              message.authorKind === 'citizen'
                ? ANONYMISED_TEXT
                : redactPersonalData(message.body, citizenOf.get(message.receiptNo)!),
            redactedAt: now,
          },
        });
      }
      // Attachments (the citizen's files and staff's): rows now, bytes once no other row names them.
      const files = await tx.complaintAttachment.findMany({
        where: { receiptNo: { in: receiptNos } },
        select: { sha256: true, thumbnailSha256: true },
      });
      await tx.complaintAttachment.deleteMany({ where: { receiptNo: { in: receiptNos } } });
      const fileHashes = files.flatMap((file) => [file.sha256, file.thumbnailSha256 ?? []].flat());
      // Mails to the citizen: the outbox keys start with the receipt number.
      await tx.$executeRaw`
          UPDATE "EmailOutbox" SET "to" = ${ANONYMISED_NAME}, text = ${ANONYMISED_TEXT}, html = NULL
          WHERE "key" LIKE ANY (${receiptNos.map((no) => `${no}:%`)}) AND "to" IN (${Prisma.join(due.map((c) => c.citizenEmail))})`;
      // The embedded mail catcher's copies (development only).
      await tx.devMail.deleteMany({
        where: { OR: due.map((c) => ({ to: { contains: c.citizenEmail } })) },
      });
      await appendAudit(tx, {
        actor: input.requestedBy,
        action: 'retention.anonymised',
        subject: 'complaints',
        after: { receiptNos, cutoff: input.cutoff, attachmentsDeleted: files.length },
        reason: 'retention period after close has passed',
      });
      return { anonymised: receiptNos, fileHashes };
    });
  }
}
