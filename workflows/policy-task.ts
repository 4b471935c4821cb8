import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import type { NotificationInput } from '../data/mail-outbox.ts';
import {
  applyAlarm,
  applyCustomerRating,
  applyTaskAction,
  checkCustomerRating,
  checkTaskAction,
  customerRatingSnapshot,
  customerRatingUpdate,
  customerSatisfactionOf,
  openCustomerRating,
  initialTaskState,
  isOverdue,
  isTerminalTaskStage,
  pendingStepOf,
  resolveTaskSettings,
  scheduledAlarms,
  snapshotOf,
  taskActionUpdate,
  taskOutcomeScores,
  taskStateQuery,
  TaskStage,
  toEventRecord,
  type PolicyTaskInput,
  type CustomerNotice,
  type PolicyTaskState,
  type TaskEffect,
  type TaskMail,
  type TaskOutcomeScores,
  type TaskRejection,
} from '../domain/policy-task.ts';
import {
  AssigneeAttr,
  DueAtAttr,
  OverdueAttr,
  StageAttr,
  TeamAttr,
  WorkKindAttr,
} from '../domain/search-attributes.ts';
import { kstMinute, timerSummary } from '../domain/workflow-summaries.ts';
import { requireSignedActor } from './signed-actor.ts';
import { ErrorCode } from '../domain/errors.ts';

const { recordTaskEvent, reportOutcome, listTaskCustomerIds } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Mail retries without a cap: the outbox makes each send happen once, and an SMTP outage must only delay.
const { sendNotification, notifyTaskCustomers } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export interface PolicyTaskResult {
  taskId: string;
  stage: TaskStage;
  outcome?: TaskOutcomeScores;
  generation: number;
}

const KST_OFFSET_MS = 9 * 3600_000;

/**
 * One policy task (정책과제), from draft to done, for months: review chains, milestone timers with
 * escalation, focus-management report cadence, completion and quality review. Actions arrive as one
 * Update whose validator applies the same pure rules as the API. Continues as new before its history
 * grows large, carrying its whole state and any undelivered mail.
 */
export async function policyTaskWorkflow(input: PolicyTaskInput): Promise<PolicyTaskResult> {
  const settings = resolveTaskSettings(input.settings);
  const state: PolicyTaskState = input.carried?.state ?? initialTaskState(input);
  const outbox: TaskMail[] = [...(input.carried?.outbox ?? [])];
  const customerOutbox: CustomerNotice[] = [...(input.carried?.customerOutbox ?? [])];
  // Added after tasks were already running (issue 20): customers hear of milestones and rate the result.
  // Histories recorded before it have no marker and replay without any customer step.
  if (!input.carried) state.customerCare = patched('task-customers');
  let changes = 0;
  let published = '';
  const nowMs = () => Date.now();
  const nowIso = () => new Date(nowMs()).toISOString();

  // Read-model writes happen one at a time, in event order: updates and timers take turns.
  let tail: Promise<unknown> = Promise.resolve();
  function serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  }

  const rejectIf = (rejection: TaskRejection | undefined) => {
    if (rejection)
      throw ApplicationFailure.create({
        type: rejection.code,
        message: rejection.message,
        nonRetryable: true,
      });
  };

  function publishVisibility() {
    const step = pendingStepOf(state, settings);
    setCurrentDetails(
      `**${state.stage}** · generation ${state.generation}` +
        (step?.assigneeNo ? ` · waiting for ${step.assigneeNo}` : '') +
        (step?.dueAt ? ` · due ${kstMinute(step.dueAt)}` : ''),
    );
    const attributes: SearchAttributeUpdatePair[] = [
      { key: WorkKindAttr, value: 'task' },
      { key: StageAttr, value: state.stage },
      { key: TeamAttr, value: state.participants.teamCode },
      { key: AssigneeAttr, value: step?.assigneeNo ?? null },
      { key: DueAtAttr, value: step?.dueAt ? new Date(step.dueAt) : null },
      { key: OverdueAttr, value: isOverdue(state, nowMs(), settings) },
    ];
    const signature = JSON.stringify(attributes.map((a) => [a.key.name, a.value]));
    if (signature === published) return;
    published = signature;
    upsertSearchAttributes(attributes);
  }

  async function record(effect: TaskEffect) {
    outbox.push(...effect.mails);
    customerOutbox.push(...(effect.customerNotices ?? []));
    const event = toEventRecord(state, effect, nowIso(), settings);
    changes += 1;
    publishVisibility();
    await recordTaskEvent(event);
  }

  async function flushOutbox() {
    while (customerOutbox.length > 0) {
      const notices = customerOutbox.splice(0, customerOutbox.length);
      await Promise.all(notices.map((notice) => notifyTaskCustomers(notice)));
    }
    while (outbox.length > 0) {
      const batch = outbox.splice(0, outbox.length);
      await Promise.all(
        batch.map((mail) =>
          sendNotification({
            key: mail.key,
            to: { kind: 'staff', employeeNo: mail.toEmployeeNo },
            template: mail.template,
            data: mail.data,
          } as NotificationInput),
        ),
      );
    }
  }

  async function fireDueAlarms() {
    for (;;) {
      const alarm = scheduledAlarms(state, settings)[0];
      if (!alarm || Date.parse(alarm.at) > nowMs()) return;
      await record(applyAlarm(state, alarm, settings));
    }
  }

  const continueAsNewDue = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= settings.historyThreshold;
  };

  setHandler(taskStateQuery, () => state);
  setHandler(
    taskActionUpdate,
    (request) =>
      serially(async () => {
        // Checked again: another update may have changed the stage while this one waited its turn.
        rejectIf(checkTaskAction(state, request, nowMs()));
        await record(applyTaskAction(state, request, nowIso(), settings));
        return snapshotOf(state, nowMs(), settings);
      }),
    {
      validator: (request) => {
        requireSignedActor(request, taskActionUpdate.name);
        rejectIf(checkTaskAction(state, request, nowMs()));
      },
    },
  );
  setHandler(
    customerRatingUpdate,
    (request) =>
      serially(async () => {
        rejectIf(checkCustomerRating(state, request, nowMs()));
        const effect = applyCustomerRating(state, request, nowIso());
        if (effect) await record(effect);
        return customerRatingSnapshot(state);
      }),
    {
      validator: (request) => {
        requireSignedActor(request, customerRatingUpdate.name);
        if (request.actor?.customerId !== request.customerId) {
          rejectIf({ code: ErrorCode.FORBIDDEN, message: 'The rating was signed for another customer' });
        }
        rejectIf(checkCustomerRating(state, request, nowMs()));
      },
    },
  );

  if (input.carried) {
    publishVisibility();
  } else {
    await serially(() =>
      record({
        type: 'created',
        actorNo: state.participants.ownerNo,
        detail: {
          taskType: state.taskType,
          planChain: state.participants.planChain,
          milestones: state.milestones.length,
        },
        mails: [],
      }),
    );
  }

  while (!isTerminalTaskStage(state.stage)) {
    await flushOutbox();
    if (continueAsNewDue()) {
      await condition(allHandlersFinished);
      if (!isTerminalTaskStage(state.stage)) {
        await continueAsNew<typeof policyTaskWorkflow>({
          ...input,
          carried: { state: { ...state, generation: state.generation + 1 }, outbox, customerOutbox },
        });
      }
    }
    const seen = changes;
    const wake = () =>
      changes !== seen || outbox.length > 0 || customerOutbox.length > 0 || isTerminalTaskStage(state.stage);
    const next = scheduledAlarms(state, settings)[0];
    if (!next) {
      await condition(wake);
    } else {
      const waitMs = Date.parse(next.at) - nowMs();
      if (waitMs > 0) await condition(wake, waitMs, { summary: timerSummary(next.kind, next.at) });
    }
    await serially(fireDueAlarms);
  }

  await condition(allHandlersFinished);
  await flushOutbox();
  let outcome: TaskOutcomeScores | undefined;
  if (state.stage === TaskStage.DONE && state.doneAt) {
    outcome = taskOutcomeScores(state);
    const doneAtMs = Date.parse(state.doneAt);
    await reportOutcome({
      kind: 'task-done',
      outcomeKey: `task-done:${state.taskId}`,
      year: new Date(doneAtMs + KST_OFFSET_MS).getUTCFullYear(),
      occurredAt: state.doneAt,
      unitCode: state.participants.teamCode,
      employeeNo: state.participants.ownerNo,
      taskId: state.taskId,
      ...outcome,
      ...(state.kpiCode ? { kpiCode: state.kpiCode } : {}),
    });
    // Added after tasks were already running: the owner is told the final result and the scores that
    // went into performance. Histories recorded before it (no marker) replay without this mail.
    if (patched('task-done-mail')) {
      await sendNotification({
        key: `${state.taskId}:done`,
        to: { kind: 'staff', employeeNo: state.participants.ownerNo },
        template: 'task-done',
        data: {
          taskId: state.taskId,
          title: state.title,
          taskUrl: `/tasks/${state.taskId}`,
          ...outcome,
          opinion: state.decisions.at(-1)?.opinion ?? '',
        },
      });
    }
    if (state.customerCare) await rateByCustomers(doneAtMs);
  }
  return { taskId: state.taskId, stage: state.stage, outcome, generation: state.generation };

  /**
   * The customers' rating step: each customer of the task is mailed a rating link; one reminder; closes at
   * its deadline or when every customer rated. The mean rating is reported to performance once.
   */
  async function rateByCustomers(doneAtMs: number) {
    const { customerIds } = await listTaskCustomerIds({ taskId: state.taskId });
    if (customerIds.length === 0) return;
    await serially(() => record(openCustomerRating(state, customerIds, nowIso(), settings)));
    while (!state.rating?.closedAt) {
      await flushOutbox();
      const seen = changes;
      const wake = () => changes !== seen || customerOutbox.length > 0 || Boolean(state.rating?.closedAt);
      const next = scheduledAlarms(state, settings)[0];
      const waitMs = next ? Date.parse(next.at) - nowMs() : undefined;
      if (waitMs === undefined) await condition(wake);
      else if (waitMs > 0 && next)
        await condition(wake, waitMs, { summary: timerSummary(next.kind, next.at) });
      await serially(fireDueAlarms);
    }
    await condition(allHandlersFinished);
    await flushOutbox();
    const satisfaction = customerSatisfactionOf(state.rating);
    if (satisfaction === null) return;
    await reportOutcome({
      kind: 'task-rated',
      outcomeKey: `task-rated:${state.taskId}`,
      year: new Date(doneAtMs + KST_OFFSET_MS).getUTCFullYear(),
      occurredAt: state.rating.closedAt,
      unitCode: state.participants.teamCode,
      employeeNo: state.participants.ownerNo,
      taskId: state.taskId,
      satisfaction,
      ratings: Object.keys(state.rating.scores).length,
    });
  }
}
