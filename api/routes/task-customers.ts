import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { TaskStage } from '../../domain/policy-task.ts';
import { appendAudit, recordAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { RowId } from '../schemas.ts';
import { CustomerInput, CustomersView, Errors, TaskId, taskCustomerContext } from './task-customer-shared.ts';

/**
 * The owner's side of a task's customers: naming and removing customers, publishing the task and answering
 * customers' questions; whoever may read the task sees the list. The public and the customers' own pages
 * are in task-customer-portal.ts and task-customer-ratings.ts.
 */

export const taskCustomerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { loadTask, assertMayRead, assertOwner, sendNotice, customersView, addCustomer } =
    taskCustomerContext(app);

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
};
