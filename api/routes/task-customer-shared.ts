import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { customerNoticeStartSummary } from '../../domain/workflow-summaries.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, permits } from '../../domain/policy.ts';
import type { Reviewer } from '../../domain/policy-task.ts';
import { appendAudit, recordAudit } from '../../platform/audit.ts';
import type { CUSTOMER_KINDS } from '../../data/task-customer-tokens.ts';
import {
  TASK_CUSTOMER_NOTICE_WORKFLOW_TYPE,
  type DirectCustomerNotice,
} from '../../domain/task-customer-mails.ts';
import { AppError, ErrorBody } from '../errors.ts';
import type { SessionStaff } from '../plugins/auth.ts';

/**
 * What the task customer route modules (task-customers.ts: the owner's side; task-customer-portal.ts: the
 * public and the signed-in customer; task-customer-ratings.ts: the rating link) share: schema fragments,
 * the customers view, loading a task and who may manage its customers, mailing a customer and adding one.
 */

export const TaskId = Type.String({ pattern: '^PT-[0-9]{4}-[0-9]{4,}$' });
export const IsoTime = Type.String({ format: 'date-time' });
export const NullableTime = Type.Union([IsoTime, Type.Null()]);
export const Kind = Type.Union([
  Type.Literal('MINISTRY_OFFICIAL'),
  Type.Literal('EXPERT'),
  Type.Literal('CITIZEN'),
]);
export const Token = Type.String({ minLength: 16, maxLength: 128 });
export const Errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export const CustomerInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    organisation: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    kind: Kind,
  },
  { additionalProperties: false },
);

const CustomerRow = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  organisation: Type.String(),
  email: Type.String(),
  kind: Kind,
  origin: Type.String(),
  createdAt: IsoTime,
  rating: Type.Union([
    Type.Object({
      score: Type.Integer(),
      comment: Type.Union([Type.String(), Type.Null()]),
      ratedAt: IsoTime,
    }),
    Type.Null(),
  ]),
});
const QuestionRow = Type.Object({
  id: Type.Integer(),
  customerName: Type.String(),
  organisation: Type.String(),
  question: Type.String(),
  askedAt: IsoTime,
  answer: Type.Union([Type.String(), Type.Null()]),
  answeredAt: NullableTime,
});
export const CustomersView = Type.Object({
  taskId: Type.String(),
  publishedAt: NullableTime,
  satisfaction: Type.Union([Type.Number(), Type.Null()]),
  customers: Type.Array(CustomerRow),
  questions: Type.Array(QuestionRow),
});

export function taskCustomerContext(app: FastifyInstance) {
  const notFound = (id: string) => new AppError(ErrorCode.NOT_FOUND, `No policy task ${id}`);

  async function loadTask(id: string) {
    const task = await app.prisma.policyTask.findUnique({
      where: { id },
      include: { owner: true, unit: { include: { parent: true } } },
    });
    if (!task) throw notFound(id);
    return task;
  }
  type LoadedTask = Awaited<ReturnType<typeof loadTask>>;

  function assertMayRead(staff: SessionStaff, task: LoadedTask) {
    const allowed = permits(staff, Action.TASK_READ, {
      teamCode: task.unit.code,
      headquartersCode: task.unit.parent?.code ?? null,
      participantNos: (task.reviewChain as unknown as Reviewer[]).map((r) => r.employeeNo),
    });
    if (!allowed) throw notFound(task.id);
  }
  function assertOwner(staff: SessionStaff, task: LoadedTask) {
    assertMayRead(staff, task);
    if (staff.employeeNo !== task.owner.employeeNo) {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        `Only the task owner (${task.owner.employeeNo}) manages its customers`,
      );
    }
  }

  /** Mails through a small workflow whose id is the notice key: retried until sent, sent once. */
  async function sendNotice(notice: DirectCustomerNotice) {
    try {
      await app.temporal.workflow.start(TASK_CUSTOMER_NOTICE_WORKFLOW_TYPE, {
        workflowId: `customer-notice:${notice.key}`,
        taskQueue: app.config.TEMPORAL_TASK_QUEUE,
        args: [notice],
        ...customerNoticeStartSummary(notice),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  async function customersView(task: LoadedTask) {
    const [customers, questions] = await Promise.all([
      app.prisma.taskCustomer.findMany({
        where: { taskId: task.id, removedAt: null },
        include: { rating: true },
        orderBy: { id: 'asc' },
      }),
      app.prisma.taskCustomerQuestion.findMany({
        where: { taskId: task.id },
        include: { customer: true },
        orderBy: { id: 'asc' },
      }),
    ]);
    return {
      taskId: task.id,
      publishedAt: task.publishedAt?.toISOString() ?? null,
      satisfaction: task.customerSatisfaction,
      customers: customers.map((c) => ({
        id: c.id,
        name: c.name,
        organisation: c.organisation,
        email: c.email,
        kind: c.kind as (typeof CUSTOMER_KINDS)[number],
        origin: c.origin,
        createdAt: c.createdAt.toISOString(),
        rating: c.rating
          ? { score: c.rating.score, comment: c.rating.comment, ratedAt: c.rating.ratedAt.toISOString() }
          : null,
      })),
      questions: questions.map((q) => ({
        id: q.id,
        customerName: q.customer.name,
        organisation: q.customer.organisation,
        question: q.question,
        askedAt: q.askedAt.toISOString(),
        answer: q.answer,
        answeredAt: q.answeredAt?.toISOString() ?? null,
      })),
    };
  }

  /** Adds a customer once per (task, e-mail); a repeat mails a fresh link instead of a second row. */
  async function addCustomer(
    task: LoadedTask,
    input: { name: string; organisation: string; email: string; kind: string },
    origin: 'NAMED' | 'FOLLOWED',
    actor: string,
  ) {
    const email = input.email.trim().toLowerCase();
    const existing = await app.prisma.taskCustomer.findUnique({
      where: { taskId_email: { taskId: task.id, email } },
    });
    const customer =
      existing ??
      (await app.prisma.taskCustomer.create({
        data: {
          taskId: task.id,
          name: input.name.trim(),
          organisation: input.organisation.trim(),
          email,
          kind: input.kind,
          origin,
          addedBy: origin === 'NAMED' ? actor : null,
        },
      }));
    if (existing?.removedAt) {
      // Named again after a removal: the same row returns (its earlier rating and questions with it).
      await app.prisma.$transaction(async (tx) => {
        await tx.taskCustomer.update({
          where: { id: existing.id },
          data: { removedAt: null, removedBy: null },
        });
        await appendAudit(tx, {
          actor,
          action: 'task.customer.restored',
          subject: `task:${task.id}`,
          before: { customerId: existing.id, removedAt: existing.removedAt },
          after: { customerId: existing.id, removedAt: null },
        });
      });
    } else if (!existing) {
      await recordAudit(app.prisma, {
        actor,
        action: origin === 'NAMED' ? 'task.customer.named' : 'task.customer.followed',
        subject: `task:${task.id}`,
        before: null,
        after: { customerId: customer.id, kind: customer.kind, organisation: customer.organisation },
      });
    }
    const sent = await app.prisma.taskCustomerToken.count({
      where: { customerId: customer.id, purpose: 'SIGN_IN' },
    });
    await sendNotice({
      key: `task-customer:${customer.id}:welcome:${sent + 1}`,
      kind: 'welcome',
      customerId: customer.id,
    });
    return { customer, created: !existing || existing.removedAt !== null };
  }

  return { notFound, loadTask, assertMayRead, assertOwner, sendNotice, customersView, addCustomer };
}
