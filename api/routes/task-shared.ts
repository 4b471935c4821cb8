import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, permits } from '../../domain/policy.ts';
import { taskLight, type MilestonePlan, type Reviewer } from '../../domain/policy-task.ts';
import { AppError } from '../errors.ts';
import type { SessionStaff } from '../plugins/auth.ts';
import type { TaskView } from '../../contracts/tasks.ts';

export { Light, NullableTime, TaskView } from '../../contracts/tasks.ts';

/**
 * What the policy task route modules (tasks.ts: create, list, read and the trail export; task-actions.ts:
 * the workflow's actions) share: schema fragments, the task view and who may read a task.
 */

export const TaskId = Type.String({ pattern: '^PT-[0-9]{4}-[0-9]{4,}$', description: 'e.g. PT-2026-0001' });
const IsoTime = Type.String({ format: 'date-time' });
export const Text = (maxLength = 4000) => Type.String({ minLength: 1, maxLength });

const MilestoneInput = Type.Object(
  {
    seq: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    title: Text(200),
    dueAt: IsoTime,
    weight: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
  },
  { additionalProperties: false },
);
export const Milestones = Type.Array(MilestoneInput, { minItems: 1, maxItems: 20 });

/** Who may read a task: its team, its headquarters' director, its reviewers, and HR, head and admin. */
export function mayRead(
  staff: SessionStaff,
  task: { teamCode: string; hqCode: string | null; reviewChain: Reviewer[] },
) {
  return permits(staff, Action.TASK_READ, {
    teamCode: task.teamCode,
    headquartersCode: task.hqCode,
    participantNos: task.reviewChain.map((r) => r.employeeNo),
  });
}

export const withSeq = (milestones: Static<typeof Milestones>): MilestonePlan[] =>
  milestones.map((m, index) => ({
    seq: m.seq ?? index + 1,
    title: m.title,
    dueAt: new Date(m.dueAt).toISOString(),
    weight: m.weight,
  }));

export const liveLight = (task: {
  stage: string;
  startedAt: Date | null;
  createdAt: Date;
  progress: number;
  milestones: { dueAt: Date; weight: number; completedAt: Date | null }[];
}) =>
  taskLight({
    nowMs: Date.now(),
    stage: task.stage,
    startedAt: task.startedAt?.toISOString() ?? null,
    createdAt: task.createdAt.toISOString(),
    progress: task.progress,
    milestones: task.milestones.map((m) => ({
      dueAt: m.dueAt.toISOString(),
      weight: m.weight,
      completedAt: m.completedAt?.toISOString(),
    })),
  });

/** Loading a task with everything its view shows, refusing what the caller may not read, and the view. */
export function taskContext(app: FastifyInstance) {
  const notFound = (id: string) => new AppError(ErrorCode.NOT_FOUND, `No policy task ${id}`);

  async function loadTask(id: string) {
    return app.prisma.policyTask.findUnique({
      where: { id },
      include: {
        unit: { include: { parent: true } },
        owner: true,
        milestones: { orderBy: { seq: 'asc' } },
        reviews: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
        reports: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
        events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
      },
    });
  }
  type LoadedTask = NonNullable<Awaited<ReturnType<typeof loadTask>>>;

  async function loadReadable(staff: SessionStaff, id: string): Promise<LoadedTask> {
    const task = await loadTask(id);
    if (
      !task ||
      !mayRead(staff, {
        teamCode: task.unit.code,
        hqCode: task.unit.parent?.code ?? null,
        reviewChain: task.reviewChain as unknown as Reviewer[],
      })
    ) {
      throw notFound(id);
    }
    return task;
  }

  async function view(task: LoadedTask): Promise<TaskView> {
    const reviewerNos = [...new Set(task.reviews.map((r) => r.reviewerNo))];
    const people = new Map(
      (await app.prisma.staff.findMany({ where: { employeeNo: { in: reviewerNos } } })).map((s) => [
        s.employeeNo,
        s,
      ]),
    );
    const person = (employeeNo: string) => ({
      employeeNo,
      name: people.get(employeeNo)?.nameKo ?? employeeNo,
      nameEn: people.get(employeeNo)?.nameEn ?? employeeNo,
    });
    return {
      id: task.id,
      title: task.title,
      purpose: task.purpose,
      taskType: task.taskType,
      stage: task.stage,
      light: liveLight(task),
      focus: task.focus,
      focusReportDueAt: task.focusReportDueAt?.toISOString() ?? null,
      progress: task.progress,
      planVersion: task.planVersion,
      overdue: task.overdue,
      team: { code: task.unit.code, name: task.unit.nameKo, nameEn: task.unit.nameEn },
      owner: { employeeNo: task.owner.employeeNo, name: task.owner.nameKo, nameEn: task.owner.nameEn },
      kpiCode: task.kpiCode,
      outcomeMeasure: task.outcomeMeasure,
      outcomeTarget: task.outcomeTarget,
      actualValue: task.actualValue,
      qualityScore: task.qualityScore,
      completionSummary: task.completionSummary,
      createdAt: task.createdAt.toISOString(),
      startedAt: task.startedAt?.toISOString() ?? null,
      doneAt: task.doneAt?.toISOString() ?? null,
      lastActivityAt: task.lastActivityAt.toISOString(),
      pendingStep:
        task.pendingStep && task.pendingAssigneeNo
          ? {
              step: task.pendingStep,
              assigneeNo: task.pendingAssigneeNo,
              dueAt: task.pendingDueAt?.toISOString() ?? null,
            }
          : null,
      reviewChain: task.reviewChain as unknown as Reviewer[],
      milestones: task.milestones.map((m) => ({
        seq: m.seq,
        title: m.title,
        dueAt: m.dueAt.toISOString(),
        weight: m.weight,
        completedAt: m.completedAt?.toISOString() ?? null,
        evidence: m.evidence,
        escalation: m.escalation,
      })),
      trail: task.reviews.map((r) => ({
        at: r.at.toISOString(),
        phase: r.phase,
        round: r.round,
        step: r.step,
        reviewer: person(r.reviewerNo),
        role: r.role,
        decision: r.decision,
        opinion: r.opinion,
        score: r.score,
      })),
      reports: task.reports.map((r) => ({
        at: r.at.toISOString(),
        kind: r.kind,
        authorNo: r.authorNo,
        text: r.text,
        progress: r.progress,
      })),
      timeline: task.events.map((e) => ({
        at: e.at.toISOString(),
        type: e.type,
        actor: e.actorNo,
        detail: e.detail,
      })),
    };
  }

  return { notFound, loadTask, loadReadable, view };
}
