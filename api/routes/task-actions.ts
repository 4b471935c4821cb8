import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from 'typebox';
import type { policyTaskWorkflow } from '../../workflows/policy-task.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { executeSignedUpdate } from '../signed-update.ts';
import {
  isTerminalTaskStage,
  policyTaskWorkflowId,
  taskActionUpdate,
  type Reviewer,
  type TaskAction,
  type TaskActionType,
  type TaskActor,
} from '../../domain/policy-task.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { mayRead, Milestones, TaskId, taskContext, TaskView, Text, withSeq } from './task-shared.ts';

/**
 * The policy task workflow's actions (submit, review, progress, milestones, plan changes, focus management,
 * completion and quality review): one POST each, sent to the workflow as a signed Update.
 */

const actorOf = (staff: SessionStaff): TaskActor => ({
  employeeNo: staff.employeeNo,
  role: staff.role,
  unitCode: staff.unitCode,
  headquartersCode: staff.headquartersCode,
});

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

export const taskActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { notFound, loadTask, view } = taskContext(app);

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
