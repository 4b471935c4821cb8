import { policyTaskStartSummary } from '../../domain/workflow-summaries.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from 'typebox';
import type { Prisma } from '@prisma/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { policyTaskWorkflow } from '../../workflows/policy-task.ts';
import { listPendingTaskSteps, nextTaskId, resolveTaskParticipants } from '../../data/policy-tasks.ts';
import { ErrorCode, isErrorCode } from '../../domain/errors.ts';
import { executeSignedUpdate } from '../signed-update.ts';
import { Action, permits } from '../../domain/policy.ts';
import {
  checkMilestonePlan,
  isTerminalTaskStage,
  POLICY_TASK_WORKFLOW_TYPE,
  policyTaskWorkflowId,
  TASK_TYPES,
  taskActionUpdate,
  taskLight,
  TaskStage,
  type MilestonePlan,
  type PolicyTaskInput,
  type Reviewer,
  type TaskAction,
  type TaskActionType,
  type TaskActor,
} from '../../domain/policy-task.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { toCsv } from '../csv.ts';
import {
  decisionLabel,
  exportTime,
  langOf,
  phaseLabel,
  roleLabel,
  taskStepLabel,
} from '../../domain/readable.ts';
import { EmployeeNo } from '../schemas.ts';

const TaskId = Type.String({ pattern: '^PT-[0-9]{4}-[0-9]{4,}$', description: 'e.g. PT-2026-0001' });
const IsoTime = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([IsoTime, Type.Null()]);
const Text = (maxLength = 4000) => Type.String({ minLength: 1, maxLength });
const Light = Type.Union([Type.Literal('GREEN'), Type.Literal('YELLOW'), Type.Literal('RED')]);

const MilestoneInput = Type.Object(
  {
    seq: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    title: Text(200),
    dueAt: IsoTime,
    weight: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
  },
  { additionalProperties: false },
);
const Milestones = Type.Array(MilestoneInput, { minItems: 1, maxItems: 20 });

const CreateTaskBody = Type.Object(
  {
    title: Type.String({ minLength: 2, maxLength: 200 }),
    purpose: Text(),
    taskType: Type.Optional(Type.Union(TASK_TYPES.map((t) => Type.Literal(t)))),
    ownerNo: Type.Optional(EmployeeNo),
    kpiCode: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    outcomeMeasure: Type.Optional(Text(300)),
    outcomeTarget: Type.Optional(Type.Number()),
    milestones: Milestones,
  },
  { additionalProperties: false },
);

const PendingStep = Type.Union([
  Type.Object({ step: Type.String(), assigneeNo: Type.String(), dueAt: NullableTime }),
  Type.Null(),
]);

const Created = Type.Object({ id: Type.String(), stage: Type.String(), light: Light });

const Person = Type.Object({ employeeNo: Type.String(), name: Type.String(), nameEn: Type.String() });

const TrailEntry = Type.Object({
  at: IsoTime,
  phase: Type.String(),
  round: Type.Integer(),
  step: Type.String(),
  reviewer: Person,
  role: Type.String(),
  decision: Type.String(),
  opinion: Type.String(),
  score: Type.Union([Type.Number(), Type.Null()]),
});

const TaskView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  purpose: Type.String(),
  taskType: Type.String(),
  stage: Type.String(),
  light: Light,
  focus: Type.Boolean(),
  focusReportDueAt: NullableTime,
  progress: Type.Number(),
  planVersion: Type.Integer(),
  overdue: Type.Boolean(),
  team: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  owner: Person,
  kpiCode: Type.Union([Type.String(), Type.Null()]),
  outcomeMeasure: Type.Union([Type.String(), Type.Null()]),
  outcomeTarget: Type.Union([Type.Number(), Type.Null()]),
  actualValue: Type.Union([Type.Number(), Type.Null()]),
  qualityScore: Type.Union([Type.Number(), Type.Null()]),
  completionSummary: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoTime,
  startedAt: NullableTime,
  doneAt: NullableTime,
  lastActivityAt: IsoTime,
  pendingStep: PendingStep,
  reviewChain: Type.Array(
    Type.Object({ step: Type.String(), role: Type.String(), employeeNo: Type.String() }),
  ),
  milestones: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      title: Type.String(),
      dueAt: IsoTime,
      weight: Type.Number(),
      completedAt: NullableTime,
      evidence: Type.Union([Type.String(), Type.Null()]),
      escalation: Type.Integer(),
    }),
  ),
  trail: Type.Array(TrailEntry),
  reports: Type.Array(
    Type.Object({
      at: IsoTime,
      kind: Type.String(),
      authorNo: Type.String(),
      text: Type.String(),
      progress: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  timeline: Type.Array(
    Type.Object({ at: IsoTime, type: Type.String(), actor: Type.String(), detail: Type.Unknown() }),
  ),
});
type TaskView = Static<typeof TaskView>;

const TaskListItem = Type.Object({
  id: Type.String(),
  title: Type.String(),
  stage: Type.String(),
  team: Type.String(),
  ownerNo: Type.String(),
  step: Type.Union([Type.String(), Type.Null()]),
  assigneeNo: Type.Union([Type.String(), Type.Null()]),
  dueAt: NullableTime,
  light: Light,
  overdue: Type.Boolean(),
  focus: Type.Boolean(),
  progress: Type.Number(),
});

/** Who may read a task: its team, its headquarters' director, its reviewers, and HR, head and admin. */
function mayRead(
  staff: SessionStaff,
  task: { teamCode: string; hqCode: string | null; reviewChain: Reviewer[] },
) {
  return permits(staff, Action.TASK_READ, {
    teamCode: task.teamCode,
    headquartersCode: task.hqCode,
    participantNos: task.reviewChain.map((r) => r.employeeNo),
  });
}

/** Which tasks a list shows: everything for head, admin and HR; a director's headquarters; else one's team. */
function listScope(staff: SessionStaff): Prisma.PolicyTaskWhereInput {
  if (staff.role === 'ADMIN' || staff.role === 'HEAD' || staff.role === 'HR') return {};
  if (staff.role === 'DIRECTOR' && staff.headquartersCode)
    return { unit: { parent: { code: staff.headquartersCode } } };
  return { unit: { code: staff.unitCode } };
}

const actorOf = (staff: SessionStaff): TaskActor => ({
  employeeNo: staff.employeeNo,
  role: staff.role,
  unitCode: staff.unitCode,
  headquartersCode: staff.headquartersCode,
});

const withSeq = (milestones: Static<typeof Milestones>): MilestonePlan[] =>
  milestones.map((m, index) => ({
    seq: m.seq ?? index + 1,
    title: m.title,
    dueAt: new Date(m.dueAt).toISOString(),
    weight: m.weight,
  }));

const liveLight = (task: {
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

/** Failures of the shared helpers carry an ErrorCode as their type; give them to the error mapping. */
function asAppError(error: unknown): unknown {
  if (error instanceof ApplicationFailure && isErrorCode(error.type))
    return new AppError(error.type, error.message);
  return error;
}

interface ActionRoute {
  action: TaskActionType;
  summary: string;
  body: TSchema;
  toAction: (body: never) => TaskAction;
  /** A first check from the read model; the workflow's validator decides with the exact pending step. */
  who: 'owner' | 'reviewer' | 'focus-manager';
}

const ReasonBody = Type.Object({ reason: Text() }, { additionalProperties: false });

const actionRoutes: ActionRoute[] = [
  {
    action: 'submit',
    summary: 'Owner submits (or resubmits, optionally with a revised plan) the plan into its review chain',
    body: Type.Object(
      { note: Type.Optional(Type.String({ maxLength: 4000 })), milestones: Type.Optional(Milestones) },
      { additionalProperties: false },
    ),
    toAction: (b: { note?: string; milestones?: Static<typeof Milestones> }) => ({
      type: 'submit',
      note: b.note,
      milestones: b.milestones ? withSeq(b.milestones) : undefined,
    }),
    who: 'owner',
  },
  {
    action: 'review',
    summary: 'The pending reviewer approves, returns or rejects, with an opinion kept in the decision trail',
    body: Type.Object(
      {
        decision: Type.Union([Type.Literal('approve'), Type.Literal('return'), Type.Literal('reject')]),
        opinion: Text(),
      },
      { additionalProperties: false },
    ),
    toAction: (b: { decision: 'approve' | 'return' | 'reject'; opinion: string }) => ({
      type: 'review',
      decision: b.decision,
      opinion: b.opinion,
    }),
    who: 'reviewer',
  },
  {
    action: 'final-approve',
    summary: 'Final approval of a completed task: it becomes done and reports its outcome',
    body: Type.Object(
      { opinion: Type.Optional(Type.String({ maxLength: 4000 })) },
      { additionalProperties: false },
    ),
    toAction: (b: { opinion?: string }) => ({ type: 'final-approve', opinion: b.opinion }),
    who: 'reviewer',
  },
  {
    action: 'report-progress',
    summary: 'Owner reports progress (or records an activity); a focus task needs one every week',
    body: Type.Object(
      {
        text: Text(),
        progress: Type.Number({ minimum: 0, maximum: 100 }),
        kind: Type.Optional(Type.Union([Type.Literal('progress'), Type.Literal('activity')])),
      },
      { additionalProperties: false },
    ),
    toAction: (b: { text: string; progress: number; kind?: 'progress' | 'activity' }) => ({
      type: 'report-progress',
      ...b,
    }),
    who: 'owner',
  },
  {
    action: 'complete-milestone',
    summary: 'Owner completes a milestone with evidence',
    body: Type.Object(
      { seq: Type.Integer({ minimum: 1 }), evidence: Text() },
      { additionalProperties: false },
    ),
    toAction: (b: { seq: number; evidence: string }) => ({ type: 'complete-milestone', ...b }),
    who: 'owner',
  },
  {
    action: 'change-plan',
    summary: 'Owner proposes a changed plan; it goes back through the review chain',
    body: Type.Object({ reason: Text(), milestones: Milestones }, { additionalProperties: false }),
    toAction: (b: { reason: string; milestones: Static<typeof Milestones> }) => ({
      type: 'change-plan',
      reason: b.reason,
      milestones: withSeq(b.milestones),
    }),
    who: 'owner',
  },
  {
    action: 'designate-focus',
    summary: 'Director puts a lagging task under focus management (weekly reports)',
    body: ReasonBody,
    toAction: (b: { reason: string }) => ({ type: 'designate-focus', reason: b.reason }),
    who: 'focus-manager',
  },
  {
    action: 'release-focus',
    summary: 'Director releases a task from focus management',
    body: ReasonBody,
    toAction: (b: { reason: string }) => ({ type: 'release-focus', reason: b.reason }),
    who: 'focus-manager',
  },
  {
    action: 'submit-completion',
    summary: 'Owner submits the completion report once every milestone is complete',
    body: Type.Object(
      { summary: Text(), actualValue: Type.Optional(Type.Number()) },
      { additionalProperties: false },
    ),
    toAction: (b: { summary: string; actualValue?: number }) => ({ type: 'submit-completion', ...b }),
    who: 'owner',
  },
  {
    action: 'quality-review',
    summary: 'Quality review of the completion report: score 0–100 and an opinion (accept or return)',
    body: Type.Object(
      {
        score: Type.Number({ minimum: 0, maximum: 100 }),
        opinion: Text(),
        decision: Type.Optional(Type.Union([Type.Literal('accept'), Type.Literal('return')])),
      },
      { additionalProperties: false },
    ),
    toAction: (b: { score: number; opinion: string; decision?: 'accept' | 'return' }) => ({
      type: 'quality-review',
      ...b,
    }),
    who: 'reviewer',
  },
];

export const taskRoutes: FastifyPluginAsyncTypebox = async (app) => {
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

  app.post(
    '/api/tasks',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary:
          'Create a policy task (정책과제) in draft; starts its workflow. The task id is the workflow id.',
        body: CreateTaskBody,
        response: { 202: Created, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const body = request.body;
      const taskType = body.taskType ?? 'standard';
      const ownerNo = body.ownerNo ?? staff.employeeNo;
      const participants = await resolveTaskParticipants(app.prisma, { ownerNo, taskType }).catch(
        (error: unknown) => {
          throw asAppError(error);
        },
      );
      if (ownerNo !== staff.employeeNo) {
        const manages =
          staff.role === 'HEAD' ||
          (staff.role === 'TEAM_LEADER' && staff.unitCode === participants.teamCode) ||
          (staff.role === 'DIRECTOR' && staff.headquartersCode === participants.headquartersCode);
        if (!manages)
          throw new AppError(
            ErrorCode.FORBIDDEN,
            `Only ${ownerNo}'s leader or director may create a task for them`,
          );
      }
      const milestones = withSeq(body.milestones);
      const planProblem = checkMilestonePlan(milestones, Date.now());
      if (planProblem) throw new AppError(ErrorCode.VALIDATION, planProblem);
      if (body.kpiCode && !(await app.prisma.kpi.findFirst({ where: { code: body.kpiCode } }))) {
        throw new AppError(ErrorCode.VALIDATION, `Unknown KPI: ${body.kpiCode}`);
      }
      const createdAt = new Date();
      const year = String(new Date(createdAt.getTime() + 9 * 3600_000).getUTCFullYear());
      const { ownerId, unitId, ...workflowParticipants } = participants;
      const id = await app.prisma.$transaction(async (tx) => {
        const taskId = await nextTaskId(tx, year);
        await tx.policyTask.create({
          data: {
            id: taskId,
            title: body.title,
            purpose: body.purpose,
            taskType,
            unitId,
            ownerId,
            kpiCode: body.kpiCode ?? null,
            outcomeMeasure: body.outcomeMeasure ?? null,
            outcomeTarget: body.outcomeTarget ?? null,
            stage: TaskStage.DRAFT,
            createdAt,
            lastActivityAt: createdAt,
            pendingStep: 'submit-plan',
            pendingAssigneeNo: ownerNo,
            reviewChain: [
              ...workflowParticipants.planChain,
              workflowParticipants.qualityReviewer,
              workflowParticipants.finalApprover,
            ] as unknown as Prisma.InputJsonArray,
            milestones: {
              create: milestones.map((m) => ({
                seq: m.seq,
                title: m.title,
                dueAt: new Date(m.dueAt),
                weight: m.weight,
              })),
            },
          },
        });
        return taskId;
      });
      const input: PolicyTaskInput = {
        taskId: id,
        taskType,
        title: body.title,
        participants: workflowParticipants,
        milestones,
        createdAt: createdAt.toISOString(),
        ...(body.kpiCode ? { kpiCode: body.kpiCode } : {}),
        ...(body.outcomeTarget !== undefined ? { outcomeTarget: body.outcomeTarget } : {}),
      };
      try {
        await app.temporal.workflow.start<typeof policyTaskWorkflow>(POLICY_TASK_WORKFLOW_TYPE, {
          workflowId: policyTaskWorkflowId(id),
          taskQueue: app.config.TEMPORAL_TASK_QUEUE,
          args: [input],
          ...policyTaskStartSummary(input),
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      return reply
        .header('location', `/api/tasks/${id}`)
        .status(202)
        .send({ id, stage: TaskStage.DRAFT, light: 'GREEN' as const });
    },
  );

  app.get(
    '/api/tasks',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary:
          "Policy tasks in the caller's scope with light and pending step; `pendingFor=me` lists the tasks where the caller owes the next step",
        querystring: Type.Object({
          pendingFor: Type.Optional(Type.Literal('me')),
          stage: Type.Optional(Type.String({ maxLength: 40 })),
          team: Type.Optional(Type.String({ maxLength: 20 })),
          focus: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Type.Object({ items: Type.Array(TaskListItem) }), 401: ErrorBody },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const query = request.query;
      let where: Prisma.PolicyTaskWhereInput;
      if (query.pendingFor === 'me') {
        const pending = await listPendingTaskSteps(app.prisma, staff.employeeNo);
        where = { id: { in: pending.map((p) => p.id) } };
      } else {
        where = {
          ...listScope(staff),
          ...(query.stage ? { stage: query.stage } : {}),
          ...(query.team ? { unit: { code: query.team } } : {}),
          ...(query.focus !== undefined ? { focus: query.focus } : {}),
        };
        if (query.team && Object.keys(listScope(staff)).length > 0)
          where = { AND: [listScope(staff), where] };
      }
      const tasks = await app.prisma.policyTask.findMany({
        where,
        include: { unit: true, owner: true, milestones: true },
        orderBy:
          query.pendingFor === 'me'
            ? [{ pendingDueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }]
            : { id: 'desc' },
        take: 500,
      });
      return {
        items: tasks.map((t) => ({
          id: t.id,
          title: t.title,
          stage: t.stage,
          team: t.unit.code,
          ownerNo: t.owner.employeeNo,
          step: t.pendingStep,
          assigneeNo: t.pendingAssigneeNo,
          dueAt: t.pendingDueAt?.toISOString() ?? null,
          light: liveLight(t),
          overdue:
            t.overdue ||
            (t.pendingDueAt !== null &&
              !isTerminalTaskStage(t.stage) &&
              t.pendingDueAt.getTime() <= Date.now()),
          focus: t.focus,
          progress: t.progress,
        })),
      };
    },
  );

  app.get(
    '/api/tasks/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary: 'A policy task with milestones, light, stage, pending step and the full decision trail',
        params: Type.Object({ id: TaskId }),
        response: { 200: TaskView, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => view(await loadReadable(requireStaff(request), request.params.id)),
  );

  app.get(
    '/api/tasks/:id/trail.csv',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary:
          'The decision trail as CSV (UTF-8 with BOM, for spreadsheets): Korean headers and values, times in Korea time; `?lang=en` for English',
        params: Type.Object({ id: TaskId }),
        querystring: Type.Object({
          lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
        }),
        produces: ['text/csv'],
        response: { 200: Type.String(), 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const task = await view(await loadReadable(requireStaff(request), request.params.id));
      const lang = langOf(request.query.lang);
      const header =
        lang === 'en'
          ? [
              'At (KST)',
              'Phase',
              'Round',
              'Step',
              'Reviewer no.',
              'Reviewer',
              'Role',
              'Decision',
              'Score',
              'Opinion',
            ]
          : ['일시(KST)', '구분', '차수', '단계', '사번', '검토자', '직위', '결정', '점수', '의견'];
      const rows = task.trail.map((t) => [
        exportTime(t.at),
        phaseLabel(t.phase, lang),
        t.round,
        taskStepLabel(t.step, lang),
        t.reviewer.employeeNo,
        t.reviewer.name,
        roleLabel(t.role, lang),
        decisionLabel(t.decision, lang),
        t.score,
        t.opinion,
      ]);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${task.id}-trail.csv"`)
        .send(toCsv(header, rows, { bom: true, quote: 'needed' }));
    },
  );

  for (const route of actionRoutes) {
    app.post(
      `/api/tasks/:id/actions/${route.action}`,
      {
        config: { access: 'staff' },
        schema: {
          tags: ['tasks'],
          summary: route.summary,
          params: Type.Object({ id: TaskId }),
          headers: Type.Object({
            'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
          }),
          body: route.body,
          response: {
            200: TaskView,
            401: ErrorBody,
            403: ErrorBody,
            404: ErrorBody,
            409: ErrorBody,
            422: ErrorBody,
          },
        },
      },
      async (request) => {
        const staff = requireStaff(request);
        const { id } = request.params;
        const task = await app.prisma.policyTask.findUnique({
          where: { id },
          include: { owner: true, unit: { include: { parent: true } } },
        });
        const chain = task ? (task.reviewChain as unknown as Reviewer[]) : [];
        // Out of scope reads like missing, as complaints do: neither the task nor its owner is revealed.
        if (
          !task ||
          !mayRead(staff, {
            teamCode: task.unit.code,
            hqCode: task.unit.parent?.code ?? null,
            reviewChain: chain,
          })
        ) {
          throw notFound(id);
        }
        if (isTerminalTaskStage(task.stage)) {
          throw new AppError(
            ErrorCode.WRONG_STAGE,
            `The task is ${task.stage}; no further action is possible`,
          );
        }
        if (route.who === 'owner' && staff.employeeNo !== task.owner.employeeNo) {
          throw new AppError(ErrorCode.FORBIDDEN, `Only the task owner may '${route.action}'`);
        }
        if (route.who === 'reviewer' && !chain.some((r) => r.employeeNo === staff.employeeNo)) {
          throw new AppError(ErrorCode.FORBIDDEN, `${staff.employeeNo} is not in this task's review chain`);
        }
        if (
          route.who === 'focus-manager' &&
          !(
            staff.role === 'HEAD' ||
            (staff.role === 'DIRECTOR' && staff.headquartersCode === (task.unit.parent?.code ?? null))
          )
        ) {
          throw new AppError(
            ErrorCode.FORBIDDEN,
            "Only the director of the task's headquarters (or the head) manages focus tasks",
          );
        }
        const handle = app.temporal.workflow.getHandle<typeof policyTaskWorkflow>(policyTaskWorkflowId(id));
        const idempotencyKey = request.headers['idempotency-key'];
        await executeSignedUpdate(
          app.config.ACTOR_SIGNING_SECRET,
          handle,
          taskActionUpdate,
          { actor: actorOf(staff), action: route.toAction(request.body as never) },
          idempotencyKey ? `${route.action}:${staff.employeeNo}:${idempotencyKey}` : undefined,
        );
        const loaded = await loadTask(id);
        if (!loaded) throw notFound(id);
        return view(loaded);
      },
    );
  }
};
