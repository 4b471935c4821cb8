import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { exportAuditHead, verifyAuditChain } from '../../platform/audit.ts';
import {
  RETENTION_SCHEDULE_ID,
  RETENTION_WORKFLOW_TYPE,
  type RetentionInput,
  type RetentionResult,
} from '../../domain/retention.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';

export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/audit/verify',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['admin'],
        summary:
          'Recomputes the audit hash chain and checks it reaches the stored head; brokenAt is the first entry that does not match (or the first one missing from the end)',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            entries: Type.Integer(),
            brokenAt: Type.Union([Type.String(), Type.Null()]),
            exportedHeadsChecked: Type.Integer(),
            exportMismatchAt: Type.Union([Type.String(), Type.Null()]),
          }),
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async () => verifyAuditChain(app.prisma, { headFile: app.config.AUDIT_HEAD_FILE || undefined }),
  );

  app.post(
    '/api/admin/audit/export-head',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['admin'],
        summary:
          'Appends the audit chain head to AUDIT_HEAD_FILE now (the API also does it every AUDIT_HEAD_EXPORT_SECONDS); verify checks the chain against every exported head',
        response: {
          200: Type.Object({
            seq: Type.Union([Type.String(), Type.Null()]),
            hash: Type.Union([Type.String(), Type.Null()]),
          }),
          401: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async () => {
      if (!app.config.AUDIT_HEAD_FILE) {
        throw new AppError(ErrorCode.CONFLICT, 'No AUDIT_HEAD_FILE is configured on this server');
      }
      const head = await exportAuditHead(app.prisma, app.config.AUDIT_HEAD_FILE);
      return { seq: head?.seq ?? null, hash: head?.hash ?? null };
    },
  );

  app.get(
    '/api/admin/performance/parked-outcomes',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['admin'],
        summary:
          'Outcomes the performance workflow could not apply to the totals (parked with their error); they block nothing',
        querystring: Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                outcomeKey: Type.String(),
                year: Type.Integer(),
                kind: Type.String(),
                unitCode: Type.String(),
                occurredAt: Type.String({ format: 'date-time' }),
                parkedAt: Type.String({ format: 'date-time' }),
                error: Type.String(),
              }),
            ),
          }),
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const parked = await app.prisma.performanceOutcome.findMany({
        where: { parkedAt: { not: null }, ...(request.query.year ? { year: request.query.year } : {}) },
        orderBy: { parkedAt: 'desc' },
        take: 500,
      });
      return {
        items: parked.map((outcome) => ({
          outcomeKey: outcome.outcomeKey,
          year: outcome.year,
          kind: outcome.kind,
          unitCode: outcome.unitCode,
          occurredAt: outcome.occurredAt.toISOString(),
          parkedAt: outcome.parkedAt!.toISOString(),
          error: outcome.parkError ?? '',
        })),
      };
    },
  );

  app.post(
    '/api/admin/retention/run',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['admin'],
        summary: `Anonymises now the complaints closed longer ago than RETENTION_DAYS_AFTER_CLOSE (the '${RETENTION_SCHEDULE_ID}' schedule does it daily); audited`,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: {
          200: Type.Object({
            retentionDays: Type.Integer(),
            cutoff: Type.String({ format: 'date-time' }),
            anonymised: Type.Integer(),
            receiptNos: Type.Array(Type.String()),
          }),
          401: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const retentionDays = app.config.RETENTION_DAYS_AFTER_CLOSE;
      const input: RetentionInput = { retentionDays, requestedBy: staff.employeeNo };
      const result = await app.temporal.workflow.execute<(input: RetentionInput) => Promise<RetentionResult>>(
        RETENTION_WORKFLOW_TYPE,
        {
          workflowId: `retention-${Date.now()}-${staff.employeeNo}`,
          taskQueue: app.config.TEMPORAL_TASK_QUEUE,
          args: [input],
        },
      );
      return { retentionDays, ...result };
    },
  );
};
