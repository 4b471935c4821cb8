import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { executeSignedUpdate } from '../signed-update.ts';
import { customerRatingUpdate, policyTaskWorkflowId } from '../../domain/policy-task.ts';
import { recordAudit } from '../../platform/audit.ts';
import { hashCustomerToken } from '../../data/task-customer-tokens.ts';
import { AppError } from '../errors.ts';
import { Errors, IsoTime, Token } from './task-customer-shared.ts';

/** A customer's rating of a completed task, from the mailed rating link (no session needed). */

export const taskCustomerRatingRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
