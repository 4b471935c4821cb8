import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { developmentStepProblem, type DevelopmentStep } from '../../domain/development.ts';
import { AppError, ErrorBody } from '../errors.ts';

/**
 * What the development route modules (a person's own plan, the team leader's review, competencies and
 * needs) share: schema fragments, the plan's view, loading a plan, the step guard and the agreeing leader.
 */

export const Year = Type.Integer({ minimum: 2000, maximum: 2100 });
const IsoTime = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([IsoTime, Type.Null()]);
export const Hours = Type.Number({ exclusiveMinimum: 0, maximum: 500 });
export const Errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export const PlanView = Type.Object({
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

export const planInclude = {
  goals: { orderBy: { id: 'asc' as const } },
  activities: { orderBy: { id: 'asc' as const } },
};

/** Loading and showing plans, the step guard and the agreeing leader, reached through the app. */
export function developmentPlanContext(app: FastifyInstance) {
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

  return { loadPlan, view, refuse, leaderOf };
}
