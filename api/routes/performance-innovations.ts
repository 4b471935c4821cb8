import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Prisma } from '@prisma/client';
import { ErrorCode } from '../../domain/errors.ts';
import {
  InnovationStage,
  MIN_REASON_LENGTH,
  innovationTransitions,
  type InnovationAction,
} from '../../domain/performance.ts';
import { Action, decide } from '../../domain/policy.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { performanceYearContext } from './performance-context.ts';
import { Errors, Num, Year, YearParams } from './performance-shared.ts';

/** Innovation activities (혁신관리): propose → review → adopt → implement → score. */

const InnovationView = Type.Object({
  id: Type.String(),
  year: Type.Integer(),
  unitCode: Type.String(),
  proposerNo: Type.String(),
  title: Type.String(),
  description: Type.String(),
  stage: Type.String(),
  score: Num,
  opinions: Type.Unknown(),
  createdAt: Type.String(),
});

export const performanceInnovationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reporter, assertYearOpen } = performanceYearContext(app);

  const innovationView = (a: {
    id: string;
    year: number;
    unitCode: string;
    proposerNo: string;
    title: string;
    description: string;
    stage: string;
    score: number | null;
    opinions: unknown;
    createdAt: Date;
  }) => ({ ...a, createdAt: a.createdAt.toISOString() });

  app.get(
    '/api/performance/:year/innovations',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'Innovation activities of the year, optionally of one unit',
        params: YearParams,
        querystring: Type.Object({ unitCode: Type.Optional(Type.String({ maxLength: 20 })) }),
        response: { 200: Type.Array(InnovationView), ...Errors },
      },
    },
    async (request) => {
      const rows = await app.prisma.innovationActivity.findMany({
        where: {
          year: request.params.year,
          ...(request.query.unitCode ? { unitCode: request.query.unitCode } : {}),
        },
        orderBy: { createdAt: 'asc' },
      });
      return rows.map(innovationView);
    },
  );

  app.post(
    '/api/performance/:year/innovations',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary: 'Propose an improvement activity or idea for one’s unit',
        params: YearParams,
        body: Type.Object(
          {
            title: Type.String({ minLength: 2, maxLength: 200 }),
            description: Type.String({ minLength: 5, maxLength: 10_000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: InnovationView, ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      await assertYearOpen(year);
      const activity = await app.prisma.innovationActivity.create({
        data: {
          id: `INV-${year}-${randomUUID().slice(0, 8)}`,
          year,
          unitCode: staff.unitCode,
          proposerNo: staff.employeeNo,
          title: request.body.title,
          description: request.body.description,
        },
      });
      return reply
        .status(201)
        .header('location', `/api/performance/${year}/innovations/${activity.id}`)
        .send(innovationView(activity));
    },
  );

  app.post(
    '/api/performance/:year/innovations/:id/actions/:action',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['performance'],
        summary:
          'review / adopt / reject (unit head, director or HR), implement (proposer or unit head), score (HR or unit head)',
        params: Type.Object({
          year: Year,
          id: Type.String({ maxLength: 40 }),
          action: Type.Union(Object.keys(innovationTransitions).map((name) => Type.Literal(name))),
        }),
        body: Type.Object(
          {
            opinion: Type.Optional(Type.String({ maxLength: 2000 })),
            score: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: InnovationView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, id } = request.params;
      const action = request.params.action as InnovationAction;
      const { opinion, score } = request.body;
      await assertYearOpen(year);
      const transition = innovationTransitions[action];
      const updated = await app.prisma.$transaction(async (tx) => {
        const activity = await tx.innovationActivity.findFirst({ where: { id, year } });
        if (!activity) throw new AppError(ErrorCode.NOT_FOUND, `No innovation activity ${id}`);
        if (activity.stage !== transition.from) {
          throw new AppError(ErrorCode.WRONG_STAGE, `Cannot ${action} an activity that is ${activity.stage}`);
        }
        const unit = await tx.orgUnit.findUniqueOrThrow({
          where: { code: activity.unitCode },
          include: { parent: true },
        });
        const isUnitHead =
          staff.unitCode === unit.code && ['TEAM_LEADER', 'DIRECTOR', 'HEAD'].includes(staff.role);
        const scope = {
          teamCode: unit.code,
          headquartersCode: unit.parent?.code ?? unit.code,
          ownerNos: [activity.proposerNo],
        };
        const rule = action === 'score' ? Action.INNOVATION_SCORE : Action.INNOVATION_DECIDE;
        const decision =
          action === 'implement'
            ? {
                allowed: staff.employeeNo === activity.proposerNo || isUnitHead,
                who: 'the proposer or the unit head',
              }
            : decide(staff, rule, scope);
        if (!decision.allowed)
          throw new AppError(ErrorCode.FORBIDDEN, `Only ${decision.who} may ${action} this activity`);
        if (action === 'score' && score === undefined)
          throw new AppError(ErrorCode.VALIDATION, 'score is required');
        if (
          (action === 'reject' || action === 'review') &&
          (opinion ?? '').trim().length < MIN_REASON_LENGTH
        ) {
          throw new AppError(
            ErrorCode.VALIDATION,
            `${action} needs an opinion of at least ${MIN_REASON_LENGTH} characters`,
          );
        }
        const opinions = [
          ...(activity.opinions as Prisma.JsonArray),
          { at: new Date().toISOString(), by: staff.employeeNo, action, opinion: opinion ?? null },
        ] as Prisma.InputJsonArray;
        const next = await tx.innovationActivity.update({
          where: { id },
          data: { stage: transition.to, opinions, ...(action === 'score' ? { score } : {}) },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: `innovation.${action}`,
          subject: `innovation:${id}`,
          before: { stage: activity.stage },
          after: { stage: next.stage, score: next.score },
          reason: opinion,
        });
        return next;
      });
      if (updated.stage === InnovationStage.SCORED) {
        await reporter.reportOutcome({
          kind: 'innovation-scored',
          outcomeKey: `innovation:${updated.id}:scored`,
          year,
          occurredAt: new Date().toISOString(),
          unitCode: updated.unitCode,
          employeeNo: updated.proposerNo,
          activityId: updated.id,
          score: updated.score ?? 0,
        });
      }
      return innovationView(updated);
    },
  );
};
