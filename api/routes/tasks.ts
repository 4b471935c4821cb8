import { policyTaskStartSummary } from '../../domain/workflow-summaries.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Prisma } from '@prisma/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { policyTaskWorkflow } from '../../workflows/policy-task.ts';
import { listPendingTaskSteps, nextTaskId, resolveTaskParticipants } from '../../data/policy-tasks.ts';
import { ErrorCode, isErrorCode } from '../../domain/errors.ts';
import { directsHeadquarters, leadsTeam } from '../../domain/policy.ts';
import {
  checkMilestonePlan,
  isTerminalTaskStage,
  POLICY_TASK_WORKFLOW_TYPE,
  policyTaskWorkflowId,
  TASK_TYPES,
  TaskStage,
  type PolicyTaskInput,
} from '../../domain/policy-task.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { TaskListItem } from '../../contracts/tasks.ts';
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
import { Light, liveLight, Milestones, TaskId, taskContext, TaskView, Text, withSeq } from './task-shared.ts';

/**
 * Policy tasks (정책과제): creating one (which starts its workflow), the lists, one task and its decision
 * trail as CSV. The workflow's actions are in task-actions.ts; the customers in task-customers.ts.
 */

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

const Created = Type.Object({ id: Type.String(), stage: Type.String(), light: Light });

/** Which tasks a list shows: everything for head, admin and HR; a director's headquarters; else one's team. */
function listScope(staff: SessionStaff): Prisma.PolicyTaskWhereInput {
  if (staff.role === 'ADMIN' || staff.role === 'HEAD' || staff.role === 'HR') return {};
  if (staff.role === 'DIRECTOR' && staff.headquartersCode)
    return { unit: { parent: { code: staff.headquartersCode } } };
  return { unit: { code: staff.unitCode } };
}

/** Failures of the shared helpers carry an ErrorCode as their type; give them to the error mapping. */
function asAppError(error: unknown): unknown {
  if (error instanceof ApplicationFailure && isErrorCode(error.type))
    return new AppError(error.type, error.message);
  return error;
}

export const taskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { loadReadable, view } = taskContext(app);

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
          leadsTeam(staff, { teamCode: participants.teamCode }) ||
          directsHeadquarters(staff, { headquartersCode: participants.headquartersCode });
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
};
