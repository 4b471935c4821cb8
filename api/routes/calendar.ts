import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireIsoDate } from '../../domain/business-calendar.ts';
import { CALENDAR_CHANGE_WORKFLOW_TYPE, calendarChangeWorkflowId } from '../../domain/calendar-change.ts';
import type { calendarChangeWorkflow } from '../../workflows/calendar-change.ts';
import { runningComplaintStages } from '../../domain/complaint.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, decide } from '../../domain/policy.ts';
import { appendAudit } from '../../platform/audit.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff, type SessionStaff } from '../plugins/auth.ts';

/**
 * The business calendar as data (issue 13): anyone reads the holidays of a year; admins add election
 * days and 임시공휴일 or remove a holiday, with a reason, audited. Every change raises the calendar's
 * version and re-times every open complaint: a calendar-change workflow gives each run a calendarChanged
 * signal; the run loads the new calendar through an activity, moves its deadlines and records the change
 * in its history and timeline.
 */

const IsoDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'KST calendar date, YYYY-MM-DD',
});
const HolidayView = Type.Object({
  date: IsoDate,
  name: Type.String(),
  source: Type.String({ description: 'library | statutory-rules | admin' }),
});
const AddHolidayBody = Type.Object(
  {
    date: IsoDate,
    name: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }),
    reason: Type.String({ minLength: 2, maxLength: 500, description: 'recorded in the audit log' }),
  },
  { additionalProperties: false },
);
const ChangeResult = Type.Object({
  date: IsoDate,
  name: Type.String(),
  source: Type.String(),
  calendarVersion: Type.Integer(),
  retimedComplaints: Type.Integer({
    description: 'open complaints to re-time; a durable workflow (calendar-change-<version>) signals each',
  }),
});

const errorsOf = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
const dateOf = (isoDate: string) => new Date(`${isoDate}T00:00:00Z`);
const isoOf = (date: Date) => date.toISOString().slice(0, 10);

function validDate(value: string, field: string): string {
  try {
    return requireIsoDate(value);
  } catch {
    const message = `${field} is not a calendar date: ${value}`;
    throw new AppError(ErrorCode.VALIDATION, message, [{ path: `/${field}`, message }]);
  }
}

function authorise(staff: SessionStaff) {
  const decision = decide(staff, Action.CALENDAR_MANAGE);
  if (!decision.allowed) throw new AppError(ErrorCode.FORBIDDEN, `Only ${decision.who} may do this`);
}

/**
 * Starts the durable fan-out of calendar `version` to every open complaint (workflows/calendar-change.ts)
 * and answers how many complaints are open to be re-timed. The fan-out is a workflow, not this request: it
 * finishes even if this process stops. One workflow id per version, so a repeated request starts no second
 * fan-out while the first runs, and after it finished signals again, which complaints already on the
 * version ignore.
 */
async function retimeOpenComplaints(app: FastifyInstance, version: number): Promise<number> {
  const [open] = await Promise.all([
    app.prisma.complaint.count({
      where: { stage: { in: runningComplaintStages } },
    }),
    app.temporal.workflow.start<typeof calendarChangeWorkflow>(CALENDAR_CHANGE_WORKFLOW_TYPE, {
      workflowId: calendarChangeWorkflowId(version),
      taskQueue: app.config.TEMPORAL_TASK_QUEUE,
      args: [{ version }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `달력 변경 v${version} · re-time open complaints`,
      staticDetails: `Signals every open complaint to move its deadlines to business calendar version ${version}`,
    }),
  ]);
  return open;
}

export const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/calendar/holidays',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'The public holidays of one year that stop the business-day clock (KST dates)',
        querystring: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
        response: { 200: Type.Array(HolidayView), ...errorsOf(422) },
      },
    },
    async (request, reply) => {
      const { year } = request.query;
      const [rows, version] = await Promise.all([
        app.prisma.holiday.findMany({
          where: { removedAt: null, date: { gte: dateOf(`${year}-01-01`), lte: dateOf(`${year}-12-31`) } },
          orderBy: [{ date: 'asc' }, { id: 'asc' }],
        }),
        app.prisma.calendarVersion.findUnique({ where: { id: 1 } }),
      ]);
      void reply.header('x-calendar-version', String(version?.version ?? 1));
      return rows.map((row) => ({ date: isoOf(row.date), name: row.name, source: row.source }));
    },
  );

  app.post(
    '/api/admin/holidays',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['calendar', 'admin'],
        summary:
          'Adds a holiday (an election day, a 임시공휴일) with a reason: 201, audited, and every open complaint is re-timed. The same holiday again answers 200 and changes nothing.',
        body: AddHolidayBody,
        response: { 200: ChangeResult, 201: ChangeResult, ...errorsOf(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      authorise(staff);
      const { name, reason } = request.body;
      const date = validDate(request.body.date, 'date');
      const outcome = await app.prisma.$transaction(async (tx) => {
        const existing = await tx.holiday.findUnique({ where: { date_name: { date: dateOf(date), name } } });
        if (existing && existing.removedAt === null) {
          const current = await tx.calendarVersion.findUniqueOrThrow({ where: { id: 1 } });
          return { created: false, source: existing.source, version: current.version };
        }
        const data = {
          source: 'admin',
          addedBy: staff.employeeNo,
          reason,
          removedAt: null,
          removedBy: null,
          removedReason: null,
        };
        if (existing) await tx.holiday.update({ where: { id: existing.id }, data });
        else await tx.holiday.create({ data: { date: dateOf(date), name, ...data } });
        const { version } = await tx.calendarVersion.update({
          where: { id: 1 },
          data: { version: { increment: 1 }, changedAt: new Date() },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'holiday.add',
          subject: `holiday:${date}`,
          after: { date, name, source: 'admin', calendarVersion: version },
          reason,
        });
        return { created: true, source: 'admin', version };
      });
      const retimedComplaints = await retimeOpenComplaints(app, outcome.version);
      void reply.header('location', `/api/calendar/holidays?year=${date.slice(0, 4)}`);
      return reply.status(outcome.created ? 201 : 200).send({
        date,
        name,
        source: outcome.source,
        calendarVersion: outcome.version,
        retimedComplaints,
      });
    },
  );

  app.delete(
    '/api/admin/holidays/:date',
    {
      config: { access: ['ADMIN'] },
      schema: {
        tags: ['calendar', 'admin'],
        summary:
          'Removes every holiday on a date (the day becomes a business day), with a reason: 204, audited, and every open complaint is re-timed. Removing it again answers 204; a date that never was a holiday 404.',
        params: Type.Object({ date: IsoDate }),
        querystring: Type.Object({
          reason: Type.String({ minLength: 2, maxLength: 500, description: 'recorded in the audit log' }),
        }),
        response: { 204: Type.Null(), ...errorsOf(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      authorise(staff);
      const date = validDate(request.params.date, 'date');
      const { reason } = request.query;
      const version = await app.prisma.$transaction(async (tx) => {
        const holidays = await tx.holiday.findMany({ where: { date: dateOf(date) } });
        if (holidays.length === 0) throw new AppError(ErrorCode.NOT_FOUND, `${date} is not a holiday`);
        const active = holidays.filter((h) => h.removedAt === null);
        if (active.length === 0)
          return (await tx.calendarVersion.findUniqueOrThrow({ where: { id: 1 } })).version;
        await tx.holiday.updateMany({
          where: { id: { in: active.map((h) => h.id) } },
          data: { removedAt: new Date(), removedBy: staff.employeeNo, removedReason: reason },
        });
        const changed = await tx.calendarVersion.update({
          where: { id: 1 },
          data: { version: { increment: 1 }, changedAt: new Date() },
        });
        await appendAudit(tx, {
          actor: staff.employeeNo,
          action: 'holiday.remove',
          subject: `holiday:${date}`,
          before: active.map((h) => ({ date, name: h.name, source: h.source })),
          after: { calendarVersion: changed.version },
          reason,
        });
        return changed.version;
      });
      await retimeOpenComplaints(app, version);
      return reply.status(204).send(null);
    },
  );
};
