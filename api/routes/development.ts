import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import {
  COMPETENCY_CODE_PATTERN,
  competencyStandings,
  developmentNeeds,
  developmentPlanProblem,
  developmentStepProblem,
  type DevelopmentStep,
} from '../../domain/development.ts';
import { recordAudit } from '../../platform/audit.ts';
import { createOutcomeReportActivities } from '../../data/outcome-report.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { capabilityItemsOf } from './capability.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { RowId } from '../schemas.ts';

const Year = Type.Integer({ minimum: 2000, maximum: 2100 });
const Code = Type.String({ pattern: COMPETENCY_CODE_PATTERN });
const IsoTime = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([IsoTime, Type.Null()]);
const Hours = Type.Number({ exclusiveMinimum: 0, maximum: 500 });
const Errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

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

const PlanView = Type.Object({
  year: Type.Integer(),
  employeeNo: Type.String(),
  name: Type.String(),
  unitCode: Type.String(),
  status: Type.String(),
  leaderNo: Type.Union([Type.String(), Type.Null()]),
  leaderOpinion: Type.Union([Type.String(), Type.Null()]),
  submittedAt: NullableTime,
  agreedAt: NullableTime,
  goals: Type.Array(Type.Object({ competencyCode: Type.String(), goal: Type.String() })),
  activities: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      title: Type.String(),
      competencyCode: Type.Union([Type.String(), Type.Null()]),
      plannedHours: Type.Number(),
      completedHours: Type.Union([Type.Number(), Type.Null()]),
      completedAt: NullableTime,
    }),
  ),
  trainingHours: Type.Object({ planned: Type.Number(), completed: Type.Number() }),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const CompetencyProfile = Type.Object({
  year: Type.Integer(),
  /** The year of the 360° result shown: the latest up to `year`; null before the person has one. */
  evaluatedYear: Nullable(Type.Integer()),
  status: Type.Union([
    Type.Literal('AVAILABLE'),
    Type.Literal('NO_RESULT'),
    Type.Literal('BELOW_ANONYMITY_THRESHOLD'),
  ]),
  raterCount: Type.Integer(),
  anonymityThreshold: Nullable(Type.Integer()),
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      nameKo: Type.String(),
      nameEn: Type.String(),
      score: Nullable(Type.Number()),
      ministryMean: Nullable(Type.Number()),
      difference: Nullable(Type.Number()),
      standing: Nullable(
        Type.Union([Type.Literal('STRENGTH'), Type.Literal('GAP'), Type.Literal('TYPICAL')]),
      ),
      hasGoal: Type.Boolean(),
      plannedHours: Type.Number(),
      completedHours: Type.Number(),
    }),
  ),
});

const planInclude = {
  goals: { orderBy: { id: 'asc' as const } },
  activities: { orderBy: { id: 'asc' as const } },
};

export const developmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { reportOutcome } = createOutcomeReportActivities({
    prisma: app.prisma,
    temporal: app.temporal,
    taskQueue: app.config.TEMPORAL_TASK_QUEUE,
  });

  async function loadPlan(year: number, employeeNo: string) {
    return app.prisma.developmentPlan.findUnique({
      where: { year_employeeNo: { year, employeeNo } },
      include: planInclude,
    });
  }
  type LoadedPlan = NonNullable<Awaited<ReturnType<typeof loadPlan>>>;

  async function view(plan: LoadedPlan) {
    const person = await app.prisma.staff.findUniqueOrThrow({
      where: { employeeNo: plan.employeeNo },
      include: { unit: true },
    });
    const training = plan.activities.filter((a) => a.kind === 'TRAINING');
    return {
      year: plan.year,
      employeeNo: plan.employeeNo,
      name: person.nameKo,
      unitCode: person.unit.code,
      status: plan.status,
      leaderNo: plan.leaderNo,
      leaderOpinion: plan.leaderOpinion,
      submittedAt: plan.submittedAt?.toISOString() ?? null,
      agreedAt: plan.agreedAt?.toISOString() ?? null,
      goals: plan.goals.map((g) => ({ competencyCode: g.competencyCode, goal: g.goal })),
      activities: plan.activities.map((a) => ({
        id: a.id,
        kind: a.kind,
        title: a.title,
        competencyCode: a.competencyCode,
        plannedHours: a.plannedHours,
        completedHours: a.completedHours,
        completedAt: a.completedAt?.toISOString() ?? null,
      })),
      trainingHours: {
        planned: training.reduce((sum, a) => sum + a.plannedHours, 0),
        completed: training.reduce((sum, a) => sum + (a.completedHours ?? 0), 0),
      },
    };
  }

  const refuse = (status: string, step: DevelopmentStep) => {
    const problem = developmentStepProblem(status, step);
    if (problem) throw new AppError(ErrorCode.WRONG_STAGE, problem);
  };

  /** The leader of the person's team, who agrees the plan. */
  async function leaderOf(employeeNo: string) {
    const person = await app.prisma.staff.findUnique({ where: { employeeNo } });
    if (!person) return null;
    return app.prisma.staff.findFirst({
      where: { unitId: person.unitId, role: 'TEAM_LEADER', deactivatedAt: null },
      orderBy: { employeeNo: 'asc' },
    });
  }

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

  app.get(
    '/api/development/:year/competency-profile/me',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['development'],
        summary:
          "The signed-in person's strengths and gaps on the 360° items (their latest evaluated year up to :year) against the ministry's means, next to their plan",
        params: Type.Object({ year: Year }),
        response: { 200: CompetencyProfile, ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const { year } = request.params;
      const result = await app.prisma.capabilityResult.findFirst({
        where: { subjectNo: staff.employeeNo, year: { lte: year } },
        orderBy: { year: 'desc' },
      });
      const plan = await loadPlan(year, staff.employeeNo);
      const evaluatedYear = result?.year ?? year;
      const parts = (result?.parts ?? {}) as { items?: Record<string, number>; anonymityThreshold?: number };
      const mine = parts.items ?? {};
      const ministry = Object.fromEntries(
        (
          await app.prisma.$queryRaw<{ code: string; mean: number }[]>`
            SELECT e.key AS code, avg(e.value::text::float8) AS mean
            FROM "CapabilityResult" r, jsonb_each(COALESCE(r.parts->'items', '{}'::jsonb)) e
            WHERE r.year = ${evaluatedYear} AND jsonb_typeof(e.value) = 'number'
            GROUP BY 1`
        ).map((row) => [row.code, Number(row.mean)]),
      );
      const status = !result
        ? ('NO_RESULT' as const)
        : Object.keys(mine).length === 0
          ? ('BELOW_ANONYMITY_THRESHOLD' as const)
          : ('AVAILABLE' as const);
      return {
        year,
        evaluatedYear: result ? result.year : null,
        status,
        raterCount: result?.raterCount ?? 0,
        anonymityThreshold: parts.anonymityThreshold ?? null,
        items: competencyStandings(
          await capabilityItemsOf(app.prisma, evaluatedYear),
          mine,
          ministry,
          plan ? { goals: plan.goals, activities: plan.activities } : null,
        ),
      };
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

  app.get(
    '/api/development/:year/team-plans',
    {
      config: { access: ['TEAM_LEADER'] },
      schema: {
        tags: ['development'],
        summary: "The team leader's members' plans for the year",
        params: Type.Object({ year: Year }),
        response: { 200: Type.Object({ items: Type.Array(PlanView) }), ...Errors },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const members = await app.prisma.staff.findMany({
        where: { unit: { code: staff.unitCode }, employeeNo: { not: staff.employeeNo } },
        select: { employeeNo: true },
      });
      const plans = await app.prisma.developmentPlan.findMany({
        where: { year: request.params.year, employeeNo: { in: members.map((m) => m.employeeNo) } },
        include: planInclude,
        orderBy: { employeeNo: 'asc' },
      });
      return { items: await Promise.all(plans.map(view)) };
    },
  );

  app.post(
    '/api/development/:year/plans/:employeeNo/decision',
    {
      config: { access: ['TEAM_LEADER'] },
      schema: {
        tags: ['development'],
        summary: "The team leader agrees a member's plan or returns it with an opinion; audited",
        params: Type.Object({ year: Year, employeeNo: Type.String({ pattern: '^E[0-9]{4}$' }) }),
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('agree'), Type.Literal('return')]),
            opinion: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PlanView, ...Errors },
      },
    },
    async (request) => {
      const staff: SessionStaff = requireStaff(request);
      const { year, employeeNo } = request.params;
      const plan = await loadPlan(year, employeeNo);
      if (!plan) throw new AppError(ErrorCode.NOT_FOUND, `No development plan of ${employeeNo} for ${year}`);
      const leader = await leaderOf(employeeNo);
      if (leader?.employeeNo !== staff.employeeNo) {
        throw new AppError(ErrorCode.FORBIDDEN, `Only the team leader of ${employeeNo} decides on the plan`);
      }
      const { decision } = request.body;
      const opinion = request.body.opinion?.trim() || null;
      const wanted = decision === 'agree' ? 'AGREED' : 'RETURNED';
      if (plan.status === wanted) return view(plan);
      refuse(plan.status, decision);
      if (decision === 'return' && !opinion) {
        throw new AppError(ErrorCode.VALIDATION, 'Returning a plan needs an opinion saying what to change');
      }
      await app.prisma.developmentPlan.update({
        where: { id: plan.id },
        data: {
          status: wanted,
          leaderNo: staff.employeeNo,
          leaderOpinion: opinion,
          agreedAt: decision === 'agree' ? new Date() : null,
        },
      });
      await recordAudit(app.prisma, {
        actor: staff.employeeNo,
        action: `development.plan.${decision === 'agree' ? 'agreed' : 'returned'}`,
        subject: `development:${year}:${employeeNo}`,
        before: { status: plan.status },
        after: { status: wanted },
        reason: opinion ?? undefined,
      });
      return view((await loadPlan(year, employeeNo))!);
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

  app.get(
    '/api/development/:year/needs',
    {
      config: { access: ['HR', 'HEAD', 'ADMIN'] },
      schema: {
        tags: ['development'],
        summary:
          'Development needs across the ministry: per competency, people and hours; per unit, plans and training',
        params: Type.Object({ year: Year }),
        response: {
          200: Type.Object({
            competencies: Type.Array(
              Type.Object({
                competencyCode: Type.String(),
                people: Type.Integer(),
                plannedHours: Type.Number(),
                completedHours: Type.Number(),
              }),
            ),
            units: Type.Array(
              Type.Object({
                unitCode: Type.String(),
                name: Type.String(),
                nameEn: Type.String(),
                people: Type.Integer(),
                plans: Type.Integer(),
                agreed: Type.Integer(),
                trainingHours: Type.Number(),
              }),
            ),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const { year } = request.params;
      const [plans, staff, units] = await Promise.all([
        app.prisma.developmentPlan.findMany({ where: { year }, include: planInclude }),
        app.prisma.staff.findMany({
          where: { deactivatedAt: null },
          select: { employeeNo: true, unitId: true },
        }),
        app.prisma.orgUnit.findMany({ orderBy: { code: 'asc' } }),
      ]);
      const unitOf = new Map(staff.map((s) => [s.employeeNo, s.unitId]));
      return {
        competencies: developmentNeeds(plans),
        units: units
          .map((unit) => {
            const mine = plans.filter((p) => unitOf.get(p.employeeNo) === unit.id);
            return {
              unitCode: unit.code,
              name: unit.nameKo,
              nameEn: unit.nameEn,
              people: staff.filter((s) => s.unitId === unit.id).length,
              plans: mine.length,
              agreed: mine.filter((p) => p.status === 'AGREED').length,
              trainingHours: mine
                .flatMap((p) => p.activities)
                .filter((a) => a.kind === 'TRAINING')
                .reduce((sum, a) => sum + (a.completedHours ?? 0), 0),
            };
          })
          .filter((unit) => unit.people > 0),
      };
    },
  );
};
