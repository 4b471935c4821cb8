import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { Prisma } from '@prisma/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { complaintWorkflow } from '../../workflows/complaint.ts';
import { businessCalendar } from '../../domain/business-calendar.ts';
import { ComplaintStage, complaintWorkflowId, type ComplaintInput } from '../../domain/complaint.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { AppError, ErrorBody } from '../errors.ts';
import type { SessionStaff } from '../plugins/auth.ts';

const ReceiptNo = Type.String({ pattern: '^MW-[0-9]{4}-[0-9]{7}$', description: 'e.g. MW-2026-0000042' });

const FileComplaintBody = Type.Object(
  {
    categoryCode: Type.String({ minLength: 1, maxLength: 40 }),
    title: Type.String({ minLength: 2, maxLength: 200 }),
    body: Type.String({ minLength: 5, maxLength: 20_000 }),
    citizen: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 100 }),
        email: Type.String({ format: 'email', maxLength: 254 }),
        phone: Type.Optional(Type.String({ maxLength: 40 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const Filed = Type.Object({
  receiptNo: Type.String(),
  accessCode: Type.String(),
  stage: Type.String(),
  dueAt: Type.String({ format: 'date-time' }),
});

const TimelineEntry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  type: Type.String(),
  stage: Type.String(),
  actor: Type.String(),
  detail: Type.Unknown(),
});

const ComplaintView = Type.Object({
  receiptNo: Type.String(),
  title: Type.String(),
  category: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  stage: Type.String(),
  team: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() }),
  handler: Type.Union([
    Type.Object({ employeeNo: Type.String(), name: Type.String(), nameEn: Type.String(), team: Type.String() }),
    Type.Null(),
  ]),
  receivedAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  timeline: Type.Array(TimelineEntry),
  answer: Type.Union([Type.String(), Type.Null()]),
  satisfaction: Type.Union([Type.Object({ score: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
});

const ACCESS_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newAccessCode(): string {
  return Array.from({ length: 10 }, () => ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)]).join('');
}
export const hashAccessCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

const hashRequest = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** Staff who may read a complaint: its team, its handler, its headquarters' director, head and admin. */
function staffMayRead(staff: SessionStaff, complaint: { teamCode: string; hqCode: string | null; handlerNo: string | null }) {
  if (staff.role === 'ADMIN' || staff.role === 'HEAD') return true;
  if (staff.employeeNo === complaint.handlerNo) return true;
  if (staff.unitCode === complaint.teamCode) return true;
  return staff.role === 'DIRECTOR' && staff.headquartersCode !== null && staff.headquartersCode === complaint.hqCode;
}

export const complaintRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const notFound = () =>
    new AppError(ErrorCode.NOT_FOUND, 'No complaint matches that receipt number and access code');

  async function startComplaintWorkflow(input: ComplaintInput) {
    try {
      await app.temporal.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
        workflowId: complaintWorkflowId(input.receiptNo),
        taskQueue: app.config.TEMPORAL_TASK_QUEUE,
        args: [input],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  app.post(
    '/api/complaints',
    {
      config: { access: 'public' },
      schema: {
        tags: ['complaints'],
        summary: 'File a complaint (민원 접수). Starts its workflow; honours Idempotency-Key.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128 })) }),
        body: FileComplaintBody,
        response: { 202: Filed, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const idempotencyKey = request.headers['idempotency-key'];
      const requestHash = hashRequest(body);

      const replay = async (): Promise<boolean> => {
        if (!idempotencyKey) return false;
        const record = await app.prisma.idempotencyRecord.findUnique({ where: { key: `intake:${idempotencyKey}` } });
        if (!record) return false;
        if (record.requestHash !== requestHash) {
          throw new AppError(ErrorCode.CONFLICT, 'Idempotency-Key was already used with a different request body');
        }
        const stored = record.response as unknown as { filed: Static<typeof Filed>; input: ComplaintInput };
        await startComplaintWorkflow(stored.input);
        void reply.header('location', `/api/complaints/${stored.filed.receiptNo}`);
        void reply.status(202).send(stored.filed);
        return true;
      };
      if (await replay()) return reply;

      const category = await app.prisma.complaintCategory.findUnique({
        where: { code: body.categoryCode },
        include: { team: true },
      });
      if (!category || !category.active) {
        throw new AppError(ErrorCode.VALIDATION, `Unknown complaint category: ${body.categoryCode}`);
      }
      const receivedAt = new Date();
      const dueAt = businessCalendar.computeDueAt(receivedAt, category.slaDays);
      const accessCode = newAccessCode();

      let input: ComplaintInput;
      let filed: Static<typeof Filed>;
      try {
        ({ input, filed } = await app.prisma.$transaction(async (tx) => {
          const [{ seq }] = await tx.$queryRaw<[{ seq: bigint }]>`SELECT nextval('complaint_receipt_seq') AS seq`;
          const year = businessCalendar.toKstDateString(receivedAt).slice(0, 4);
          const receiptNo = `MW-${year}-${seq.toString().padStart(7, '0')}`;
          await tx.complaint.create({
            data: {
              receiptNo,
              categoryCode: category.code,
              teamId: category.teamId,
              title: body.title,
              body: body.body,
              citizenName: body.citizen.name,
              citizenEmail: body.citizen.email,
              accessCodeHash: hashAccessCode(accessCode),
              stage: ComplaintStage.RECEIVED,
              receivedAt,
              dueAt,
            },
          });
          const input: ComplaintInput = {
            receiptNo,
            categoryCode: category.code,
            teamCode: category.team.code,
            slaDays: category.slaDays,
            skill: category.skill ?? undefined,
            receivedAt: receivedAt.toISOString(),
            dueAt: dueAt.toISOString(),
          };
          const filed = { receiptNo, accessCode, stage: ComplaintStage.RECEIVED, dueAt: dueAt.toISOString() };
          if (idempotencyKey) {
            await tx.idempotencyRecord.create({
              data: { key: `intake:${idempotencyKey}`, scope: 'complaint-intake', requestHash, response: { filed, input } as unknown as Prisma.InputJsonObject },
            });
          }
          return { input, filed };
        }));
      } catch (error) {
        // A concurrent retry with the same key won the race: answer with its result.
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && (await replay())) {
          return reply;
        }
        throw error;
      }
      await startComplaintWorkflow(input);
      return reply.header('location', `/api/complaints/${filed.receiptNo}`).status(202).send(filed);
    },
  );

  app.get(
    '/api/complaints/:receiptNo',
    {
      config: { access: 'public' },
      schema: {
        tags: ['complaints'],
        summary: 'A complaint as its citizen (X-Access-Code) or authorised staff see it: stage, handler, timeline',
        params: Type.Object({ receiptNo: ReceiptNo }),
        headers: Type.Object({ 'x-access-code': Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: ComplaintView, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const complaint = await loadAuthorisedComplaint(request, request.params.receiptNo);
      return complaint;
    },
  );

  async function loadAuthorisedComplaint(request: FastifyRequest, receiptNo: string) {
    const complaint = await app.prisma.complaint.findUnique({
      where: { receiptNo },
      include: {
        category: true,
        team: { include: { parent: true } },
        handler: { include: { unit: true } },
        events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
      },
    });
    const accessCode = request.headers['x-access-code'];
    const staff = request.staff;
    if (typeof accessCode === 'string' && accessCode.length > 0) {
      if (!complaint || !sameHash(complaint.accessCodeHash, hashAccessCode(accessCode))) throw notFound();
    } else if (staff) {
      if (
        !complaint ||
        !staffMayRead(staff, {
          teamCode: complaint.team.code,
          hqCode: complaint.team.parent?.code ?? null,
          handlerNo: complaint.handler?.employeeNo ?? null,
        })
      ) {
        throw notFound();
      }
    } else {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Give the access code (X-Access-Code) or sign in as staff');
    }
    return {
      receiptNo: complaint.receiptNo,
      title: complaint.title,
      category: { code: complaint.category.code, name: complaint.category.nameKo, nameEn: complaint.category.nameEn },
      stage: complaint.stage,
      team: { code: complaint.team.code, name: complaint.team.nameKo, nameEn: complaint.team.nameEn },
      handler: complaint.handler
        ? {
            employeeNo: complaint.handler.employeeNo,
            name: complaint.handler.nameKo,
            nameEn: complaint.handler.nameEn,
            team: complaint.handler.unit.code,
          }
        : null,
      receivedAt: complaint.receivedAt.toISOString(),
      dueAt: complaint.dueAt.toISOString(),
      answeredAt: complaint.answeredAt?.toISOString() ?? null,
      closedAt: complaint.closedAt?.toISOString() ?? null,
      timeline: complaint.events.map((e) => ({
        at: e.at.toISOString(),
        type: e.type,
        stage: e.stage,
        actor: e.actor,
        detail: e.detail,
      })),
      answer: complaint.answer,
      satisfaction:
        complaint.satisfaction === null
          ? null
          : { score: complaint.satisfaction, comment: complaint.satisfactionComment },
    };
  }
};
