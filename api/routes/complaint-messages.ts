import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { Prisma } from '@prisma/client';
import { createMailActivities } from '../../data/mail-outbox.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, permits } from '../../domain/policy.ts';
import { appendAudit } from '../../platform/audit.ts';
import { createMailer } from '../../platform/mailer.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { attachmentRows, storeUploads, uploadDigest } from '../plugins/attachments.ts';
import { ReceiptNo } from '../schemas.ts';

const MessageBody = Type.Object(
  { body: Type.String({ minLength: 2, maxLength: 10_000 }) },
  { additionalProperties: false },
);

const Written = Type.Object({
  id: Type.String(),
  receiptNo: Type.String(),
  kind: Type.String(),
  visibility: Type.Union([Type.Literal('PUBLIC'), Type.Literal('INTERNAL')]),
  at: Type.String({ format: 'date-time' }),
  /** Replies only: whether the mail to the citizen went out (a retry with the same Idempotency-Key resends). */
  mailed: Type.Optional(Type.Boolean()),
});
type Written = Static<typeof Written>;

/** The two kinds staff write on the case file; the "messaging" kinds come from workflow actions. */
const staffMessageKinds = {
  notes: { kind: 'note', visibility: 'INTERNAL', action: Action.COMPLAINT_NOTE },
  replies: { kind: 'reply', visibility: 'PUBLIC', action: Action.COMPLAINT_REPLY },
} as const;

const hashRequest = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * Internal notes and public replies on a complaint's case file. Neither changes the workflow: they are
 * rows in ComplaintMessage, authorised by domain/policy.ts, audited in the same transaction, and
 * idempotent per person and Idempotency-Key. A reply is mailed to the citizen through the mail outbox.
 */
export const complaintMessageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const mailer = createMailer(app.config.SMTP_URL);
  app.addHook('onClose', () => mailer.close());
  const mail = createMailActivities({
    prisma: app.prisma,
    mailer,
    from: app.config.MAIL_FROM,
    publicUrl: app.config.PUBLIC_URL,
  });

  for (const [path, spec] of Object.entries(staffMessageKinds)) {
    app.post(
      `/api/complaints/:receiptNo/${path}`,
      {
        config: { access: 'staff', attachments: true },
        schema: {
          tags: ['complaints'],
          summary:
            spec.kind === 'note'
              ? 'Add an internal note to the case file (staff only; never shown or mailed to the citizen)'
              : 'Reply to the citizen on the case file (shown in My Space and mailed); honours Idempotency-Key',
          params: Type.Object({ receiptNo: ReceiptNo }),
          headers: Type.Object({
            'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
          }),
          body: MessageBody,
          response: {
            201: Written,
            401: ErrorBody,
            403: ErrorBody,
            404: ErrorBody,
            409: ErrorBody,
            422: ErrorBody,
          },
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        const { receiptNo } = request.params;
        const complaint = await app.prisma.complaint.findUnique({
          where: { receiptNo },
          include: { team: { include: { parent: true } }, handler: true },
        });
        const scope = {
          teamCode: complaint?.team.code,
          headquartersCode: complaint?.team.parent?.code ?? null,
          assigneeNo: complaint?.handler?.employeeNo ?? null,
        };
        // Out of scope looks the same as missing, as on the read.
        if (!complaint || !permits(staff, Action.COMPLAINT_READ, scope)) {
          throw new AppError(ErrorCode.NOT_FOUND, `No complaint ${receiptNo} in your scope`);
        }
        if (!permits(staff, spec.action, scope)) {
          throw new AppError(
            ErrorCode.FORBIDDEN,
            `Only the assigned handler or a manager of the team may reply to the citizen`,
          );
        }
        if (spec.visibility === 'PUBLIC' && complaint.anonymisedAt) {
          throw new AppError(ErrorCode.WRONG_STAGE, 'The citizen data of this complaint has been anonymised');
        }

        const idempotencyKey = request.headers['idempotency-key'];
        const recordKey = idempotencyKey
          ? `complaint-${spec.kind}:${staff.employeeNo}:${idempotencyKey}`
          : null;
        const files = uploadDigest(request);
        const requestHash = hashRequest(
          files.length > 0
            ? { receiptNo, body: request.body.body, files }
            : { receiptNo, body: request.body.body },
        );
        const replayed = async (): Promise<Written | null> => {
          if (!recordKey) return null;
          const record = await app.prisma.idempotencyRecord.findUnique({ where: { key: recordKey } });
          if (!record) return null;
          if (record.requestHash !== requestHash) {
            throw new AppError(
              ErrorCode.CONFLICT,
              'Idempotency-Key was already used with a different request',
            );
          }
          return record.response as Written;
        };

        let written = await replayed();
        if (!written) {
          const attachments = await storeUploads(app.fileStore, request.uploads);
          try {
            written = await app.prisma.$transaction(async (tx) => {
              const message = await tx.complaintMessage.create({
                data: {
                  receiptNo,
                  kind: spec.kind,
                  visibility: spec.visibility,
                  authorKind: 'staff',
                  authorId: staff.id,
                  body: request.body.body,
                },
              });
              if (attachments.length > 0) {
                await tx.complaintAttachment.createMany({
                  data: attachmentRows(attachments, {
                    receiptNo,
                    messageId: message.id,
                    uploadedBy: staff.employeeNo,
                  }),
                });
              }
              const result: Written = {
                id: message.id.toString(),
                receiptNo,
                kind: spec.kind,
                visibility: spec.visibility,
                at: message.createdAt.toISOString(),
              };
              if (recordKey) {
                await tx.idempotencyRecord.create({
                  data: { key: recordKey, scope: `complaint-${spec.kind}`, requestHash, response: result },
                });
              }
              // The text stays out of the append-only log: it may hold personal data retention must reach.
              await appendAudit(tx, {
                actor: staff.employeeNo,
                action: `complaint.${spec.kind}`,
                subject: `complaint:${receiptNo}`,
                after: { messageId: result.id, visibility: spec.visibility, attachments: attachments.length },
              });
              return result;
            });
          } catch (error) {
            // A concurrent retry with the same key won: answer with its result.
            const earlier = isUniqueViolation(error) ? await replayed() : null;
            if (!earlier) throw error;
            written = earlier;
          }
        }

        if (spec.kind === 'reply') {
          try {
            await mail.sendNotification({
              key: `complaint-reply:${written.id}`,
              to: { kind: 'citizen', receiptNo },
              template: 'complaint-reply',
              data: {
                receiptNo,
                dueAt: complaint.dueAt.toISOString(),
                reply: request.body.body,
                statusUrl: `/my-space?receiptNo=${receiptNo}`,
              },
            });
            written = { ...written, mailed: true };
          } catch (error) {
            request.log.warn({ err: error, receiptNo }, 'reply mail not sent; kept in the outbox');
            written = { ...written, mailed: false };
          }
        }
        return reply.status(201).send(written);
      },
    );
  }
};
