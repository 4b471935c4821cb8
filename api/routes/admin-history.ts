import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, decide } from '../../domain/policy.ts';
import { AppError, ErrorBody } from '../errors.ts';
import { requireStaff } from '../plugins/auth.ts';
import { toCsv, type CsvValue } from '../csv.ts';
import {
  decisionLabel,
  exportTime,
  historyKindLabel,
  langOf,
  roleLabel,
  type Lang,
} from '../../domain/readable.ts';
import { historyChain, renderChain, text, TimelineEntry } from '../workflow-timeline.ts';

/** A decision an auditor reads first: who decided what, when and why (audit log and recorded timeline). */
export const Decision = Type.Object({
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'employee number, citizen or system' }),
  actorName: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: 'e.g. complaint.review, complaint.assigned, task.review' }),
  decision: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.Literal('audit'), Type.Literal('timeline')]),
});
export type Decision = Static<typeof Decision>;

/** Timeline events the system decides on its own (assignment, escalation, closing); staff actions come from the audit log. */
const systemDecisionEvents = new Set([
  'assigned',
  'reassigned',
  'escalated',
  'closed',
  'info-deadline-passed',
]);

const CSV_COLUMNS = [
  'eventId',
  'at',
  'kind',
  'name',
  'action',
  'actor',
  'actorRole',
  'decision',
  'reason',
  'summary',
] as const;
const CSV_HEADERS: Record<Lang, Record<(typeof CSV_COLUMNS)[number], string>> = {
  ko: {
    eventId: '이벤트 번호',
    at: '일시(KST)',
    kind: '구분',
    name: '대상',
    action: '처리',
    actor: '처리자',
    actorRole: '직위',
    decision: '결정',
    reason: '사유·의견',
    summary: '내용',
  },
  en: {
    eventId: 'Event',
    at: 'At (KST)',
    kind: 'Kind',
    name: 'Name',
    action: 'Action',
    actor: 'Actor',
    actorRole: 'Role',
    decision: 'Decision',
    reason: 'Reason or opinion',
    summary: 'Summary',
  },
};
/**
 * The timeline for a spreadsheet: headers and words in the reader's language, times in Korea time. In
 * Korean the engine's English summary gives way to the kind's name and its object (activity, timer).
 */
export const timelineCsv = (timeline: TimelineEntry[], lang: Lang = 'ko') =>
  toCsv(
    CSV_COLUMNS.map((c) => CSV_HEADERS[lang][c]),
    timeline.map((entry) =>
      CSV_COLUMNS.map((c): CsvValue => {
        switch (c) {
          case 'at':
            return exportTime(entry.at);
          case 'kind':
            return historyKindLabel(entry.kind, lang);
          case 'actorRole':
            return roleLabel(entry.actorRole, lang);
          case 'decision':
            return decisionLabel(entry.decision, lang);
          case 'summary':
            return lang === 'en'
              ? entry.summary
              : [historyKindLabel(entry.kind, lang), entry.name].filter(Boolean).join(': ');
          default:
            return entry[c] as CsvValue;
        }
      }),
    ),
    { bom: true, quote: 'always' },
  );

export const adminHistoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The headquarters a workflow belongs to, for a director's scope (complaints and tasks; null otherwise). */
  async function headquartersOf(workflowId: string): Promise<string | null> {
    const complaint = await app.prisma.complaint.findUnique({
      where: { receiptNo: workflowId },
      select: { team: { select: { parent: { select: { code: true } } } } },
    });
    if (complaint) return complaint.team.parent?.code ?? null;
    const task = await app.prisma.policyTask.findUnique({
      where: { id: workflowId },
      select: { unit: { select: { parent: { select: { code: true } } } } },
    });
    return task?.unit.parent?.code ?? null;
  }

  /** The decisions on a complaint or task, oldest first: the audit log, plus the system's own decisions. */
  async function decisionsOf(workflowId: string): Promise<Decision[]> {
    const [audits, events] = await Promise.all([
      app.prisma.auditLog.findMany({
        where: { subject: { in: [`complaint:${workflowId}`, `task:${workflowId}`] } },
        orderBy: { seq: 'asc' },
      }),
      app.prisma.complaintEvent.findMany({
        where: { receiptNo: workflowId, type: { in: [...systemDecisionEvents] } },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      }),
    ]);
    const fromAudit = audits.map((entry) => {
      const after = (entry.after ?? {}) as Record<string, unknown>;
      return {
        at: entry.at.toISOString(),
        actor: entry.actor,
        action: entry.action,
        decision: text(after.decision) ?? text(after.stage),
        reason: entry.reason,
        source: 'audit' as const,
      };
    });
    const fromTimeline = events.map((event) => {
      const detail = (event.detail ?? {}) as Record<string, unknown>;
      const handler = (detail.handler ?? {}) as Record<string, unknown>;
      return {
        at: event.at.toISOString(),
        actor: event.actor,
        action: `complaint.${event.type}`,
        decision: text(handler.name) ?? text(detail.level) ?? null,
        reason: text(detail.reason),
        source: 'timeline' as const,
      };
    });
    const all = [...fromAudit, ...fromTimeline].sort((a, b) => a.at.localeCompare(b.at));
    const employeeNos = [
      ...new Set(all.map((d) => /^E\d+/.exec(d.actor)?.[0]).filter((n) => n !== undefined)),
    ];
    const staff = await app.prisma.staff.findMany({
      where: { employeeNo: { in: employeeNos } },
      select: { employeeNo: true, nameKo: true, role: true },
    });
    const byNo = new Map(staff.map((s) => [s.employeeNo, s]));
    return all.map((d) => {
      const person = byNo.get(/^E\d+/.exec(d.actor)?.[0] ?? '');
      return {
        ...d,
        actor: person?.employeeNo ?? d.actor,
        actorName: person?.nameKo ?? null,
        actorRole: person?.role ?? null,
      };
    });
  }

  app.get(
    '/api/admin/workflows/:workflowId/history',
    {
      config: { access: ['ADMIN', 'DIRECTOR'] },
      schema: {
        tags: ['admin'],
        summary:
          "A workflow's Temporal history as a readable timeline (who, when, opinions and reasons, timers); `?format=csv` exports it. Admins see every workflow, directors their headquarters' complaints and tasks.",
        params: Type.Object({
          workflowId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' }),
        }),
        produces: ['application/json', 'text/csv'],
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
          /** CSV only: Korean headers and words (default) or English. */
          lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
          runId: Type.Optional(
            Type.String({
              pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
            }),
          ),
        }),
        response: {
          200: Type.Union([
            Type.Object({
              workflowId: Type.String(),
              runId: Type.Union([Type.String(), Type.Null()]),
              workflowType: Type.Union([Type.String(), Type.Null()]),
              status: Type.String(),
              events: Type.Integer({
                description: 'raw history events of the runs shown, including workflow-task bookkeeping',
              }),
              runs: Type.Array(Type.Object({ runId: Type.String(), events: Type.Integer() }), {
                description:
                  'without ?runId: every run of the continue-as-new chain, oldest first (the newest ones up to 20,000 events); with it, that run',
              }),
              earlierRunsOmitted: Type.Boolean(),
              decisions: Type.Array(Decision, {
                description:
                  'who decided what, when and why: the audit log and the system decisions, oldest first',
              }),
              timeline: Type.Array(TimelineEntry),
            }),
            Type.String({ description: 'with ?format=csv: the timeline as CSV' }),
          ]),
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const staff = requireStaff(request);
      const { workflowId } = request.params;
      const notFound = () => new AppError(ErrorCode.NOT_FOUND, `No workflow ${workflowId} in your scope`);
      if (staff.role !== 'ADMIN') {
        const decision = decide(staff, Action.WORKFLOW_HISTORY, {
          headquartersCode: await headquartersOf(workflowId),
        });
        if (!decision.allowed) throw notFound();
      }
      const { runId } = request.query;
      const handle = app.temporal.workflow.getHandle(workflowId, runId);
      let description;
      let chain;
      try {
        description = await handle.describe();
        chain = runId
          ? { runs: [{ runId, events: (await handle.fetchHistory()).events ?? [] }], omitted: false }
          : await historyChain(
              (run) => app.temporal.workflow.getHandle(workflowId, run).fetchHistory(),
              description.runId,
            );
      } catch (error) {
        // describe() raises WorkflowNotFoundError; fetching the history raw gRPC NOT_FOUND (code 5).
        if (error instanceof WorkflowNotFoundError || (isGrpcServiceError(error) && error.code === 5))
          throw notFound();
        throw error;
      }
      // Reasons and opinions only: an answer's or a citizen's text is content, not the why of a decision.
      const messages = await app.prisma.complaintMessage.findMany({
        where: { receiptNo: workflowId, OR: [{ kind: 'review-opinion' }, { kind: { endsWith: '-reason' } }] },
        select: { id: true, body: true },
      });
      const texts = new Map(messages.map((m) => [String(m.id), m.body]));
      const [timeline, decisions] = [renderChain(chain.runs, texts), await decisionsOf(workflowId)];
      if (request.query.format === 'csv') {
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${workflowId}-history.csv"`)
          .send(timelineCsv(timeline, langOf(request.query.lang)));
      }
      return {
        workflowId,
        runId: description.runId ?? null,
        workflowType: description.type ?? null,
        status: description.status.name,
        events: chain.runs.reduce((sum, run) => sum + run.events.length, 0),
        runs: chain.runs.map((run) => ({ runId: run.runId, events: run.events.length })),
        earlierRunsOmitted: chain.omitted,
        decisions,
        timeline,
      };
    },
  );
};
