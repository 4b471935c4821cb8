import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WorkflowNotFoundError } from '@temporalio/client';
import { loadYearConfig } from '../../data/year-config.ts';
import {
  DEFAULT_CAPABILITY_ITEMS,
  MAX_CAPABILITY_ITEMS,
  MIN_CAPABILITY_ITEMS,
  closeCapabilityCycleSignal,
  ratingScore,
  validateCapabilityItems,
  type CapabilityItemDef,
} from '../../domain/capability.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { HR_ROLES, capabilityCycleWorkflowId } from '../../domain/performance.ts';
import type { Db } from '../../platform/prisma.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { Errors, Num, StaffNo, Year, YearParams } from './performance-shared.ts';

/**
 * The 360° instrument in the portal: HR configures the year's competency items and closes the cycle; raters
 * score each item and may comment. Every rating is one UPDATE of its row in PostgreSQL; nothing is sent to
 * Temporal per rating (the cycle workflow counts the rows when it wakes).
 */

const ItemView = Type.Object({
  code: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,19}$' }),
  nameKo: Type.String({ minLength: 1, maxLength: 100 }),
  nameEn: Type.String({ minLength: 1, maxLength: 100 }),
  descriptionKo: Type.String({ minLength: 1, maxLength: 1000 }),
  descriptionEn: Type.String({ minLength: 1, maxLength: 1000 }),
});

const CycleView = Type.Union([
  Type.Object({
    cycleId: Type.String(),
    stage: Type.String(),
    deadline: Type.String(),
    anonymityThreshold: Type.Integer(),
    invited: Type.Integer(),
    submitted: Type.Integer(),
  }),
  Type.Null(),
]);

/** The year's 360° items in order, or the defaults before HR configured any. */
export async function capabilityItemsOf(db: Db, year: number): Promise<CapabilityItemDef[]> {
  const rows = await db.capabilityItem.findMany({ where: { year }, orderBy: { position: 'asc' } });
  return rows.length > 0 ? rows : [...DEFAULT_CAPABILITY_ITEMS];
}

/**
 * The cycle's row, created when HR starts it: stage, deadline and the anonymity threshold (the year's
 * minRaterGroupSize) are fixed here; the year's items are fixed too (the defaults if none were configured).
 */
export async function openCapabilityCycle(
  db: Db,
  input: { year: number; deadline: string; startedBy: string },
): Promise<void> {
  const { scoring } = await loadYearConfig(db, input.year);
  const items = await capabilityItemsOf(db, input.year);
  await db.$transaction(async (tx) => {
    const existing = await tx.capabilityCycle.findUnique({ where: { year: input.year } });
    if (existing)
      throw new AppError(ErrorCode.CONFLICT, 'The 360° evaluation of this year has already started');
    await tx.capabilityItem.createMany({
      data: items.map((item, position) => ({ ...item, year: input.year, position })),
      skipDuplicates: true,
    });
    await tx.capabilityCycle.create({
      data: {
        id: capabilityCycleWorkflowId(input.year),
        year: input.year,
        deadline: new Date(input.deadline),
        anonymityThreshold: scoring.minRaterGroupSize,
        startedBy: input.startedBy,
      },
    });
    await appendAudit(tx, {
      actor: input.startedBy,
      action: 'performance.capability.started',
      subject: `capability:${input.year}`,
      after: { deadline: input.deadline, anonymityThreshold: scoring.minRaterGroupSize, items: items.length },
    });
  });
}

export const capabilityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/performance/:year/capability/items',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: "The year's 360° competency items with their behavioural descriptions",
        params: YearParams,
        response: { 200: Type.Array(ItemView), ...Errors },
      },
    },
    async (request) => capabilityItemsOf(app.prisma, request.params.year),
  );

  app.put(
    '/api/performance/:year/capability/items',
    {
      config: { access: [...HR_ROLES] },
      schema: {
        tags: ['performance'],
        summary: `HR sets the year's 360° items (${MIN_CAPABILITY_ITEMS}–${MAX_CAPABILITY_ITEMS}) before the cycle starts; audited`,
        params: YearParams,
        body: Type.Object({ items: Type.Array(ItemView) }, { additionalProperties: false }),
        response: { 200: Type.Array(ItemView), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const { items } = request.body;
      const problems = validateCapabilityItems(items);
      if (problems.length > 0) throw new AppError(ErrorCode.VALIDATION, problems.join('; '));
      await app.prisma.$transaction(async (tx) => {
        if (await tx.capabilityCycle.findUnique({ where: { year } }))
          throw new AppError(ErrorCode.WRONG_STAGE, 'The items are fixed once the cycle has started');
        const before = await tx.capabilityItem.findMany({ where: { year }, orderBy: { position: 'asc' } });
        await tx.capabilityItem.deleteMany({ where: { year } });
        await tx.capabilityItem.createMany({
          data: items.map((item, position) => ({ ...item, year, position })),
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'performance.capability.items-set',
          subject: `capability:${year}`,
          before: before.map((item) => item.code),
          after: items.map((item) => item.code),
        });
      });
      return capabilityItemsOf(app.prisma, year);
    },
  );

  app.get(
    '/api/performance/:year/evaluations/capability',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary:
          'The 360° cycle: its status, its items and the ratings the signed-in person still owes (raters stay anonymous)',
        params: YearParams,
        response: {
          200: Type.Object({
            cycle: CycleView,
            items: Type.Array(ItemView),
            toRate: Type.Array(
              Type.Object({ subjectNo: Type.String(), name: Type.String(), submitted: Type.Boolean() }),
            ),
            myResult: Type.Union([
              Type.Object({
                score: Num,
                rule: Type.String(),
                parts: Type.Unknown(),
                raterCount: Type.Integer(),
              }),
              Type.Null(),
            ]),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const cycleId = capabilityCycleWorkflowId(year);
      const [row, items, invitations, result, invited, submitted] = await Promise.all([
        app.prisma.capabilityCycle.findUnique({ where: { year } }),
        capabilityItemsOf(app.prisma, year),
        app.prisma.capabilityRating.findMany({
          where: { cycleId, raterNo: staff.employeeNo },
          orderBy: { subjectNo: 'asc' },
        }),
        app.prisma.capabilityResult.findUnique({
          where: { year_subjectNo: { year, subjectNo: staff.employeeNo } },
        }),
        app.prisma.capabilityRating.count({ where: { cycleId } }),
        app.prisma.capabilityRating.count({ where: { cycleId, submittedAt: { not: null } } }),
      ]);
      const names = await app.prisma.staff.findMany({
        where: { employeeNo: { in: invitations.map((i) => i.subjectNo) } },
        select: { employeeNo: true, nameKo: true },
      });
      return {
        cycle: row
          ? {
              cycleId: row.id,
              stage: row.stage,
              deadline: row.deadline.toISOString(),
              anonymityThreshold: row.anonymityThreshold,
              invited,
              submitted,
            }
          : null,
        items,
        toRate: invitations.map((i) => ({
          subjectNo: i.subjectNo,
          name: names.find((n) => n.employeeNo === i.subjectNo)?.nameKo ?? i.subjectNo,
          submitted: i.submittedAt !== null,
        })),
        myResult: result
          ? { score: result.score, rule: result.rule, parts: result.parts, raterCount: result.raterCount }
          : null,
      };
    },
  );

  app.put(
    '/api/performance/:year/evaluations/capability/:subjectNo',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary:
          'Submit (or change before the deadline) a 360° rating of a colleague one was invited to rate: a score per item and an optional comment; stored directly',
        params: Type.Object({ year: Year, subjectNo: StaffNo }),
        body: Type.Object(
          {
            itemScores: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 100 }))),
            /** One overall score, accepted only while the year has no configured items to score. */
            score: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ok: Type.Boolean(), score: Type.Number() }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, subjectNo } = request.params;
      const { itemScores, comment } = request.body;
      const cycle = await app.prisma.capabilityCycle.findUnique({ where: { year } });
      if (!cycle || cycle.stage !== 'OPEN' || cycle.deadline.getTime() <= Date.now())
        throw new AppError(ErrorCode.WRONG_STAGE, 'The 360° evaluation is not open');
      const items = await app.prisma.capabilityItem.findMany({
        where: { year },
        orderBy: { position: 'asc' },
      });
      let score: number;
      if (itemScores) {
        const codes = items.map((item) => item.code);
        const unknown = Object.keys(itemScores).filter((code) => !codes.includes(code));
        const missing = codes.filter((code) => itemScores[code] === undefined);
        if (unknown.length || missing.length)
          throw new AppError(
            ErrorCode.VALIDATION,
            `itemScores must score exactly the items ${codes.join(', ')}` +
              (missing.length ? `; missing ${missing.join(', ')}` : '') +
              (unknown.length ? `; unknown ${unknown.join(', ')}` : ''),
          );
        score = ratingScore(itemScores, codes);
      } else if (request.body.score !== undefined && items.length === 0) {
        score = request.body.score;
      } else {
        throw new AppError(
          ErrorCode.VALIDATION,
          'itemScores is required: a score for every item of the year',
        );
      }
      const updated = await app.prisma.capabilityRating.updateMany({
        where: { cycleId: cycle.id, subjectNo, raterNo: staff.employeeNo },
        data: {
          score,
          itemScores: itemScores ?? undefined,
          comment: comment?.trim() || null,
          submittedAt: new Date(),
        },
      });
      if (updated.count === 0)
        throw new AppError(ErrorCode.FORBIDDEN, `You were not invited to rate ${subjectNo}`);
      return { ok: true, score };
    },
  );

  app.post(
    '/api/performance/:year/evaluations/capability/close',
    {
      config: { access: [...HR_ROLES] },
      schema: {
        tags: ['performance'],
        summary:
          'HR closes the 360° cycle now (otherwise it closes at its deadline); results are aggregated; audited',
        params: YearParams,
        body: Type.Object(
          { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ cycleId: Type.String(), stage: Type.String() }), ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const cycleId = await app.prisma.$transaction(async (tx) => {
        const cycle = await tx.capabilityCycle.findUnique({ where: { year } });
        if (!cycle) throw new AppError(ErrorCode.NOT_FOUND, `No 360° evaluation in ${year}`);
        if (cycle.stage !== 'OPEN')
          throw new AppError(ErrorCode.WRONG_STAGE, `The cycle is already ${cycle.stage}`);
        await tx.capabilityCycle.update({
          where: { id: cycle.id },
          data: { stage: 'CLOSING', closedBy: staff.employeeNo },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'performance.capability.closed',
          subject: `capability:${year}`,
          before: { stage: cycle.stage },
          after: { stage: 'CLOSING' },
          reason: request.body.reason,
        });
        return cycle.id;
      });
      try {
        await app.temporal.workflow
          .getHandle(cycleId)
          .signal(closeCapabilityCycleSignal, { by: staff.employeeNo });
      } catch (error) {
        // The row says CLOSING: the workflow sees it at its next wake-up even without the signal.
        if (!(error instanceof WorkflowNotFoundError))
          request.log.warn({ err: error }, 'close signal failed');
      }
      return reply.status(202).send({ cycleId, stage: 'CLOSING' });
    },
  );
};
