import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { hashApiKey } from './open311.ts';
import { RowId } from '../schemas.ts';

const ApiKeyView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  keyPrefix: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

type KeyRow = {
  id: number;
  name: string;
  keyPrefix: string;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
};
const toView = (key: KeyRow) => ({
  id: key.id,
  name: key.name,
  keyPrefix: key.keyPrefix,
  createdBy: key.createdBy,
  createdAt: key.createdAt.toISOString(),
  revokedAt: key.revokedAt?.toISOString() ?? null,
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
});

/** Admins issue and revoke the api_key values that Open311 clients file requests with; audited. */
export const open311KeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/open311/keys',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['admin'],
        summary: 'Open311 API keys (never the key itself, only its first characters)',
        response: { 200: Type.Array(ApiKeyView), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => (await app.prisma.open311ApiKey.findMany({ orderBy: { id: 'asc' } })).map(toView),
  );

  app.post(
    '/api/admin/open311/keys',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['admin'],
        summary: 'Issue an Open311 API key for an application; the key is shown in this answer only',
        body: Type.Object(
          { name: Type.String({ minLength: 2, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ key: Type.String(), apiKey: ApiKeyView }),
          401: ErrorBody,
          403: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const key = `o311_${randomBytes(24).toString('base64url')}`;
      const created = await app.prisma.open311ApiKey.create({
        data: {
          name: request.body.name,
          keyHash: hashApiKey(key),
          keyPrefix: key.slice(0, 9),
          createdBy: staff.employeeNo,
        },
      });
      await recordAudit(app.prisma, {
        actor: staff.employeeNo,
        action: 'open311.key.issued',
        subject: `open311-key:${created.id}`,
        after: { name: created.name, keyPrefix: created.keyPrefix },
      });
      return reply.status(201).send({ key, apiKey: toView(created) });
    },
  );

  app.delete(
    '/api/admin/open311/keys/:id',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['admin'],
        summary: 'Revoke an Open311 API key; requests with it are refused with 403 from then on',
        params: Type.Object({ id: RowId }),
        response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const key = await app.prisma.open311ApiKey.findUnique({ where: { id: request.params.id } });
      if (!key) throw new AppError(ErrorCode.NOT_FOUND, `No Open311 API key ${request.params.id}`);
      if (!key.revokedAt) {
        await app.prisma.open311ApiKey.update({
          where: { id: key.id },
          data: { revokedAt: new Date(), revokedBy: staff.employeeNo },
        });
        await recordAudit(app.prisma, {
          actor: staff.employeeNo,
          action: 'open311.key.revoked',
          subject: `open311-key:${key.id}`,
          before: { name: key.name, keyPrefix: key.keyPrefix },
        });
      }
      return reply.status(204).send(null);
    },
  );
};
