import type { Db } from '../platform/prisma.ts';
import { appendAudit } from '../platform/audit.ts';
import type { TaskEventRecord } from '../domain/policy-task.ts';

/** Read-model writes of the policy-task workflow. */
export function createPolicyTaskActivities({ prisma }: { prisma: Db }) {
  /**
   * Writes one workflow event in one transaction, once per eventKey: the timeline entry, the decision
   * (trail) or report it carries, the milestones, the task snapshot (only if newer) and the audit entry.
   */
  async function recordTaskEvent(record: TaskEventRecord): Promise<void> {
    await prisma.$transaction(async (tx) => {
      const at = new Date(record.at);
      const inserted = await tx.$executeRaw`
        INSERT INTO "TaskEvent" ("taskId", "eventKey", at, type, "actorNo", detail)
        VALUES (${record.taskId}, ${record.eventKey}, ${at}, ${record.type}, ${record.actorNo},
                ${JSON.stringify(record.detail)}::jsonb)
        ON CONFLICT ("taskId", "eventKey") DO NOTHING`;
      if (inserted === 0) return;
      if (record.decision) {
        const d = record.decision;
        await tx.taskReview.create({
          data: {
            taskId: record.taskId,
            eventKey: record.eventKey,
            phase: d.phase,
            step: d.step,
            round: d.round,
            reviewerNo: d.actorNo,
            role: d.role,
            decision: d.decision,
            opinion: d.opinion,
            score: d.score ?? null,
            at: new Date(d.at),
          },
        });
      }
      if (record.report) {
        await tx.taskReport.create({
          data: {
            taskId: record.taskId,
            eventKey: record.eventKey,
            kind: record.report.kind,
            authorNo: record.report.authorNo,
            text: record.report.text,
            progress: record.report.progress ?? null,
            at: new Date(record.report.at),
          },
        });
      }
      const updated = await tx.policyTask.updateMany({
        where: { id: record.taskId, lastEventSeq: { lt: record.eventSeq } },
        data: {
          lastEventSeq: record.eventSeq,
          stage: record.readModel.stage,
          light: record.readModel.light,
          focus: record.readModel.focus,
          progress: record.readModel.progress,
          planVersion: record.readModel.planVersion,
          pendingStep: record.readModel.pendingStep,
          pendingAssigneeNo: record.readModel.pendingAssigneeNo,
          pendingDueAt: record.readModel.pendingDueAt ? new Date(record.readModel.pendingDueAt) : null,
          overdue: record.readModel.overdue,
          lastActivityAt: new Date(record.readModel.lastActivityAt),
          startedAt: record.readModel.startedAt ? new Date(record.readModel.startedAt) : null,
          doneAt: record.readModel.doneAt ? new Date(record.readModel.doneAt) : null,
          focusReportDueAt: record.readModel.focusReportDueAt
            ? new Date(record.readModel.focusReportDueAt)
            : null,
          qualityScore: record.readModel.qualityScore,
          actualValue: record.readModel.actualValue,
          ...(record.completionSummary !== undefined ? { completionSummary: record.completionSummary } : {}),
          ...(record.customerSatisfaction !== undefined
            ? { customerSatisfaction: record.customerSatisfaction }
            : {}),
        },
      });
      // A newer snapshot already landed (an older event retried late): its milestones are newer too.
      if (updated.count === 1) {
        await tx.taskMilestone.deleteMany({
          where: { taskId: record.taskId, seq: { notIn: record.milestones.map((m) => m.seq) } },
        });
        for (const m of record.milestones) {
          const data = {
            title: m.title,
            dueAt: new Date(m.dueAt),
            weight: m.weight,
            completedAt: m.completedAt ? new Date(m.completedAt) : null,
            evidence: m.evidence ?? null,
            escalation: m.escalation,
          };
          await tx.taskMilestone.upsert({
            where: { taskId_seq: { taskId: record.taskId, seq: m.seq } },
            create: { taskId: record.taskId, seq: m.seq, ...data },
            update: data,
          });
        }
      }
      if (record.audit) {
        await appendAudit(tx, {
          actor: record.actorNo,
          action: record.audit.action,
          subject: `task:${record.taskId}`,
          before: record.audit.before,
          after: record.audit.after,
          reason: record.audit.reason,
        });
      }
    });
  }

  return { recordTaskEvent };
}

export type PolicyTaskActivities = ReturnType<typeof createPolicyTaskActivities>;
