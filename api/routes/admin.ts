import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { verifyAuditChain } from '../../platform/audit.ts';
import { ErrorBody } from '../errors.ts';

export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/audit/verify',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['admin'],
        summary: 'Recomputes the audit hash chain; brokenAt is the first entry that does not match',
        response: {
          200: Type.Object({ ok: Type.Boolean(), entries: Type.Integer(), brokenAt: Type.Union([Type.String(), Type.Null()]) }),
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async () => verifyAuditChain(app.prisma),
  );
};
