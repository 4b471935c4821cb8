import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Prisma } from '@prisma/client';
import { actionsForStep, complaintLight, openComplaintStages } from '../../domain/complaint.ts';
import { WORKING_DAY_MILLIS } from '../../domain/business-calendar.ts';
import { loadBusinessCalendar } from '../../platform/holiday-calendar.ts';
import { listPendingTaskSteps, listStuckTasks } from '../../data/policy-tasks.ts';
import { stuckReasonText, type StuckReason } from '../../domain/readable.ts';
import { ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';

const InboxItem = Type.Object({
  kind: Type.Union([Type.Literal('complaint'), Type.Literal('task')]),
  id: Type.String(),
  title: Type.String(),
  step: Type.String(),
  stage: Type.String(),
  team: Type.String(),
  dueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  light: Type.Union([Type.Literal('GREEN'), Type.Literal('YELLOW'), Type.Literal('RED')]),
  actions: Type.Array(Type.String()),
});

const StuckItem = Type.Object({
  kind: Type.Union([Type.Literal('complaint'), Type.Literal('task')]),
  id: Type.String(),
  title: Type.String(),
  team: Type.String(),
  stage: Type.String(),
  dueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  assignee: Type.Union([Type.String(), Type.Null()]),
  escalationLevel: Type.Integer(),
  /** Tasks: whether the task's stage lets a director put it under focus management (중점관리). */
  focusDesignable: Type.Optional(Type.Boolean()),
  /** In Korean with Korea times (for API readers); the portal translates `reasons`. */
  reason: Type.String(),
  reasons: Type.Array(
    Type.Object({
      code: Type.Union([
        Type.Literal('complaint-overdue'),
        Type.Literal('complaint-idle'),
        Type.Literal('milestone-overdue'),
        Type.Literal('review-late'),
        Type.Literal('no-activity'),
        Type.Literal('kpi-red'),
        Type.Literal('overdue'),
      ]),
      since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      escalationLevel: Type.Optional(Type.Integer()),
      stage: Type.Optional(Type.String()),
      milestone: Type.Optional(Type.Integer()),
      reviewer: Type.Optional(Type.String()),
      days: Type.Optional(Type.Number()),
      kpi: Type.Optional(Type.String()),
      kpiName: Type.Optional(Type.String()),
      kpiNameEn: Type.Optional(Type.String()),
    }),
  ),
});

/** A complaint that sits this many business days in one stage without being overdue counts as stuck. */
const STUCK_AFTER_BUSINESS_DAYS = 2;

/** The teams a person manages: a leader their team, a director their headquarters, head and admin all. */
function managedTeamFilter(staff: SessionStaff): Prisma.OrgUnitWhereInput | undefined {
  if (staff.role === 'TEAM_LEADER') return { code: staff.unitCode };
  if (staff.role === 'DIRECTOR' && staff.headquartersCode)
    return { parent: { code: staff.headquartersCode } };
  if (staff.role === 'HEAD' || staff.role === 'ADMIN') return { kind: 'TEAM' };
  return undefined;
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

export const workRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/inbox',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['work'],
        summary: "The signed-in person's pending steps across complaints and tasks, by due time",
        response: { 200: Type.Object({ items: Type.Array(InboxItem) }), 401: ErrorBody },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const now = new Date();
      const openStages = openComplaintStages as string[];
      const mine: Prisma.ComplaintWhereInput[] = [
        { handlerId: staff.id, pendingStep: { in: ['accept', 'answer', 'consultation', 'info-timeout'] } },
      ];
      if (staff.role === 'TEAM_LEADER') {
        mine.push({ team: { code: staff.unitCode }, pendingStep: 'review' });
        mine.push({ team: { code: staff.unitCode }, overdue: true, stage: { in: openStages } });
      }
      if (staff.role === 'DIRECTOR' && staff.headquartersCode) {
        mine.push({
          team: { parent: { code: staff.headquartersCode } },
          escalationLevel: { gte: 2 },
          stage: { in: openStages },
        });
      }
      const complaints = await app.prisma.complaint.findMany({
        where: { OR: mine },
        include: { team: true, handler: true },
        orderBy: { dueAt: 'asc' },
        take: 500,
      });
      const items = complaints.map((c) => {
        const ownStep = c.handlerId === staff.id && c.pendingStep !== 'review';
        const step = ownStep || c.pendingStep === 'review' ? (c.pendingStep ?? 'escalated') : 'escalated';
        return {
          kind: 'complaint' as const,
          id: c.receiptNo,
          title: c.title,
          step,
          stage: c.stage,
          team: c.team.code,
          dueAt: c.dueAt.toISOString(),
          light: complaintLight(now, c.receivedAt, c.dueAt),
          actions: [...(actionsForStep[step] ?? [])],
        };
      });
      const tasks = (await listPendingTaskSteps(app.prisma, staff.employeeNo)).map((t) => ({
        kind: 'task' as const,
        id: t.id,
        title: t.title,
        step: t.step,
        stage: t.stage,
        team: t.team,
        dueAt: t.dueAt,
        light: (t.overdue ? 'RED' : t.light) as 'GREEN' | 'YELLOW' | 'RED',
        actions: t.step ? [t.step] : [],
      }));
      const dueTime = (item: { dueAt: string | null }) =>
        item.dueAt ? Date.parse(item.dueAt) : Number.MAX_SAFE_INTEGER;
      return { items: [...items, ...tasks].sort((a, b) => dueTime(a) - dueTime(b)) };
    },
  );

  app.get(
    '/api/manager/stuck',
    {
      config: { access: ['TEAM_LEADER', 'DIRECTOR', 'HEAD', 'ADMIN'] },
      schema: {
        tags: ['work'],
        summary: "Overdue and stuck complaints and tasks in the manager's scope, with the reason",
        response: { 200: Type.Object({ items: Type.Array(StuckItem) }), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const staff = requireStaff(request);
      const teams = await app.prisma.orgUnit.findMany({
        where: { ...managedTeamFilter(staff), kind: 'TEAM' },
      });
      const teamCodes = teams.map((t) => t.code);
      if (teamCodes.length === 0) return { items: [] };

      // Overdue comes from Temporal visibility (the workflows' own view of their timers).
      const query = [
        `PortalWorkKind = 'complaint'`,
        `ExecutionStatus = 'Running'`,
        `PortalOverdue = true`,
        `PortalTeam IN (${teamCodes.map(quote).join(', ')})`,
      ].join(' AND ');
      const overdueIds: string[] = [];
      for await (const execution of app.temporal.workflow.list({ query }))
        overdueIds.push(execution.workflowId);

      const stuckBefore = (await loadBusinessCalendar(app.prisma, new Date())).addWorkingMillis(
        new Date(),
        -STUCK_AFTER_BUSINESS_DAYS * WORKING_DAY_MILLIS,
      );
      const complaints = await app.prisma.complaint.findMany({
        where: {
          OR: [
            { receiptNo: { in: overdueIds } },
            {
              team: { code: { in: teamCodes } },
              stage: { in: openComplaintStages as string[] },
              stageSince: { lt: stuckBefore },
            },
          ],
        },
        include: { team: true, handler: true },
        orderBy: { dueAt: 'asc' },
        take: 500,
      });
      const overdue = new Set(overdueIds);
      const tasks = await listStuckTasks(app.prisma, { teamCodes });
      return {
        items: [
          ...complaints.map((c) => {
            const reason: StuckReason = overdue.has(c.receiptNo)
              ? {
                  code: 'complaint-overdue',
                  since: c.dueAt.toISOString(),
                  escalationLevel: c.escalationLevel,
                }
              : {
                  code: 'complaint-idle',
                  since: c.stageSince.toISOString(),
                  stage: c.stage,
                  days: STUCK_AFTER_BUSINESS_DAYS,
                };
            return {
              kind: 'complaint' as const,
              id: c.receiptNo,
              title: c.title,
              team: c.team.code,
              stage: c.stage,
              dueAt: c.dueAt.toISOString(),
              assignee: c.handler?.employeeNo ?? null,
              escalationLevel: c.escalationLevel,
              reasons: [reason],
              reason: stuckReasonText(reason, 'ko', 'complaint'),
            };
          }),
          ...tasks.map((t) => ({ ...t, escalationLevel: 0 })),
        ],
      };
    },
  );
};
