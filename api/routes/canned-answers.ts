import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, permits } from '../../domain/policy.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { ReceiptNo, RowId } from '../schemas.ts';

const CannedAnswer = Type.Object({
  id: Type.Integer(),
  categoryCode: Type.String(),
  title: Type.String(),
  body: Type.String({ description: 'may hold {citizenName}, {receiptNo}, {dueDate}' }),
  usageCount: Type.Integer(),
});

const Definition = Type.Object(
  {
    categoryCode: Type.String({ minLength: 1, maxLength: 40 }),
    title: Type.String({ minLength: 2, maxLength: 200 }),
    body: Type.String({ minLength: 5, maxLength: 20_000 }),
  },
  { additionalProperties: false },
);

export const PLACEHOLDERS = ['citizenName', 'receiptNo', 'dueDate'] as const;

const kstDate = new Intl.DateTimeFormat('ko-KR', { timeZone: 'Asia/Seoul', dateStyle: 'long' });

/** Fills the placeholders; an unknown {name} is a mistake in the template, refused when it is saved. */
export function fillCannedAnswer(
  body: string,
  values: { citizenName: string; receiptNo: string; dueAt: Date },
): string {
  const filled: Record<(typeof PLACEHOLDERS)[number], string> = {
    citizenName: values.citizenName,
    receiptNo: values.receiptNo,
    dueDate: kstDate.format(values.dueAt),
  };
  return body.replace(/\{(citizenName|receiptNo|dueDate)\}/g, (_, name: keyof typeof filled) => filled[name]);
}

const unknownPlaceholders = (body: string) =>
  [...body.matchAll(/\{([A-Za-z]+)\}/g)]
    .map((m) => m[1]!)
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));

const toView = (row: {
  id: number;
  categoryCode: string;
  title: string;
  body: string;
  usageCount: number;
}) => ({
  id: row.id,
  categoryCode: row.categoryCode,
  title: row.title,
  body: row.body,
  usageCount: row.usageCount,
});

/**
 * Canned answers (상용 답변) per complaint category: the leader of the category's team writes and retires
 * them, any handler inserts one into a draft (filled for the case), and each insertion is counted.
 */
export const cannedAnswerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function authoriseManage(staff: SessionStaff, categoryCode: string) {
    const category = await app.prisma.complaintCategory.findUnique({
      where: { code: categoryCode },
      include: { team: { include: { parent: true } } },
    });
    if (!category) throw new AppError(ErrorCode.VALIDATION, `Unknown complaint category: ${categoryCode}`);
    if (
      !permits(staff, Action.CANNED_ANSWER_MANAGE, {
        teamCode: category.team.code,
        headquartersCode: category.team.parent?.code ?? null,
      })
    ) {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        `Only the leader of ${category.team.code} or an admin manages its canned answers`,
      );
    }
  }

  const checkPlaceholders = (body: string) => {
    const unknown = unknownPlaceholders(body);
    if (unknown.length > 0) {
      throw new AppError(
        ErrorCode.VALIDATION,
        `Unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}: use ${PLACEHOLDERS.map((n) => `{${n}}`).join(', ')}`,
      );
    }
  };

  app.get(
    '/api/canned-answers',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary: "A category's canned answers, most used first",
        querystring: Type.Object({ category: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: { 200: Type.Object({ items: Type.Array(CannedAnswer) }), 401: ErrorBody },
      },
    },
    async (request) => {
      requireStaff(request);
      const rows = await app.prisma.cannedAnswer.findMany({
        where: { categoryCode: request.query.category, retiredAt: null },
        orderBy: [{ usageCount: 'desc' }, { id: 'asc' }],
      });
      return { items: rows.map(toView) };
    },
  );

  app.post(
    '/api/canned-answers',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary: 'Add a canned answer to a category (its team leader or an admin)',
        body: Definition,
        response: { 201: CannedAnswer, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      await authoriseManage(staff, request.body.categoryCode);
      checkPlaceholders(request.body.body);
      const row = await app.prisma.$transaction(async (tx) => {
        const created = await tx.cannedAnswer.create({ data: { ...request.body, createdById: staff.id } });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'canned-answer.created',
          subject: `canned-answer:${created.id}`,
          after: { categoryCode: created.categoryCode, title: created.title },
        });
        return created;
      });
      return reply.status(201).send(toView(row));
    },
  );

  app.put(
    '/api/canned-answers/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary: 'Change a canned answer (its team leader or an admin)',
        params: Type.Object({ id: RowId }),
        body: Type.Object(
          {
            title: Type.String({ minLength: 2, maxLength: 200 }),
            body: Type.String({ minLength: 5, maxLength: 20_000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: CannedAnswer, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const existing = await app.prisma.cannedAnswer.findUnique({ where: { id: request.params.id } });
      if (!existing || existing.retiredAt) throw new AppError(ErrorCode.NOT_FOUND, 'No such canned answer');
      await authoriseManage(staff, existing.categoryCode);
      checkPlaceholders(request.body.body);
      const row = await app.prisma.$transaction(async (tx) => {
        const updated = await tx.cannedAnswer.update({ where: { id: existing.id }, data: request.body });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'canned-answer.changed',
          subject: `canned-answer:${existing.id}`,
          before: { title: existing.title },
          after: { title: updated.title },
        });
        return updated;
      });
      return toView(row);
    },
  );

  app.delete(
    '/api/canned-answers/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary: 'Retire a canned answer (its team leader or an admin); its usage count is kept',
        params: Type.Object({ id: RowId }),
        response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const existing = await app.prisma.cannedAnswer.findUnique({ where: { id: request.params.id } });
      if (!existing) throw new AppError(ErrorCode.NOT_FOUND, 'No such canned answer');
      await authoriseManage(staff, existing.categoryCode);
      if (!existing.retiredAt) {
        await app.prisma.$transaction(async (tx) => {
          await tx.cannedAnswer.update({ where: { id: existing.id }, data: { retiredAt: new Date() } });
          await appendAudit(tx, {
            actor: staff.employeeNo,
            action: 'canned-answer.retired',
            subject: `canned-answer:${existing.id}`,
          });
        });
      }
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/canned-answers/:id/use',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary:
          'Insert a canned answer into a complaint: returns its text filled for that case and counts the use',
        params: Type.Object({ id: RowId }),
        body: Type.Object({ receiptNo: ReceiptNo }, { additionalProperties: false }),
        response: {
          200: Type.Object({ text: Type.String(), usageCount: Type.Integer() }),
          401: ErrorBody,
          404: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const complaint = await app.prisma.complaint.findUnique({
        where: { receiptNo: request.body.receiptNo },
        include: { team: { include: { parent: true } }, handler: true },
      });
      if (
        !complaint ||
        !permits(staff, Action.COMPLAINT_READ, {
          teamCode: complaint.team.code,
          headquartersCode: complaint.team.parent?.code ?? null,
          assigneeNo: complaint.handler?.employeeNo ?? null,
        })
      ) {
        throw new AppError(ErrorCode.NOT_FOUND, `No complaint ${request.body.receiptNo} in your scope`);
      }
      const answer = await app.prisma.cannedAnswer.findUnique({ where: { id: request.params.id } });
      if (!answer || answer.retiredAt) throw new AppError(ErrorCode.NOT_FOUND, 'No such canned answer');
      if (answer.categoryCode !== complaint.categoryCode) {
        throw new AppError(ErrorCode.VALIDATION, `This canned answer is for category ${answer.categoryCode}`);
      }
      const counted = await app.prisma.cannedAnswer.update({
        where: { id: answer.id },
        data: { usageCount: { increment: 1 } },
      });
      return {
        text: fillCannedAnswer(answer.body, {
          citizenName: complaint.citizenName,
          receiptNo: complaint.receiptNo,
          dueAt: complaint.dueAt,
        }),
        usageCount: counted.usageCount,
      };
    },
  );
};
