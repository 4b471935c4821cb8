import { Prisma } from '@prisma/client';
import {
  ANONYMISED_NAME,
  ANONYMISED_TEXT,
  anonymisedEmail,
  type RetentionBatchInput,
  type RetentionBatchResult,
} from '../domain/retention.ts';
import { ComplaintStage } from '../domain/complaint.ts';
import { appendAudit } from '../platform/audit.ts';
import type { Db } from '../platform/prisma.ts';

/**
 * Anonymisation of closed complaints past their retention period. What identifies or was written by the
 * citizen goes (name, email, body, satisfaction comment, the citizen's own words in the timeline, the
 * mails sent to them); what statistics need stays (category, team, handler, stage, times, score, SLA data).
 */
export function createRetentionActivities({ prisma }: { prisma: Db }) {
  return {
    async anonymiseClosedComplaints(input: RetentionBatchInput): Promise<RetentionBatchResult> {
      return prisma.$transaction(async (tx) => {
        // SKIP LOCKED: a scheduled and a manual run never fight over the same rows.
        const due = await tx.$queryRaw<{ receiptNo: string; citizenEmail: string }[]>`
          SELECT "receiptNo", "citizenEmail" FROM "Complaint"
          WHERE "anonymisedAt" IS NULL AND "closedAt" IS NOT NULL AND "closedAt" < ${new Date(input.cutoff)}
            AND stage IN (${ComplaintStage.CLOSED}, ${ComplaintStage.WITHDRAWN})
          ORDER BY "closedAt" LIMIT ${input.batchSize}
          FOR UPDATE SKIP LOCKED`;
        if (due.length === 0) return { anonymised: [] };
        const receiptNos = due.map((c) => c.receiptNo);
        const now = new Date();
        for (const { receiptNo } of due) {
          await tx.complaint.update({
            where: { receiptNo },
            data: {
              citizenName: ANONYMISED_NAME,
              citizenEmail: anonymisedEmail(receiptNo),
              body: ANONYMISED_TEXT,
              satisfactionComment: null,
              anonymisedAt: now,
            },
          });
        }
        // The citizen's own words in the timeline (added information, consultation requests, reasons);
        // a rating keeps its score.
        await tx.$executeRaw`
          UPDATE "ComplaintEvent"
          SET detail = CASE WHEN detail ? 'score' THEN jsonb_build_object('score', detail->'score', 'anonymised', true)
                            ELSE jsonb_build_object('anonymised', true) END
          WHERE "receiptNo" IN (${Prisma.join(receiptNos)}) AND actor = 'citizen'`;
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
          after: { receiptNos, cutoff: input.cutoff },
          reason: 'retention period after close has passed',
        });
        return { anonymised: receiptNos };
      });
    },
  };
}
