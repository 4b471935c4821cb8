import { ApplicationFailure } from '@temporalio/activity';
import { stuckReasonText, type StuckReason } from '../domain/readable.ts';
import { toKstDateString } from '../domain/business-calendar.ts';
import { Prisma } from '@prisma/client';
import type { Db } from '../platform/prisma.ts';
import { ErrorCode } from '../domain/errors.ts';
import {
  stagesAllowing,
  taskTypes,
  terminalTaskStages,
  type Reviewer,
  type ReviewStepDefinition,
  type TaskParticipants,
} from '../domain/policy-task.ts';

/** Policy-task queries shared by the API (inbox, stuck list, task creation) and the activities. */

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
      focusDesignable: FOCUS_STAGES.includes(t.stage),
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
