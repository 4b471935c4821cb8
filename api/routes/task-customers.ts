import { customerNoticeStartSummary } from '../../domain/workflow-summaries.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ErrorCode } from '../../domain/errors.ts';
import { executeSignedUpdate } from '../signed-update.ts';
import { Action, permits } from '../../domain/policy.ts';
import {
  customerRatingUpdate,
  policyTaskWorkflowId,
  TaskStage,
  type Reviewer,
} from '../../domain/policy-task.ts';
import { appendAudit, recordAudit } from '../../platform/audit.ts';
import {
  CUSTOMER_KINDS,
  CUSTOMER_SESSION_MS,
  hashCustomerToken,
  issueCustomerToken,
} from '../../data/task-customer-tokens.ts';
import {
  TASK_CUSTOMER_NOTICE_WORKFLOW_TYPE,
  type DirectCustomerNotice,
} from '../../domain/task-customer-mails.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { RowId } from '../schemas.ts';

/** The customer's own session: httpOnly and same-site strict, so another site cannot act with it. */
export const CUSTOMER_COOKIE = 'portal_customer';

const TaskId = Type.String({ pattern: '^PT-[0-9]{4}-[0-9]{4,}$' });
const IsoTime = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([IsoTime, Type.Null()]);
const Kind = Type.Union([Type.Literal('MINISTRY_OFFICIAL'), Type.Literal('EXPERT'), Type.Literal('CITIZEN')]);
const Token = Type.String({ minLength: 16, maxLength: 128 });
const Errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

const CustomerInput = Type.Object(
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
const CustomersView = Type.Object({
  taskId: Type.String(),
  publishedAt: NullableTime,
  satisfaction: Type.Union([Type.Number(), Type.Null()]),
  customers: Type.Array(CustomerRow),
  questions: Type.Array(QuestionRow),
});

/** What a customer sees: public facts of the task only (no review opinions, no milestone evidence). */
const CustomerTaskView = Type.Object({
  customer: Type.Object({ name: Type.String(), organisation: Type.String(), kind: Kind }),
  task: Type.Object({
    id: Type.String(),
    title: Type.String(),
    purpose: Type.String(),
    team: Type.Object({ name: Type.String(), nameEn: Type.String() }),
    stage: Type.String(),
    progress: Type.Number(),
    startedAt: NullableTime,
    doneAt: NullableTime,
    completionSummary: Type.Union([Type.String(), Type.Null()]),
  }),
  milestones: Type.Array(
    Type.Object({ seq: Type.Integer(), title: Type.String(), dueAt: IsoTime, completedAt: NullableTime }),
  ),
  reports: Type.Array(
    Type.Object({
      at: IsoTime,
      kind: Type.String(),
      text: Type.String(),
      progress: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  questions: Type.Array(
    Type.Object({
      id: Type.Integer(),
      question: Type.String(),
      askedAt: IsoTime,
      answer: Type.Union([Type.String(), Type.Null()]),
      answeredAt: NullableTime,
    }),
  ),
  rating: Type.Union([Type.Object({ score: Type.Integer(), ratedAt: IsoTime }), Type.Null()]),
});

const PublicTask = Type.Object({
  id: Type.String(),
  title: Type.String(),
  purpose: Type.String(),
  team: Type.Object({ name: Type.String(), nameEn: Type.String() }),
  stage: Type.String(),
  progress: Type.Number(),
  publishedAt: IsoTime,
});

export const taskCustomerRoutes: FastifyPluginAsyncTypebox = async (app) => {
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

  // --------------------------------------------------------------------------------------------------------
  // The owner's side

  app.get(
    '/api/tasks/:id/customers',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary: "The task's customers, their ratings and their questions (whoever may read the task)",
        params: Type.Object({ id: TaskId }),
        response: { 200: CustomersView, ...Errors },
      },
    },
    async (request) => {
      const task = await loadTask(request.params.id);
      assertMayRead(requireStaff(request), task);
      return customersView(task);
    },
  );

  app.post(
    '/api/tasks/:id/customers',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary: 'The owner names a customer of the task; they are mailed a one-time sign-in link; audited',
        params: Type.Object({ id: TaskId }),
        body: CustomerInput,
        response: { 200: CustomersView, 201: CustomersView, ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const task = await loadTask(request.params.id);
      assertOwner(staff, task);
      if (task.stage === TaskStage.REJECTED)
        throw new AppError(ErrorCode.WRONG_STAGE, 'The task was rejected');
      const { created } = await addCustomer(task, request.body, 'NAMED', staff.employeeNo);
      return reply.status(created ? 201 : 200).send(await customersView(task));
    },
  );

  app.delete(
    '/api/tasks/:id/customers/:customerId',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary:
          'The owner removes a customer: no more mails, their links and session stop working, their rating so far stays; audited',
        params: Type.Object({ id: TaskId, customerId: RowId }),
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const task = await loadTask(request.params.id);
      assertOwner(staff, task);
      const customer = await app.prisma.taskCustomer.findFirst({
        where: { id: request.params.customerId, taskId: task.id },
      });
      if (!customer)
        throw new AppError(
          ErrorCode.NOT_FOUND,
          `Task ${task.id} has no customer ${request.params.customerId}`,
        );
      // A repeated removal changes nothing and records nothing.
      if (!customer.removedAt) {
        const now = new Date();
        await app.prisma.$transaction(async (tx) => {
          await tx.taskCustomer.update({
            where: { id: customer.id },
            data: { removedAt: now, removedBy: staff.employeeNo },
          });
          await tx.taskCustomerToken.updateMany({
            where: { customerId: customer.id, expiresAt: { gt: now } },
            data: { expiresAt: now },
          });
          await appendAudit(tx, {
            actor: staff.employeeNo,
            action: 'task.customer.removed',
            subject: `task:${task.id}`,
            before: { customerId: customer.id, kind: customer.kind, organisation: customer.organisation },
          });
        });
      }
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/tasks/:id/publication',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary: 'The owner publishes the task (customers may ask to follow it) or withdraws it; audited',
        params: Type.Object({ id: TaskId }),
        body: Type.Object({ published: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: CustomersView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const task = await loadTask(request.params.id);
      assertOwner(staff, task);
      const publishedAt = request.body.published ? (task.publishedAt ?? new Date()) : null;
      if ((publishedAt === null) !== (task.publishedAt === null)) {
        await app.prisma.policyTask.update({ where: { id: task.id }, data: { publishedAt } });
        await recordAudit(app.prisma, {
          actor: staff.employeeNo,
          action: request.body.published ? 'task.published' : 'task.unpublished',
          subject: `task:${task.id}`,
          before: { published: task.publishedAt !== null },
          after: { published: publishedAt !== null },
        });
      }
      return customersView({ ...task, publishedAt });
    },
  );

  app.post(
    '/api/tasks/:id/customer-questions/:questionId/answer',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['tasks'],
        summary: "The owner answers a customer's question; the customer is mailed the answer; audited",
        params: Type.Object({ id: TaskId, questionId: RowId }),
        body: Type.Object(
          { answer: Type.String({ minLength: 1, maxLength: 4000 }) },
          { additionalProperties: false },
        ),
        response: { 200: CustomersView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const task = await loadTask(request.params.id);
      assertOwner(staff, task);
      const answer = request.body.answer.trim();
      if (!answer) throw new AppError(ErrorCode.VALIDATION, 'An answer needs text');
      const question = await app.prisma.taskCustomerQuestion.findFirst({
        where: { id: request.params.questionId, taskId: task.id },
      });
      if (!question)
        throw new AppError(ErrorCode.NOT_FOUND, `No question ${request.params.questionId} on ${task.id}`);
      if (question.answer !== null) {
        if (question.answer === answer) return customersView(task);
        throw new AppError(ErrorCode.CONFLICT, 'This question is already answered');
      }
      const updated = await app.prisma.taskCustomerQuestion.updateMany({
        where: { id: question.id, answeredAt: null },
        data: { answer, answeredBy: staff.employeeNo, answeredAt: new Date() },
      });
      if (updated.count === 1) {
        await recordAudit(app.prisma, {
          actor: staff.employeeNo,
          action: 'task.customer.answered',
          subject: `task:${task.id}`,
          before: { questionId: question.id, answered: false },
          after: { questionId: question.id, answered: true },
        });
        await sendNotice({
          key: `task-customer:${question.customerId}:answer:${question.id}`,
          kind: 'answer',
          customerId: question.customerId,
          questionId: question.id,
        });
      }
      return customersView(task);
    },
  );

  // --------------------------------------------------------------------------------------------------------
  // The public and the customer's side

  app.get(
    '/api/public/tasks',
    {
      config: { access: 'public' },
      schema: {
        tags: ['customers'],
        summary: 'Published policy tasks that customers may ask to follow',
        response: { 200: Type.Object({ items: Type.Array(PublicTask) }) },
      },
    },
    async () => {
      const rows = await app.prisma.policyTask.findMany({
        where: { publishedAt: { not: null }, stage: { not: TaskStage.REJECTED } },
        include: { unit: true },
        orderBy: { publishedAt: 'desc' },
        take: 200,
      });
      return {
        items: rows.map((t) => ({
          id: t.id,
          title: t.title,
          purpose: t.purpose,
          team: { name: t.unit.nameKo, nameEn: t.unit.nameEn },
          stage: t.stage,
          progress: t.progress,
          publishedAt: t.publishedAt!.toISOString(),
        })),
      };
    },
  );

  app.post(
    '/api/public/tasks/:id/follow',
    {
      config: { access: 'public' },
      schema: {
        tags: ['customers'],
        summary: 'Ask to follow a published task: a one-time sign-in link is mailed to the address given',
        params: Type.Object({ id: TaskId }),
        body: CustomerInput,
        response: { 202: Type.Object({ status: Type.Literal('mailed') }), ...Errors },
      },
    },
    async (request, reply) => {
      const task = await loadTask(request.params.id);
      if (!task.publishedAt || task.stage === TaskStage.REJECTED) throw notFound(task.id);
      await addCustomer(task, request.body, 'FOLLOWED', 'customer');
      return reply.status(202).send({ status: 'mailed' as const });
    },
  );

  /** The signed-in customer, or 401. */
  async function requireCustomer(request: FastifyRequest) {
    const token = request.cookies[CUSTOMER_COOKIE];
    const session = token
      ? await app.prisma.taskCustomerToken.findUnique({
          where: { tokenHash: hashCustomerToken(token) },
          include: { customer: true },
        })
      : null;
    if (
      !session ||
      session.purpose !== 'SESSION' ||
      session.expiresAt <= new Date() ||
      session.customer.removedAt
    ) {
      // 403, not 401: these are public routes; the customer's proof is a mailed link, not a staff sign-in.
      throw new AppError(ErrorCode.FORBIDDEN, 'Open the link from your latest mail to sign in');
    }
    return session.customer;
  }

  function setCustomerCookie(reply: FastifyReply, token: string, expires: Date) {
    void reply.setCookie(CUSTOMER_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: app.config.COOKIE_SECURE,
      expires,
    });
  }

  app.post(
    '/api/customer/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['customers'],
        summary: "A customer signs in with the one-time link from a mail; sets the customer's session cookie",
        body: Type.Object({ token: Token }, { additionalProperties: false }),
        response: { 200: Type.Object({ taskId: Type.String() }), ...Errors },
      },
    },
    async (request, reply) => {
      const now = new Date();
      const tokenHash = hashCustomerToken(request.body.token);
      // One use: only the request that flips usedAt signs in.
      const used = await app.prisma.taskCustomerToken.updateMany({
        where: { tokenHash, purpose: 'SIGN_IN', usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (used.count !== 1) {
        throw new AppError(ErrorCode.FORBIDDEN, 'This link has expired or was already used');
      }
      const link = await app.prisma.taskCustomerToken.findUniqueOrThrow({
        where: { tokenHash },
        include: { customer: true },
      });
      const expiresAt = new Date(now.getTime() + CUSTOMER_SESSION_MS);
      const session = await issueCustomerToken(app.prisma, link.customerId, 'SESSION', expiresAt);
      setCustomerCookie(reply, session, expiresAt);
      return { taskId: link.customer.taskId };
    },
  );

  app.post(
    '/api/customer/sign-out',
    {
      config: { access: 'public' },
      schema: { tags: ['customers'], summary: 'Ends the customer session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const token = request.cookies[CUSTOMER_COOKIE];
      if (token) {
        await app.prisma.taskCustomerToken.updateMany({
          where: { tokenHash: hashCustomerToken(token), purpose: 'SESSION' },
          data: { expiresAt: new Date() },
        });
      }
      void reply.clearCookie(CUSTOMER_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/customer/task',
    {
      config: { access: 'public' },
      schema: {
        tags: ['customers'],
        summary:
          "The signed-in customer's task: public milestones, progress reports, own questions and rating",
        response: { 200: CustomerTaskView, ...Errors },
      },
    },
    async (request) => {
      const customer = await requireCustomer(request);
      const task = await app.prisma.policyTask.findUniqueOrThrow({
        where: { id: customer.taskId },
        include: {
          unit: true,
          milestones: { orderBy: { seq: 'asc' } },
          reports: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
        },
      });
      const [questions, rating] = await Promise.all([
        app.prisma.taskCustomerQuestion.findMany({
          where: { customerId: customer.id },
          orderBy: { id: 'asc' },
        }),
        app.prisma.taskCustomerRating.findUnique({ where: { customerId: customer.id } }),
      ]);
      return {
        customer: {
          name: customer.name,
          organisation: customer.organisation,
          kind: customer.kind as (typeof CUSTOMER_KINDS)[number],
        },
        task: {
          id: task.id,
          title: task.title,
          purpose: task.purpose,
          team: { name: task.unit.nameKo, nameEn: task.unit.nameEn },
          stage: task.stage,
          progress: task.progress,
          startedAt: task.startedAt?.toISOString() ?? null,
          doneAt: task.doneAt?.toISOString() ?? null,
          completionSummary: task.stage === TaskStage.DONE ? task.completionSummary : null,
        },
        milestones: task.milestones.map((m) => ({
          seq: m.seq,
          title: m.title,
          dueAt: m.dueAt.toISOString(),
          completedAt: m.completedAt?.toISOString() ?? null,
        })),
        reports: task.reports.map((r) => ({
          at: r.at.toISOString(),
          kind: r.kind,
          text: r.text,
          progress: r.progress,
        })),
        questions: questions.map((q) => ({
          id: q.id,
          question: q.question,
          askedAt: q.askedAt.toISOString(),
          answer: q.answer,
          answeredAt: q.answeredAt?.toISOString() ?? null,
        })),
        rating: rating ? { score: rating.score, ratedAt: rating.ratedAt.toISOString() } : null,
      };
    },
  );

  app.post(
    '/api/customer/questions',
    {
      config: { access: 'public' },
      schema: {
        tags: ['customers'],
        summary: "The signed-in customer asks the task's owner a question; it waits in the owner's inbox",
        body: Type.Object(
          { question: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.Integer() }), ...Errors },
      },
    },
    async (request, reply) => {
      const customer = await requireCustomer(request);
      const question = request.body.question.trim();
      if (!question) throw new AppError(ErrorCode.VALIDATION, 'A question needs text');
      const row = await app.prisma.taskCustomerQuestion.create({
        data: { taskId: customer.taskId, customerId: customer.id, question },
      });
      await recordAudit(app.prisma, {
        actor: `customer:${customer.id}`,
        action: 'task.customer.asked',
        subject: `task:${customer.taskId}`,
        before: null,
        after: { questionId: row.id },
      });
      return reply.status(201).send({ id: row.id });
    },
  );

  async function ratingLink(token: string) {
    const link = await app.prisma.taskCustomerToken.findUnique({
      where: { tokenHash: hashCustomerToken(token) },
      include: { customer: { include: { task: true, rating: true } } },
    });
    if (!link || link.purpose !== 'RATING') throw new AppError(ErrorCode.NOT_FOUND, 'Unknown rating link');
    if (link.customer.removedAt)
      throw new AppError(ErrorCode.FORBIDDEN, 'The owner of this task no longer lists you as its customer');
    return link;
  }

  const RatingView = Type.Object({
    taskId: Type.String(),
    title: Type.String(),
    closesAt: IsoTime,
    rated: Type.Union([
      Type.Object({ score: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]) }),
      Type.Null(),
    ]),
  });

  app.get(
    '/api/customer/rating',
    {
      config: { access: 'public' },
      schema: {
        tags: ['customers'],
        summary: 'What a rating link rates: the task, the closing time and a rating already given',
        querystring: Type.Object({ token: Token }),
        response: { 200: RatingView, ...Errors },
      },
    },
    async (request) => {
      const link = await ratingLink(request.query.token);
      const { customer } = link;
      return {
        taskId: customer.taskId,
        title: customer.task.title,
        closesAt: link.expiresAt.toISOString(),
        rated: customer.rating ? { score: customer.rating.score, comment: customer.rating.comment } : null,
      };
    },
  );

  app.post(
    '/api/customer/rating',
    {
      config: { access: 'public' },
      schema: {
        tags: ['customers'],
        summary:
          "A customer rates the completed task (1–5 and a comment) from the mailed link; it counts in the team's and the owner's performance",
        body: Type.Object(
          {
            token: Token,
            score: Type.Integer({ minimum: 1, maximum: 5 }),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RatingView, ...Errors },
      },
    },
    async (request) => {
      const { token, score } = request.body;
      const comment = request.body.comment?.trim() || null;
      const link = await ratingLink(token);
      const { customer } = link;
      if (link.expiresAt <= new Date())
        throw new AppError(ErrorCode.WRONG_STAGE, 'The rating of this task has closed');
      if (customer.rating) {
        if (customer.rating.score === score) {
          return {
            taskId: customer.taskId,
            title: customer.task.title,
            closesAt: link.expiresAt.toISOString(),
            rated: { score: customer.rating.score, comment: customer.rating.comment },
          };
        }
        throw new AppError(ErrorCode.CONFLICT, 'You have already rated this task');
      }
      // The workflow decides whether the rating still counts (open, this customer, once).
      await executeSignedUpdate(
        app.config.ACTOR_SIGNING_SECRET,
        app.temporal.workflow.getHandle(policyTaskWorkflowId(customer.taskId)),
        customerRatingUpdate,
        { actor: { kind: 'customer', customerId: customer.id }, customerId: customer.id, score },
        `customer-rating:${customer.id}`,
      );
      await app.prisma.$transaction([
        app.prisma.taskCustomerRating.upsert({
          where: { customerId: customer.id },
          create: { customerId: customer.id, taskId: customer.taskId, score, comment },
          update: {},
        }),
        app.prisma.taskCustomerToken.update({
          where: { tokenHash: link.tokenHash },
          data: { usedAt: new Date() },
        }),
      ]);
      await recordAudit(app.prisma, {
        actor: `customer:${customer.id}`,
        action: 'task.customer.rated',
        subject: `task:${customer.taskId}`,
        before: null,
        after: { score },
      });
      return {
        taskId: customer.taskId,
        title: customer.task.title,
        closesAt: link.expiresAt.toISOString(),
        rated: { score, comment },
      };
    },
  );
};
