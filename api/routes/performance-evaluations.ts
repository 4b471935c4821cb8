import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import type { PerformanceOutcome } from '../../domain/performance-outcomes.ts';
import { HR_ROLES, startCapabilityCycleUpdate } from '../../domain/performance.ts';
import { Action, decide } from '../../domain/policy.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { EmployeeNo } from '../schemas.ts';
import { executeSignedUpdate } from '../signed-update.ts';
import { openCapabilityCycle } from './capability.ts';
import { performanceYearContext } from './performance-context.ts';
import { Errors, Year, YearParams, actorOf } from './performance-shared.ts';

/** Evaluations: the unit head's evaluation of a member, and starting the 360° capability cycle. */

export const performanceEvaluationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reporter, assertYearOpen, ensureYearWorkflow } = performanceYearContext(app);

  app.put(
    '/api/performance/:year/evaluations/leader/:employeeNo',
    {
      config: { access: ['TEAM_LEADER', 'DIRECTOR', 'HEAD'] },
      schema: {
        tags: ['performance'],
        summary: "The unit head's evaluation of a member's task achievement (0..100)",
        params: Type.Object({ year: Year, employeeNo: EmployeeNo }),
        body: Type.Object(
          {
            score: Type.Number({ minimum: 0, maximum: 100 }),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ employeeNo: Type.String(), score: Type.Number() }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, employeeNo } = request.params;
      const subject = await app.prisma.staff.findUnique({ where: { employeeNo }, include: { unit: true } });
      if (!subject) throw new AppError(ErrorCode.NOT_FOUND, `No staff ${employeeNo}`);
      const decision = decide(staff, Action.LEADER_EVALUATE, {
        teamCode: subject.unit.code,
        subjectNo: employeeNo,
      });
      if (!decision.allowed) throw new AppError(ErrorCode.FORBIDDEN, `Only ${decision.who} evaluates them`);
      await assertYearOpen(year);
      const { score, comment } = request.body;
      // The current evaluation is the latest revision; every earlier one stays, and each change is audited.
      await app.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`leader-evaluation:${year}:${employeeNo}`}))`;
        const before = await tx.leaderEvaluation.findUnique({
          where: { year_subjectNo: { year, subjectNo: employeeNo } },
        });
        await tx.leaderEvaluation.upsert({
          where: { year_subjectNo: { year, subjectNo: employeeNo } },
          create: { year, subjectNo: employeeNo, evaluatorNo: staff.employeeNo, score, comment },
          update: { evaluatorNo: staff.employeeNo, score, comment, at: new Date() },
        });
        await tx.leaderEvaluationRevision.create({
          data: {
            year,
            subjectNo: employeeNo,
            evaluatorNo: staff.employeeNo,
            score,
            comment,
            previousScore: before?.score ?? null,
          },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: before ? 'performance.evaluation.leader-revised' : 'performance.evaluation.leader-given',
          subject: `evaluation:${year}:${employeeNo}`,
          before: before
            ? { score: before.score, evaluatorNo: before.evaluatorNo, comment: before.comment }
            : null,
          after: { score, evaluatorNo: staff.employeeNo, comment: comment ?? null },
        });
      });
      const outcome: PerformanceOutcome = {
        kind: 'evaluation-submitted',
        outcomeKey: `evaluation:leader:${year}:${employeeNo}:${randomUUID()}`,
        year,
        occurredAt: new Date().toISOString(),
        unitCode: subject.unit.code,
        employeeNo,
        evaluationType: 'leader',
        subjectEmployeeNo: employeeNo,
        score,
      };
      await reporter.reportOutcome(outcome);
      return { employeeNo, score };
    },
  );

  app.post(
    '/api/performance/:year/evaluations/capability',
    {
      config: { access: [...HR_ROLES] },
      schema: {
        tags: ['performance'],
        summary: 'Start the 360° capability evaluation cycle (child workflow): raters, invitations, deadline',
        params: YearParams,
        body: Type.Object(
          { deadline: Type.String({ format: 'date-time' }) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ cycleId: Type.String() }), ...Errors },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      await assertYearOpen(year);
      await openCapabilityCycle(app.prisma, {
        year,
        deadline: request.body.deadline,
        startedBy: staff.employeeNo,
      });
      const handle = await ensureYearWorkflow(year);
      const started = await executeSignedUpdate(
        app.config.ACTOR_SIGNING_SECRET,
        handle,
        startCapabilityCycleUpdate,
        {
          actor: actorOf(staff),
          deadline: request.body.deadline,
        },
      );
      return reply
        .status(202)
        .header('location', `/api/performance/${year}/evaluations/capability`)
        .send(started);
    },
  );
};
