import { Type, type Static } from 'typebox';
import { defaultPayloadConverter, optionalTsToDate, tsToMs } from '@temporalio/common';
// @temporalio/proto is CommonJS: under Node's ESM loader only its default export is reliable.
import proto from '@temporalio/proto';
import type { temporal as TemporalApi } from '@temporalio/proto';

/**
 * A workflow's Temporal history read as a human timeline (GET /api/admin/workflows/:workflowId/history in
 * api/routes/admin-history.ts): when, what kind, who and why, across the runs of a continue-as-new chain.
 * It reads no database and calls no server itself (historyChain fetches runs through the function it is
 * given); payloads are decoded with the default payload converter.
 */

const { temporal } = proto;
type HistoryEvent = TemporalApi.api.history.v1.IHistoryEvent;
type Payloads = TemporalApi.api.common.v1.IPayloads | null | undefined;

export const TimelineEntry = Type.Object({
  eventId: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  kind: Type.String({
    description: 'workflow.started, activity.scheduled, timer.fired, update.accepted, signal, ...',
  }),
  name: Type.Union([Type.String(), Type.Null()], {
    description: 'activity type, update, signal or timer id',
  }),
  action: Type.Union([Type.String(), Type.Null()], { description: "a task Update's action type" }),
  actor: Type.Union([Type.String(), Type.Null()], { description: 'employee number, citizen or system' }),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  decision: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()], {
    description: 'reason or opinion given with the action',
  }),
  summary: Type.String(),
  detail: Type.Unknown(),
  run: Type.Optional(
    Type.Integer({
      minimum: 1,
      description:
        'which run of a workflow that continued as new (1 = first shown); event ids restart per run',
    }),
  ),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

const decodeAll = (payloads: Payloads): unknown[] =>
  (payloads?.payloads ?? []).map((payload) => {
    try {
      return defaultPayloadConverter.fromPayload(payload);
    } catch {
      return '[undecodable payload]';
    }
  });
const decodeFirst = (payloads: Payloads) => decodeAll(payloads)[0];

/** A non-empty string, else null. */
export const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
const durationMs = (duration: Parameters<typeof tsToMs>[0]) => (duration ? tsToMs(duration) : null);

/**
 * Who acted and why, from an Update's first argument (complaint, task and year-end Updates all carry an
 * actor). Complaint texts are not in the history, only their ComplaintMessage id: `texts` resolves it.
 */
function actionOf(arg: unknown, texts: ReadonlyMap<string, string>) {
  const record = (arg ?? {}) as Record<string, unknown>;
  const actor = (record.actor ?? {}) as Record<string, unknown>;
  const nested = (record.action ?? {}) as Record<string, unknown>;
  return {
    action: text(nested.type),
    actor: text(actor.employeeNo) ?? text(actor.kind),
    actorRole: text(actor.role),
    decision: text(record.decision) ?? text(nested.decision),
    reason:
      text(record.reason) ??
      text(record.opinion) ??
      text(nested.reason) ??
      text(nested.opinion) ??
      text(record.note) ??
      (record.messageId === undefined ? null : (texts.get(String(record.messageId)) ?? null)),
  };
}

/** The summary the workflow gave an activity or timer (user metadata), if any. */
function summaryOf(event: HistoryEvent): string | null {
  const payload = event.userMetadata?.summary;
  if (!payload) return null;
  try {
    return text(defaultPayloadConverter.fromPayload(payload));
  } catch {
    return null;
  }
}

const eventTypeName = (event: HistoryEvent) =>
  (temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED').replace(
    /^EVENT_TYPE_/,
    '',
  );

/**
 * A Temporal history as a human timeline: when, what kind, who and why. Workflow-task bookkeeping is
 * left out; payloads are decoded with the default payload converter.
 */
export function renderHistory(
  events: readonly HistoryEvent[],
  texts: ReadonlyMap<string, string> = new Map(),
): TimelineEntry[] {
  const activityNames = new Map<string, string>();
  const timers = new Map<string, number | null>();
  const updates = new Map<string, { name: string; arg: unknown }>();
  const timeline: TimelineEntry[] = [];

  for (const event of events) {
    const base = {
      eventId: Number(event.eventId ?? 0),
      at: (optionalTsToDate(event.eventTime) ?? new Date(0)).toISOString(),
      name: null as string | null,
      action: null as string | null,
      actor: null as string | null,
      actorRole: null as string | null,
      decision: null as string | null,
      reason: null as string | null,
    };
    const push = (kind: string, summary: string, detail: unknown, extra: Partial<typeof base> = {}) =>
      timeline.push({ ...base, ...extra, kind, summary, detail });

    if (event.workflowExecutionStartedEventAttributes) {
      const a = event.workflowExecutionStartedEventAttributes;
      push(
        'workflow.started',
        `Started ${a.workflowType?.name ?? 'workflow'}`,
        {
          workflowType: a.workflowType?.name,
          taskQueue: a.taskQueue?.name,
          input: decodeAll(a.input),
          searchAttributes: decodeMap(a.searchAttributes?.indexedFields),
        },
        { name: a.workflowType?.name ?? null },
      );
    } else if (event.activityTaskScheduledEventAttributes) {
      const a = event.activityTaskScheduledEventAttributes;
      const name = a.activityType?.name ?? 'activity';
      activityNames.set(String(event.eventId), name);
      const note = summaryOf(event);
      push(
        'activity.scheduled',
        `Activity ${name} scheduled${note ? ` — ${note}` : ''}`,
        { input: decodeAll(a.input), ...(note ? { userSummary: note } : {}) },
        { name },
      );
    } else if (event.activityTaskCompletedEventAttributes) {
      const a = event.activityTaskCompletedEventAttributes;
      const name = activityNames.get(String(a.scheduledEventId)) ?? null;
      push(
        'activity.completed',
        `Activity ${name ?? ''} completed`.replace('  ', ' '),
        { result: decodeFirst(a.result) },
        { name },
      );
    } else if (event.activityTaskFailedEventAttributes) {
      const a = event.activityTaskFailedEventAttributes;
      const name = activityNames.get(String(a.scheduledEventId)) ?? null;
      push(
        'activity.failed',
        `Activity ${name ?? ''} failed: ${a.failure?.message ?? ''}`,
        { failure: a.failure?.message },
        { name },
      );
    } else if (event.activityTaskTimedOutEventAttributes) {
      const a = event.activityTaskTimedOutEventAttributes;
      const name = activityNames.get(String(a.scheduledEventId)) ?? null;
      push(
        'activity.timed-out',
        `Activity ${name ?? ''} timed out`,
        { failure: a.failure?.message },
        { name },
      );
    } else if (event.timerStartedEventAttributes) {
      const a = event.timerStartedEventAttributes;
      const fireAfterMs = durationMs(a.startToFireTimeout);
      timers.set(a.timerId ?? '', fireAfterMs);
      const firesAt = fireAfterMs === null ? null : new Date(Date.parse(base.at) + fireAfterMs).toISOString();
      const note = summaryOf(event);
      push(
        'timer.started',
        `Timer ${a.timerId} set${firesAt ? ` to fire at ${firesAt}` : ''}${note ? ` — ${note}` : ''}`,
        { timerId: a.timerId, fireAfterMs, firesAt, ...(note ? { userSummary: note } : {}) },
        { name: a.timerId ?? null },
      );
    } else if (event.timerFiredEventAttributes) {
      const a = event.timerFiredEventAttributes;
      push(
        'timer.fired',
        `Timer ${a.timerId} fired`,
        { timerId: a.timerId, fireAfterMs: timers.get(a.timerId ?? '') ?? null },
        { name: a.timerId ?? null },
      );
    } else if (event.timerCanceledEventAttributes) {
      const a = event.timerCanceledEventAttributes;
      push(
        'timer.canceled',
        `Timer ${a.timerId} cancelled`,
        { timerId: a.timerId },
        { name: a.timerId ?? null },
      );
    } else if (event.workflowExecutionUpdateAcceptedEventAttributes) {
      const a = event.workflowExecutionUpdateAcceptedEventAttributes;
      const name = a.acceptedRequest?.input?.name ?? 'update';
      const args = decodeAll(a.acceptedRequest?.input?.args);
      updates.set(a.protocolInstanceId ?? a.acceptedRequest?.meta?.updateId ?? '', { name, arg: args[0] });
      const who = actionOf(args[0], texts);
      push(
        'update.accepted',
        `${who.actor ?? 'someone'} asked for ${name}${who.action ? ` (${who.action})` : ''}`,
        {
          updateId: a.acceptedRequest?.meta?.updateId,
          identity: a.acceptedRequest?.meta?.identity,
          args,
        },
        { name, ...who },
      );
    } else if (event.workflowExecutionUpdateCompletedEventAttributes) {
      const a = event.workflowExecutionUpdateCompletedEventAttributes;
      const accepted = updates.get(a.meta?.updateId ?? '');
      const name = accepted?.name ?? 'update';
      const failure = a.outcome?.failure?.message;
      const who = actionOf(accepted?.arg, texts);
      push(
        'update.completed',
        failure ? `${name} failed: ${failure}` : `${name} completed`,
        {
          updateId: a.meta?.updateId,
          ...(failure ? { failure } : { result: decodeFirst(a.outcome?.success) }),
        },
        { name, ...who },
      );
    } else if (event.workflowExecutionSignaledEventAttributes) {
      const a = event.workflowExecutionSignaledEventAttributes;
      const input = decodeAll(a.input);
      push(
        'signal',
        `Signal ${a.signalName}`,
        { input, identity: a.identity },
        { name: a.signalName ?? null, ...actionOf(input[0], texts) },
      );
    } else if (event.upsertWorkflowSearchAttributesEventAttributes) {
      const fields = decodeMap(
        event.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields,
      );
      push(
        'search-attributes',
        `Search attributes: ${Object.entries(fields)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(', ')}`,
        fields,
      );
    } else if (event.workflowExecutionCompletedEventAttributes) {
      push('workflow.completed', 'Workflow completed', {
        result: decodeFirst(event.workflowExecutionCompletedEventAttributes.result),
      });
    } else if (event.workflowExecutionFailedEventAttributes) {
      const message = event.workflowExecutionFailedEventAttributes.failure?.message;
      push('workflow.failed', `Workflow failed: ${message ?? ''}`, { failure: message });
    } else if (event.workflowExecutionContinuedAsNewEventAttributes) {
      const a = event.workflowExecutionContinuedAsNewEventAttributes;
      push('workflow.continued-as-new', 'Continued as new (history kept short)', {
        newRunId: a.newExecutionRunId,
        input: decodeAll(a.input),
      });
    } else if (event.workflowExecutionTerminatedEventAttributes) {
      const a = event.workflowExecutionTerminatedEventAttributes;
      push(
        'workflow.terminated',
        `Terminated: ${a.reason ?? ''}`,
        { identity: a.identity },
        { reason: text(a.reason) },
      );
    } else if (event.workflowExecutionCanceledEventAttributes) {
      push('workflow.canceled', 'Workflow cancelled', {});
    } else if (event.workflowExecutionTimedOutEventAttributes) {
      push('workflow.timed-out', 'Workflow timed out', {});
    } else if (event.startChildWorkflowExecutionInitiatedEventAttributes) {
      const a = event.startChildWorkflowExecutionInitiatedEventAttributes;
      push(
        'child.started',
        `Child workflow ${a.workflowType?.name} ${a.workflowId} started`,
        { workflowId: a.workflowId, input: decodeAll(a.input) },
        { name: a.workflowType?.name ?? null },
      );
    } else if (event.childWorkflowExecutionCompletedEventAttributes) {
      const a = event.childWorkflowExecutionCompletedEventAttributes;
      push(
        'child.completed',
        `Child workflow ${a.workflowExecution?.workflowId} completed`,
        { result: decodeFirst(a.result) },
        { name: a.workflowType?.name ?? null },
      );
    } else if (event.signalExternalWorkflowExecutionInitiatedEventAttributes) {
      const a = event.signalExternalWorkflowExecutionInitiatedEventAttributes;
      push(
        'signal.sent',
        `Signal ${a.signalName} sent to ${a.workflowExecution?.workflowId}`,
        { input: decodeAll(a.input) },
        { name: a.signalName ?? null },
      );
    } else {
      const type = eventTypeName(event);
      // Workflow-task bookkeeping and SDK markers say nothing to an auditor.
      if (type.startsWith('WORKFLOW_TASK_') || type === 'MARKER_RECORDED' || type.endsWith('_STARTED'))
        continue;
      push(type.toLowerCase().replaceAll('_', '-'), type, {});
    }
  }
  return timeline;
}

/** How much of a continue-as-new chain one page shows: the newest runs, up to this many events. */
export const MAX_CHAIN_EVENTS = 20_000;
const MAX_CHAIN_RUNS = 100;

export interface RunHistory {
  runId: string;
  events: readonly HistoryEvent[];
}

/**
 * The runs of a workflow that continued as new, oldest first: from the given (newest) run back along each
 * run's `continuedExecutionRunId`, up to MAX_CHAIN_EVENTS events; `omitted` tells whether older runs exist.
 */
export async function historyChain(
  fetchRun: (runId: string | undefined) => Promise<{ events?: HistoryEvent[] | null }>,
  latestRunId: string,
): Promise<{ runs: RunHistory[]; omitted: boolean }> {
  const runs: RunHistory[] = [];
  let total = 0;
  let runId: string | undefined = latestRunId;
  while (runId) {
    const events: readonly HistoryEvent[] = (await fetchRun(runId)).events ?? [];
    runs.unshift({ runId, events });
    total += events.length;
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    if (runId && (total >= MAX_CHAIN_EVENTS || runs.length >= MAX_CHAIN_RUNS)) return { runs, omitted: true };
  }
  return { runs, omitted: false };
}

/** The runs' timelines in order, each entry marked with its run, and a marker where a run begins. */
export function renderChain(
  runs: readonly RunHistory[],
  texts: ReadonlyMap<string, string> = new Map(),
): TimelineEntry[] {
  return runs.flatMap((run, index) => {
    const entries = renderHistory(run.events, texts).map((entry) => ({ ...entry, run: index + 1 }));
    if (index === 0) return entries;
    const start = run.events[0];
    const marker: TimelineEntry = {
      eventId: 0,
      at: (optionalTsToDate(start?.eventTime) ?? new Date(0)).toISOString(),
      kind: 'run.started',
      name: null,
      action: null,
      actor: null,
      actorRole: null,
      decision: null,
      reason: null,
      summary: `Run ${index + 1} of ${runs.length} begins, continued as new from run ${index}`,
      detail: { runId: run.runId, previousRunId: runs[index - 1]!.runId },
      run: index + 1,
    };
    return [marker, ...entries];
  });
}

function decodeMap(
  fields: Record<string, TemporalApi.api.common.v1.IPayload> | null | undefined,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, payload] of Object.entries(fields ?? {})) {
    try {
      result[key] = defaultPayloadConverter.fromPayload(payload);
    } catch {
      result[key] = '[undecodable payload]';
    }
  }
  return result;
}
