import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { COMPETENCY_CODE_PATTERN, developmentPlanProblem } from '../../domain/development.ts';
import { recordAudit } from '../../platform/audit.ts';
import { createOutcomeReportActivities } from '../../data/outcome-report.ts';
import { AppError } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { RowId } from '../schemas.ts';
import { Errors, Hours, PlanView, Year, developmentPlanContext } from './development-shared.ts';

/** A person's own development plan: reading and saving it, submitting it, recording what was done. */

const Code = Type.String({ pattern: COMPETENCY_CODE_PATTERN });

const PlanBody = Type.Object(
  {
    goals: Type.Array(
      Type.Object(
        { competencyCode: Code, goal: Type.String({ minLength: 1, maxLength: 1000 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    activities: Type.Array(
      Type.Object(
        {
          kind: Type.Union([Type.Literal('TRAINING'), Type.Literal('ACTIVITY')]),
          title: Type.String({ minLength: 1, maxLength: 200 }),
          competencyCode: Type.Optional(Code),
          plannedHours: Hours,
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);

export const developmentPlanRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reportOutcome } = createOutcomeReportActivities({
    prisma: app.prisma,
    temporal: app.temporal,
    taskQueue: app.config.TEMPORAL_TASK_QUEUE,
  });
  const { loadPlan, view, refuse, leaderOf } = developmentPlanContext(app);

  app.get(
    '/api/development/:year/plans/me',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['development'],
        summary: "The signed-in person's development plan for the year (null before one is saved)",
        params: Type.Object({ year: Year }),
        response: { 200: Type.Object({ plan: Type.Union([PlanView, Type.Null()]) }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const plan = await loadPlan(request.params.year, staff.employeeNo);
      return { plan: plan ? await view(plan) : null };
    },
  );

  app.put(
    '/api/development/:year/plans/me',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['development'],
        summary:
          'Saves the own plan (goals by competency code, training and activities with hours) as a draft',
        params: Type.Object({ year: Year }),
        body: PlanBody,
        response: { 200: PlanView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const problem = developmentPlanProblem(request.body);
      if (problem) throw new AppError(ErrorCode.VALIDATION, problem);
      const existing = await loadPlan(year, staff.employeeNo);
      if (existing) refuse(existing.status, 'edit');
      await app.prisma.$transaction(async (tx) => {
        const plan = await tx.developmentPlan.upsert({
          where: { year_employeeNo: { year, employeeNo: staff.employeeNo } },
          create: { year, employeeNo: staff.employeeNo },
          update: {},
        });
        await tx.developmentGoal.deleteMany({ where: { planId: plan.id } });
        await tx.developmentActivity.deleteMany({ where: { planId: plan.id } });
        await tx.developmentGoal.createMany({
          data: request.body.goals.map((g) => ({
            planId: plan.id,
            competencyCode: g.competencyCode,
            goal: g.goal.trim(),
          })),
        });
        await tx.developmentActivity.createMany({
          data: request.body.activities.map((a) => ({
            planId: plan.id,
            kind: a.kind,
            title: a.title.trim(),
            competencyCode: a.competencyCode ?? null,
            plannedHours: a.plannedHours,
          })),
        });
      });
      return view((await loadPlan(year, staff.employeeNo))!);
    },
  );

  app.post(
    '/api/development/:year/plans/me/submit',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['development'],
        summary: 'Submits the own plan to the team leader for agreement; audited',
        params: Type.Object({ year: Year }),
        response: { 200: PlanView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const plan = await loadPlan(year, staff.employeeNo);
      if (!plan) throw new AppError(ErrorCode.NOT_FOUND, `No development plan for ${year}: save one first`);
      if (plan.status === 'SUBMITTED') return view(plan);
      refuse(plan.status, 'submit');
      const leader = await leaderOf(staff.employeeNo);
      if (!leader) throw new AppError(ErrorCode.CONFLICT, 'Your team has no team leader to agree the plan');
      await app.prisma.developmentPlan.update({
        where: { id: plan.id },
        data: {
          status: 'SUBMITTED',
          submittedAt: new Date(),
          leaderNo: leader.employeeNo,
          leaderOpinion: null,
        },
      });
      await recordAudit(app.prisma, {
        actor: staff.employeeNo,
        action: 'development.plan.submitted',
        subject: `development:${year}:${staff.employeeNo}`,
        before: { status: plan.status },
        after: { status: 'SUBMITTED' },
      });
      return view((await loadPlan(year, staff.employeeNo))!);
    },
  );

  app.post(
    '/api/development/:year/plans/me/activities/:activityId/complete',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['development'],
        summary:
          "Records a planned training or activity as done with its hours; training hours count in the unit's learning-and-growth KPIs at once",
        params: Type.Object({ year: Year, activityId: RowId }),
        body: Type.Object({ hours: Hours }, { additionalProperties: false }),
        response: { 200: PlanView, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year, activityId } = request.params;
      const { hours } = request.body;
      const plan = await loadPlan(year, staff.employeeNo);
      const activity = plan?.activities.find((a) => a.id === activityId);
      if (!plan || !activity)
        throw new AppError(ErrorCode.NOT_FOUND, `No activity ${activityId} in your ${year} plan`);
      refuse(plan.status, 'complete');
      if (activity.completedAt) {
        if (activity.completedHours === hours) return view(plan);
        throw new AppError(
          ErrorCode.CONFLICT,
          `'${activity.title}' is already recorded with ${activity.completedHours} hours`,
        );
      }
      const completedAt = new Date();
      const updated = await app.prisma.developmentActivity.updateMany({
        where: { id: activity.id, completedAt: null },
        data: { completedHours: hours, completedAt },
      });
      if (updated.count === 1) {
        await recordAudit(app.prisma, {
          actor: staff.employeeNo,
          action: 'development.activity.completed',
          subject: `development:${year}:${staff.employeeNo}`,
          before: { activityId, completedHours: null },
          after: { activityId, completedHours: hours },
        });
      }
      if (activity.kind === 'TRAINING') {
        // Exactly once by the activity's key, however often this is retried.
        await reportOutcome({
          kind: 'training-completed',
          outcomeKey: `training:${activity.id}`,
          year,
          occurredAt: completedAt.toISOString(),
          unitCode: staff.unitCode,
          employeeNo: staff.employeeNo,
          activityId: activity.id,
          hours,
        });
      }
      return view((await loadPlan(year, staff.employeeNo))!);
    },
  );
};
