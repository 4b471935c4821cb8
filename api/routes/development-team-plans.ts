import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorCode } from '../../domain/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';
import { Errors, PlanView, Year, developmentPlanContext, planInclude } from './development-shared.ts';

/** The team leader's side of development plans: the members' plans, agreeing or returning one. */

export const developmentTeamPlanRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { loadPlan, view, refuse, leaderOf } = developmentPlanContext(app);

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
};
