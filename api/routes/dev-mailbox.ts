import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { fromLoopback } from '../loopback.ts';

const Mail = Type.Object({
  id: Type.Integer(),
  receivedAt: Type.String({ format: 'date-time' }),
  from: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  messageId: Type.Union([Type.String(), Type.Null()]),
  /** How many times this message was transmitted; the mailbox shows it once. */
  deliveries: Type.Integer({ minimum: 1 }),
});

/** Embedded mode only: mails caught by the built-in SMTP catcher, newest first. */
export const devMailboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/dev/mailbox',
    {
      config: { access: 'public' },
      schema: {
        tags: ['dev'],
        summary: 'Mails caught by the embedded SMTP catcher (embedded mode only)',
        querystring: Type.Object({
          to: Type.Optional(Type.String({ maxLength: 254 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: { 200: Type.Object({ mails: Type.Array(Mail) }), 404: ErrorBody },
      },
    },
    async (request) => {
      // Every mail of the system is here, survey and reset links included: this machine or an admin only.
      if (!fromLoopback(request) && request.staff?.role !== 'ADMIN') {
        throw new AppError(ErrorCode.NOT_FOUND, 'The mailbox is open to this machine and to admins only');
      }
      const { to, limit } = request.query;
      const mails = await app.prisma.devMail.findMany({
        where: to ? { to: { contains: to, mode: 'insensitive' } } : {},
        orderBy: { id: 'desc' },
        take: limit,
      });
      return {
        mails: mails.map((m) => ({
          id: m.id,
          receivedAt: m.receivedAt.toISOString(),
          from: m.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          messageId: m.messageId,
          deliveries: m.deliveries,
        })),
      };
    },
  );
};
