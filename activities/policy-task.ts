import { ApplicationFailure } from '@temporalio/activity';
import { stuckReasonText, type StuckReason } from '../domain/readable.ts';
import { toKstDateString } from '../domain/business-calendar.ts';
import { Prisma } from '@prisma/client';
import type { Db } from '../platform/prisma.ts';
import { appendAudit } from '../platform/audit.ts';
import { ErrorCode } from '../domain/errors.ts';
import {
  stagesAllowing,
  taskTypes,
  terminalTaskStages,
  type Reviewer,
  type ReviewStepDefinition,
  type TaskEventRecord,
  type TaskParticipants,
} from '../domain/policy-task.ts';

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

// ---------------------------------------------------------------------------------------------------------
// Queries shared with the API (inbox, stuck list, task creation). Not activities: plain functions over Prisma.

/**
 * Resolves a task type's review chain to people: the owner's team leader, the director of the owner's
 * headquarters, the head of ministry. Fails with VALIDATION when the owner is not in a team or a role is
 * vacant, so no task starts with a chain nobody can act on.
 */
export async function resolveTaskParticipants(
  prisma: Db,
  { ownerNo, taskType }: { ownerNo: string; taskType: string },
): Promise<TaskParticipants & { ownerId: number; unitId: number }> {
  const definition = taskTypes[taskType];
  if (!definition)
    throw ApplicationFailure.nonRetryable(`Unknown task type: ${taskType}`, ErrorCode.VALIDATION);
  const owner = await prisma.staff.findUnique({
    where: { employeeNo: ownerNo },
    include: { unit: { include: { parent: true } } },
  });
  if (!owner) throw ApplicationFailure.nonRetryable(`Unknown owner: ${ownerNo}`, ErrorCode.VALIDATION);
  if (owner.unit.kind !== 'TEAM' || !owner.unit.parent) {
    throw ApplicationFailure.nonRetryable(
      `The owner ${ownerNo} is not a member of a team`,
      ErrorCode.VALIDATION,
    );
  }
  const teamCode = owner.unit.code;
  const headquartersCode = owner.unit.parent.code;
  const [leader, director, head] = await Promise.all([
    prisma.staff.findFirst({
      where: { role: 'TEAM_LEADER', unit: { code: teamCode } },
      orderBy: { employeeNo: 'asc' },
    }),
    prisma.staff.findFirst({
      where: { role: 'DIRECTOR', unit: { code: headquartersCode } },
      orderBy: { employeeNo: 'asc' },
    }),
    prisma.staff.findFirst({ where: { role: 'HEAD' }, orderBy: { employeeNo: 'asc' } }),
  ]);
  if (!leader || !director || !head) {
    throw ApplicationFailure.nonRetryable(
      `The review chain of team ${teamCode} has a vacant position`,
      ErrorCode.VALIDATION,
    );
  }
  const holder = {
    TEAM_LEADER: leader.employeeNo,
    DIRECTOR: director.employeeNo,
    HEAD: head.employeeNo,
  } as const;
  const resolve = (def: ReviewStepDefinition): Reviewer => ({ ...def, employeeNo: holder[def.role] });
  return {
    ownerId: owner.id,
    unitId: owner.unitId,
    ownerNo,
    teamCode,
    headquartersCode,
    leaderNo: leader.employeeNo,
    directorNo: director.employeeNo,
    headNo: head.employeeNo,
    planChain: definition.planChain.map(resolve),
    qualityReviewer: resolve(definition.qualityReviewer),
    finalApprover: resolve(definition.finalApprover),
  };
}

export interface PendingTaskStep {
  kind: 'task';
  id: string;
  title: string;
  stage: string;
  step: string;
  team: string;
  dueAt: string | null;
  light: string;
  overdue: boolean;
  focus: boolean;
}

/** Tasks on which this person owes the next step (review, plan, milestone, report), by due time. */
export async function listPendingTaskSteps(prisma: Db, employeeNo: string): Promise<PendingTaskStep[]> {
  const rows = await prisma.policyTask.findMany({
    where: { pendingAssigneeNo: employeeNo, stage: { notIn: [...terminalTaskStages] } },
    include: { unit: true },
    orderBy: [{ pendingDueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
    take: 500,
  });
  const steps: PendingTaskStep[] = rows.map((t) => ({
    kind: 'task',
    id: t.id,
    title: t.title,
    stage: t.stage,
    step: t.pendingStep ?? '',
    team: t.unit.code,
    dueAt: t.pendingDueAt?.toISOString() ?? null,
    light: t.light,
    overdue: t.overdue || (t.pendingDueAt !== null && t.pendingDueAt.getTime() <= Date.now()),
    focus: t.focus,
  }));
  return [...steps, ...(await listCustomerQuestionSteps(prisma, employeeNo))];
}

/** A customer's question waits for the task owner's answer (issue 20): one step per task with open questions. */
async function listCustomerQuestionSteps(prisma: Db, employeeNo: string): Promise<PendingTaskStep[]> {
  const open = await prisma.taskCustomerQuestion.groupBy({
    by: ['taskId'],
    where: { answeredAt: null, customer: { task: { owner: { employeeNo } } } },
    _min: { askedAt: true },
    orderBy: { taskId: 'asc' },
    take: 500,
  });
  if (open.length === 0) return [];
  const tasks = await prisma.policyTask.findMany({
    where: { id: { in: open.map((row) => row.taskId) } },
    include: { unit: true },
  });
  return tasks.map((t) => ({
    kind: 'task',
    id: t.id,
    title: t.title,
    stage: t.stage,
    step: 'customer-question',
    team: t.unit.code,
    dueAt: null,
    light: t.light,
    overdue: false,
    focus: t.focus,
  }));
}

export interface StuckTask {
  kind: 'task';
  id: string;
  title: string;
  team: string;
  stage: string;
  assignee: string | null;
  dueAt: string | null;
  /** Korean, times in Korea time; `reasons` carries the same as codes for the portal to translate. */
  reason: string;
  reasons: StuckReason[];
}

/**
 * Stuck tasks among the given teams, each with its reason: a milestone past due, a reviewer past the
 * review period, or no activity for `idleDays` days.
 */
/** The stages in which a task may be put under focus management. */
const FOCUS_STAGES: readonly string[] = stagesAllowing('designate-focus');

export async function listStuckTasks(
  prisma: Db,
  { teamCodes, idleDays = 14, now = new Date() }: { teamCodes: string[]; idleDays?: number; now?: Date },
): Promise<StuckTask[]> {
  const idleSince = new Date(now.getTime() - idleDays * 24 * 3600_000);
  // A task linked to a KPI that is red this year is proposed for focus management until it is under it.
  const redKpis = await prisma.kpi.findMany({
    where: { year: Number(toKstDateString(now).slice(0, 4)), light: 'RED' },
    select: { code: true, nameKo: true, nameEn: true, updatedAt: true },
  });
  const redKpi = new Map(redKpis.map((kpi) => [kpi.code, kpi]));
  const rows = await prisma.policyTask.findMany({
    where: {
      unit: { code: { in: teamCodes } },
      stage: { notIn: [...terminalTaskStages] },
      OR: [
        { overdue: true },
        { pendingDueAt: { lte: now } },
        { milestones: { some: { completedAt: null, dueAt: { lte: now } } } },
        { lastActivityAt: { lte: idleSince } },
        { kpiCode: { in: [...redKpi.keys()] }, focus: false, stage: { in: [...FOCUS_STAGES] } },
      ],
    },
    include: {
      unit: true,
      milestones: { where: { completedAt: null, dueAt: { lte: now } }, orderBy: { dueAt: 'asc' } },
    },
    orderBy: { id: 'asc' },
    take: 500,
  });
  return rows.map((t) => {
    const reasons: StuckReason[] = [];
    const late = t.milestones[0];
    const reviewing = ['plan_review', 'change_review', 'quality_review', 'final_approval'].includes(t.stage);
    if (late && (t.stage === 'execution' || t.stage === 'change_review')) {
      reasons.push({ code: 'milestone-overdue', since: late.dueAt.toISOString(), milestone: late.seq });
    }
    if (reviewing && t.pendingDueAt && t.pendingDueAt <= now) {
      reasons.push({
        code: 'review-late',
        since: t.pendingDueAt.toISOString(),
        reviewer: t.pendingAssigneeNo ?? '',
      });
    }
    if (t.lastActivityAt <= idleSince) {
      reasons.push({ code: 'no-activity', since: t.lastActivityAt.toISOString(), days: idleDays });
    }
    const red = t.kpiCode ? redKpi.get(t.kpiCode) : undefined;
    if (red && !t.focus && FOCUS_STAGES.includes(t.stage)) {
      reasons.push({
        code: 'kpi-red',
        // The KPI's last update: the light is as of then (when it first turned red is not kept).
        since: red.updatedAt.toISOString(),
        kpi: red.code,
        kpiName: red.nameKo,
        kpiNameEn: red.nameEn,
      });
    }
    if (reasons.length === 0) reasons.push({ code: 'overdue', since: t.pendingDueAt?.toISOString() ?? null });
    return {
      kind: 'task' as const,
      id: t.id,
      title: t.title,
      team: t.unit.code,
      stage: t.stage,
      assignee: t.pendingAssigneeNo,
      dueAt: t.pendingDueAt?.toISOString() ?? null,
      reasons,
      reason: reasons.map((r) => stuckReasonText(r, 'ko', 'task')).join('; '),
    };
  });
}

/** Next task id: PT-<year>-<4+ digits> from one sequence. */
export async function nextTaskId(tx: Prisma.TransactionClient | Db, year: string): Promise<string> {
  const [{ seq }] = await tx.$queryRaw<[{ seq: bigint }]>`SELECT nextval('policy_task_seq') AS seq`;
  return `PT-${year}-${seq.toString().padStart(4, '0')}`;
}
