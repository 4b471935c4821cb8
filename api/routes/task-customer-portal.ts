import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { TaskStage } from '../../domain/policy-task.ts';
import { recordAudit } from '../../platform/audit.ts';
import {
  CUSTOMER_KINDS,
  CUSTOMER_SESSION_MS,
  hashCustomerToken,
  issueCustomerToken,
} from '../../data/task-customer-tokens.ts';
import { AppError } from '../errors.ts';
import {
  CustomerInput,
  Errors,
  IsoTime,
  Kind,
  NullableTime,
  TaskId,
  taskCustomerContext,
  Token,
} from './task-customer-shared.ts';

/**
 * The public and the customer's side of policy tasks: published tasks and asking to follow one, the
 * customer's session from a mailed link, their task page and their questions. Ratings are in
 * task-customer-ratings.ts.
 */

/** The customer's own session: httpOnly and same-site strict, so another site cannot act with it. */
export const CUSTOMER_COOKIE = 'portal_customer';

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

export const taskCustomerPortalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { notFound, loadTask, addCustomer } = taskCustomerContext(app);

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
};
