import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { complaintWorkflowId, type Actor, type ComplaintState } from '../domain/complaint.ts';
import { actionTexts, type ComplaintUpdate } from '../domain/complaint-messages.ts';
import { ErrorCode } from '../domain/errors.ts';
import { AppError } from './errors.ts';
import { executeSignedUpdate } from './signed-update.ts';
import { hashRequest, isUniqueViolation } from './plugins/complaint-intake.ts';
import { attachmentRows, type StoredUpload } from './plugins/attachments.ts';

export interface AppliedAction {
  /** The IdempotencyRecord of this request's key, when the caller sent one. */
  recordKey?: string;
  /**
   * The complaint's workflow state after the Update (the Update's result); absent when a retry found the
   * case already closed by the first call.
   */
  state?: ComplaintState;
}

/**
 * One complaint action as a workflow Update. Its free text is stored first as a ComplaintMessage and the
 * Update carries only the row's id. With an Idempotency-Key the key is the Update's id: Temporal applies
 * an Update id once and answers a repeat with the first result, so a retried call changes nothing more.
 */
export async function applyComplaintAction(
  app: FastifyInstance,
  request: FastifyRequest,
  options: {
    receiptNo: string;
    action: string;
    update: ComplaintUpdate;
    actor: Actor;
    author: { kind: 'staff' | 'citizen'; name: string; id?: number };
    /** Files stored already; their rows go in with the action's message, in its transaction. */
    attachments?: readonly StoredUpload[];
  },
): Promise<AppliedAction> {
  const { receiptNo, action, author } = options;
  const attachments = options.attachments ?? [];
  const body = { ...(request.body as Record<string, unknown>) };
  const key = request.headers['idempotency-key'];
  const idempotencyKey = typeof key === 'string' ? key : undefined;
  const recordKey = idempotencyKey
    ? `complaint-action:${receiptNo}:${action}:${author.name}:${idempotencyKey}`
    : undefined;
  const requestHash = hashRequest(
    attachments.length > 0 ? { body, files: attachments.map((file) => file.sha256) } : body,
  );
  const text = actionTexts[action];
  const value = text ? body[text.field] : undefined;
  if (text) delete body[text.field];

  const findRecord = () =>
    recordKey
      ? app.prisma.idempotencyRecord.findUnique({ where: { key: recordKey } })
      : Promise.resolve(null);
  const messageIdOf = (record: { requestHash: string; response: unknown }) => {
    if (record.requestHash !== requestHash) {
      throw new AppError(
        ErrorCode.CONFLICT,
        'Idempotency-Key was already used with a different request body',
      );
    }
    return (record.response as { messageId?: string | null }).messageId ?? undefined;
  };
  let messageId: string | undefined;
  let storedHere = false;
  const storesText = text !== undefined && typeof value === 'string' && value.trim().length > 0;
  const earlier = await findRecord();
  const appliedBefore = (earlier?.response as { applied?: boolean } | undefined)?.applied === true;
  if (earlier) {
    messageId = messageIdOf(earlier);
  } else if (storesText || recordKey || attachments.length > 0) {
    // A transaction only when there is something to store: an action without text or key (accept) goes
    // straight to its Update, without a BEGIN/COMMIT round trip around nothing.
    try {
      messageId = await app.prisma.$transaction(async (tx) => {
        const stored =
          text && typeof value === 'string' && value.trim().length > 0
            ? await tx.complaintMessage.create({
                data: {
                  receiptNo,
                  visibility: text.visibility,
                  kind: text.kind,
                  authorKind: author.kind,
                  authorId: author.id ?? null,
                  body: value,
                },
                select: { id: true },
              })
            : undefined;
        if (attachments.length > 0) {
          if (!stored) throw new AppError(ErrorCode.VALIDATION, 'Files need a text to be attached to');
          await tx.complaintAttachment.createMany({
            data: attachmentRows(attachments, {
              receiptNo,
              messageId: stored.id,
              uploadedBy: author.kind === 'citizen' ? 'citizen' : author.name,
            }),
          });
        }
        const id = stored?.id.toString();
        if (recordKey) {
          await tx.idempotencyRecord.create({
            data: {
              key: recordKey,
              scope: 'complaint-action',
              requestHash,
              response: { messageId: id ?? null },
            },
          });
        }
        return id;
      });
      storedHere = true;
    } catch (error) {
      // A concurrent retry with the same key stored first: use its message.
      const winner = isUniqueViolation(error) ? await findRecord() : null;
      if (!winner) throw error;
      messageId = messageIdOf(winner);
    }
  }

  const updateId = idempotencyKey ? `${action}:${author.name}:${idempotencyKey}` : randomUUID();
  const workflowId = complaintWorkflowId(receiptNo);
  const args = { ...body, ...(messageId ? { messageId } : {}), actor: options.actor };
  let state: ComplaintState;
  try {
    state = await executeSignedUpdate(
      app.config.ACTOR_SIGNING_SECRET,
      app.temporal.workflow.getHandle(workflowId),
      options.update,
      args as never,
      updateId,
    );
  } catch (error) {
    // A retry of an action that closed the case finds the workflow finished: the first call applied it.
    if (appliedBefore && error instanceof WorkflowNotFoundError) return { recordKey };
    // A refused action leaves nothing behind: its text and its key go, so a corrected retry starts afresh.
    if (storedHere && error instanceof WorkflowUpdateFailedError) {
      await app.prisma.$transaction(async (tx) => {
        if (recordKey) await tx.idempotencyRecord.deleteMany({ where: { key: recordKey } });
        if (messageId) await tx.complaintMessage.deleteMany({ where: { id: BigInt(messageId) } });
      });
    }
    throw error;
  }
  if (recordKey && !appliedBefore) {
    await app.prisma.$executeRaw`
      UPDATE "IdempotencyRecord" SET response = response || '{"applied": true}'::jsonb WHERE key = ${recordKey}`;
  }
  return { recordKey, state };
}
