import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Prisma } from '@prisma/client';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, permits } from '../../domain/policy.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { similarStatement, similarView, type SimilarRow } from '../complaint-search.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { ReceiptNo } from '../schemas.ts';

const Similar = Type.Object({
  receiptNo: Type.String(),
  title: Type.String(),
  stage: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  /** Answered complaints of the same citizen are what a repeat may be closed with reference to (§23). */
  answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** 'same-citizen' (same e-mail) or 'similar-text' (pg_trgm similarity in the same category). */
  why: Type.Union([Type.Literal('same-citizen'), Type.Literal('similar-text')]),
  similarity: Type.Number(),
});

const Link = Type.Object({
  receiptNo: Type.String(),
  title: Type.String(),
  kind: Type.String(),
  reason: Type.String(),
  by: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

/**
 * Repeated and duplicate complaints (민원 처리에 관한 법률 §23): suggestions for a case (same citizen, or
 * similar text in the same category, open or recent), and a handler's recorded link between two cases.
 */
export const complaintLinkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function caseInScope(staff: SessionStaff, receiptNo: string) {
    const complaint = await app.prisma.complaint.findUnique({
      where: { receiptNo },
      include: { team: { include: { parent: true } }, handler: true },
    });
    const scope = {
      teamCode: complaint?.team.code,
      headquartersCode: complaint?.team.parent?.code ?? null,
      assigneeNo: complaint?.handler?.employeeNo ?? null,
    };
    if (!complaint || !permits(staff, Action.COMPLAINT_READ, scope)) {
      throw new AppError(ErrorCode.NOT_FOUND, `No complaint ${receiptNo} in your scope`);
    }
    return { complaint, scope };
  }

  app.get(
    '/api/complaints/:receiptNo/similar',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary:
          'Possibly repeated or duplicate complaints: the same citizen, or similar text (pg_trgm) in the same category, open or closed recently',
        params: Type.Object({ receiptNo: ReceiptNo }),
        response: {
          200: Type.Object({ similar: Type.Array(Similar), links: Type.Array(Link) }),
          401: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { complaint } = await caseInScope(staff, request.params.receiptNo);
      const rows = await app.prisma.$queryRaw<SimilarRow[]>(
        similarStatement({
          text: `${complaint.title} ${complaint.body}`,
          categoryCode: complaint.categoryCode,
          citizenEmail: complaint.citizenEmail,
          excludeReceiptNo: complaint.receiptNo,
          ownOnly: false,
          now: new Date(),
          limit: 10,
        }),
      );
      const links = await app.prisma.$queryRaw<
        Array<{ receiptNo: string; title: string; kind: string; reason: string; by: string; at: Date }>
      >`
        SELECT other."receiptNo", other.title, l.kind, l.reason, s."nameKo" AS by, l."createdAt" AS at
        FROM "ComplaintLink" l
        JOIN "Complaint" other
          ON other."receiptNo" = CASE WHEN l."receiptNo" = ${complaint.receiptNo} THEN l."relatedReceiptNo" ELSE l."receiptNo" END
        JOIN "Staff" s ON s.id = l."createdById"
        WHERE l."receiptNo" = ${complaint.receiptNo} OR l."relatedReceiptNo" = ${complaint.receiptNo}
        ORDER BY l."createdAt"`;
      return {
        similar: rows.map((r) => ({
          ...similarView(r),
          why: r.why === 'same-citizen' ? ('same-citizen' as const) : ('similar-text' as const),
        })),
        links: links.map((l) => ({ ...l, at: l.at.toISOString() })),
      };
    },
  );

  app.post(
    '/api/complaints/:receiptNo/links',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['complaints'],
        summary:
          'Link this complaint to a related, duplicate or repeated one, with the reason (recorded and audited; repeating it is safe)',
        params: Type.Object({ receiptNo: ReceiptNo }),
        body: Type.Object(
          {
            relatedReceiptNo: ReceiptNo,
            kind: Type.Union([Type.Literal('related'), Type.Literal('duplicate'), Type.Literal('repeated')]),
            reason: Type.String({ minLength: 2, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Link,
          200: Link,
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
      const { relatedReceiptNo, kind, reason } = request.body;
      if (relatedReceiptNo === receiptNo) {
        throw new AppError(ErrorCode.VALIDATION, 'relatedReceiptNo must be another complaint');
      }
      const { scope } = await caseInScope(staff, receiptNo);
      if (!permits(staff, Action.COMPLAINT_LINK, scope)) {
        throw new AppError(
          ErrorCode.FORBIDDEN,
          'Only the assigned handler or a manager of the team may link complaints',
        );
      }
      const related = await caseInScope(staff, relatedReceiptNo);
      const existing = await app.prisma.complaintLink.findFirst({
        where: {
          OR: [
            { receiptNo, relatedReceiptNo },
            { receiptNo: relatedReceiptNo, relatedReceiptNo: receiptNo },
          ],
        },
      });
      const view = (at: Date) => ({
        receiptNo: relatedReceiptNo,
        title: related.complaint.title,
        kind,
        reason,
        by: staff.name,
        at: at.toISOString(),
      });
      if (existing) {
        if (existing.kind !== kind || existing.reason !== reason) {
          throw new AppError(ErrorCode.CONFLICT, `${receiptNo} and ${relatedReceiptNo} are already linked`);
        }
        return reply.status(200).send(view(existing.createdAt));
      }
      const link = await app.prisma
        .$transaction(async (tx) => {
          const created = await tx.complaintLink.create({
            data: { receiptNo, relatedReceiptNo, kind, reason, createdById: staff.id },
          });
          await appendAudit(tx, {
            actor: staff.employeeNo,
            action: 'complaint.linked',
            subject: `complaint:${receiptNo}`,
            after: { relatedReceiptNo, kind },
            reason,
          });
          return created;
        })
        .catch(async (error: unknown) => {
          // A concurrent identical request won the race: answer as for a repeat.
          if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
          return null;
        });
      if (!link) return reply.status(200).send(view(new Date()));
      return reply.status(201).send(view(link.createdAt));
    },
  );
};
