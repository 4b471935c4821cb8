import {
  ActivityFailure,
  ApplicationFailure,
  AsyncLocalStorage,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import type { NotificationInput } from '../data/mail-outbox.ts';
import type { ComplaintEventAudit } from '../activities/complaint.ts';
import { createBusinessCalendar, type BusinessCalendar } from '../domain/business-calendar.ts';
import { legacyBundledCalendar } from '../domain/legacy-bundled-calendar.ts';
import { isTerminalStage, type ComplaintInput, type ComplaintState } from '../domain/complaint.ts';
import {
  calendarChangedSignal,
  complaintActionUpdates,
  complaintStateQuery,
  type ComplaintUpdate,
  type ReassignArgs,
  type TransferArgs,
} from '../domain/complaint-messages.ts';
import type { ComplaintActionUpdateName } from '../contracts/complaint-actions.ts';
import {
  closeComplaint,
  closedOutcome,
  handlerAssigned,
  handlerUnavailable,
  initialComplaintState,
  nextTimer,
  receiptNotice,
  received,
  retimed,
  surveyLinkExpiresAt,
  timerFired,
  updateAudit,
} from '../domain/complaint-lifecycle.ts';
import {
  complaintActions,
  ComplaintRefusal,
  type ActionRule,
  type RuleContext,
} from '../domain/complaint-rules.ts';
import type {
  ComplaintEffect,
  ComplaintNotification,
  ComplaintStep,
  ComplaintVisibility,
} from '../domain/complaint-steps.ts';
import { ErrorCode } from '../domain/errors.ts';
import type { SignedActorArgs } from '../domain/actor-claim.ts';
import { kstMinute, timerSummary } from '../domain/workflow-summaries.ts';
import {
  AssigneeAttr,
  DueAtAttr,
  OverdueAttr,
  StageAttr,
  TeamAttr,
  WorkKindAttr,
} from '../domain/search-attributes.ts';
import { requireSignedActor } from './signed-actor.ts';

/**
 * The complaint (민원) workflow: the rules are pure (domain/complaint-rules.ts for the actions,
 * domain/complaint-lifecycle.ts for intake, assignment, deadlines and closing); this file wires them to
 * Updates, timers and activities and performs the effects they return, in their order.
 */

const {
  assignHandler,
  recordComplaintEvent,
  resolveTeam,
  checkReassignTarget,
  reportOutcome,
  loadCalendarSnapshot,
} = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [ErrorCode.VALIDATION],
  },
});

// Mail retries without a cap: the outbox makes each send happen once, and an SMTP outage must only delay.
const { sendNotification, sendSurveyMail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

const isNoHandlerAvailable = (error: unknown) =>
  error instanceof ActivityFailure &&
  error.cause instanceof ApplicationFailure &&
  error.cause.type === ErrorCode.NO_HANDLER_AVAILABLE;

/** A refusal of the rules becomes the Update's rejection, with the rules' code and message. */
function checked(check: () => void) {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ComplaintRefusal)) throw error;
    throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
  }
}

function searchAttributes(visibility: ComplaintVisibility): SearchAttributeUpdatePair[] {
  return [
    { key: WorkKindAttr, value: 'complaint' },
    { key: StageAttr, value: visibility.stage },
    { key: TeamAttr, value: visibility.teamCode },
    { key: DueAtAttr, value: new Date(visibility.dueAt) },
    { key: OverdueAttr, value: visibility.overdue },
    { key: AssigneeAttr, value: visibility.assignee },
  ];
}

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintState> {
  let state = initialComplaintState(input);
  const timing = input.timing;
  const firedTimers = new Set<string>();
  let changes = 0;
  const now = () => new Date(Date.now());

  // ---------- business time ----------
  // Business time comes from a holiday calendar loaded through an activity and pinned in this run; a
  // holiday added later reaches the run as a calendarChanged signal, never through redeployed code.
  // Runs started before this patch keep the bundled table they were timed with, so they replay.
  const pinsCalendar = patched('calendar-from-database');
  // Until the intake below pins the database calendar (before anything is timed), only a withdrawal in the
  // first instant could read business time, and over that instant a calendar of weekends alone agrees.
  let businessCalendar: BusinessCalendar = pinsCalendar
    ? createBusinessCalendar([])
    : legacyBundledCalendar();
  let calendarChangePending = false;
  let lastAssignmentTry = now();
  const context = (): RuleContext => ({ now: now(), calendar: businessCalendar, timing });

  async function pinnedCalendar() {
    const snapshot = await loadCalendarSnapshot({ around: state.receivedAt });
    return { version: snapshot.version, calendar: createBusinessCalendar(snapshot.holidays) };
  }

  /** A holiday was added or removed: every deadline still ahead keeps its remaining working time. */
  async function retime() {
    calendarChangePending = false;
    const before = businessCalendar;
    const pinned = await pinnedCalendar();
    if (pinned.version === state.calendarVersion) return;
    businessCalendar = pinned.calendar;
    await perform(retimed(state, pinned.version, before, context()));
  }

  setHandler(calendarChangedSignal, ({ version }) => {
    if (version <= (state.calendarVersion ?? 0)) return;
    calendarChangePending = true;
    changes += 1;
  });

  // Newer runs follow Temporal's safe-message-handlers pattern: handlers and timers that await take turns
  // (so two Updates never interleave their state changes and mail keys), and mail is started without
  // being awaited, so a staff action answers once its state is recorded even while SMTP is down.
  const byTheBook = patched('serial-handlers-detached-mail');
  let turn: Promise<unknown> = Promise.resolve();
  function serially<T>(fn: () => Promise<T>): Promise<T> {
    if (!byTheBook) return fn();
    const run = turn.then(fn);
    turn = run.catch(() => undefined);
    return run;
  }
  const mailsInFlight: Promise<unknown>[] = [];
  /** Outbox retries make a mail arrive once SMTP is back; nothing waits for it but the workflow's end. */
  function detach(mail: Promise<unknown>): Promise<unknown> {
    if (!byTheBook) return mail;
    mailsInFlight.push(
      mail.catch((error: unknown) => log.warn('A notification could not be sent', { error: String(error) })),
    );
    return Promise.resolve();
  }

  // ---------- effects ----------
  // Which Update (if any) is recording: its audit goes with its first event, whatever else runs meanwhile.
  const updateInProgress = new AsyncLocalStorage<{ audit: ComplaintEventAudit; audited: boolean }>();

  const send = (notification: ComplaintNotification) =>
    detach(sendNotification(notification as NotificationInput));

  /** Takes the step's state and performs its effects in order (each awaited where the original did). */
  async function perform(step: ComplaintStep): Promise<void> {
    state = step.state;
    for (const effect of step.effects) {
      if (effect.kind === 'publish') {
        changes += 1;
        upsertSearchAttributes(searchAttributes(effect.visibility));
      } else if (effect.kind === 'wake') {
        changes += 1;
      } else {
        await performAsync(effect);
      }
    }
  }

  async function performAsync(effect: ComplaintEffect): Promise<void> {
    switch (effect.kind) {
      case 'record': {
        // The first event an Update records carries the Update's audit row (activities/complaint.ts).
        const update = updateInProgress.getStore();
        const audit = update && !update.audited ? update.audit : undefined;
        if (update) update.audited = true;
        await recordComplaintEvent({ ...(audit ? { audit } : {}), ...effect.event, at: now().toISOString() });
        return;
      }
      case 'notify':
        await send(effect.notification);
        return;
      case 'survey-mail': {
        const validFrom = effect.validFrom ? new Date(effect.validFrom) : now();
        await detach(
          sendSurveyMail({
            key: effect.key,
            receiptNo: state.receiptNo,
            kind: effect.mail,
            expiresAt: surveyLinkExpiresAt(businessCalendar, validFrom, timing).toISOString(),
          }),
        );
        return;
      }
      case 'assign':
        await assign(effect.teamCode, effect.round);
        return;
      case 'close':
        await perform(closeComplaint(state, effect.reason, effect.actor, effect.texts, now()));
        return;
      case 'report-outcome':
        await reportOutcome(closedOutcome(state, businessCalendar, effect.withdrawn, now()));
        return;
      case 'publish':
      case 'wake':
        return;
    }
  }

  async function assign(teamCode: string, round: number) {
    let assignment;
    try {
      assignment = await assignHandler({
        receiptNo: state.receiptNo,
        teamCode,
        skill: input.skill,
        excludeEmployeeNos: [],
        at: now().toISOString(),
      });
    } catch (error) {
      if (!isNoHandlerAvailable(error) || !patched('wait-for-available-handler')) throw error;
      if (!isTerminalStage(state.stage)) lastAssignmentTry = now();
      await perform(handlerUnavailable(state, teamCode, round, now()));
      return;
    }
    await perform(handlerAssigned(state, assignment, teamCode, round));
  }

  /**
   * Registers an Update: the rules' check runs in the validator and again when the handler's turn comes
   * (an Update queued behind another may no longer be allowed: reject, never ignore); `lookup` fetches
   * what the rule needs from the database before it applies.
   */
  function onAction(
    update: ComplaintUpdate,
    rule: ActionRule<never, never>,
    lookup?: (args: never) => Promise<unknown>,
  ) {
    const check = (args: SignedActorArgs) => checked(() => rule.check(state, args as never));
    setHandler(
      update,
      (args) =>
        serially(async () => {
          if (byTheBook) check(args);
          const audit = updateAudit(update.name, args.actor);
          return updateInProgress.run({ audit, audited: false }, async () => {
            const input = lookup ? await lookup(args as never) : args;
            await perform(rule.apply(state, input as never, context()));
            return state;
          });
        }),
      {
        validator: (args) => {
          requireSignedActor(args, update.name);
          check(args);
        },
      },
    );
  }

  // Every action of the catalogue; transfer and reassign first look up the team and the new handler.
  const lookups: Partial<Record<ComplaintActionUpdateName, (args: never) => Promise<unknown>>> = {
    transfer: async (args: TransferArgs) => ({
      ...args,
      team: await resolveTeam({ teamCode: args.teamCode }),
    }),
    reassign: async (args: ReassignArgs) => ({
      ...args,
      target: await checkReassignTarget({ employeeNo: args.employeeNo, teamCode: state.teamCode }),
    }),
  };
  for (const name of Object.keys(complaintActionUpdates) as ComplaintActionUpdateName[])
    onAction(complaintActionUpdates[name] as ComplaintUpdate, complaintActions[name], lookups[name]);

  setHandler(complaintStateQuery, () => state);

  /** What the Temporal UI shows as the run's current details: stage, handler and due time, no text. */
  function complaintDetails(): string {
    const handler = state.handler ? `${state.handler.employeeNo} (${state.handler.team})` : 'unassigned';
    return `**${state.stage}** · handler ${handler} · due ${kstMinute(state.dueAt)}`;
  }
  const dueTimer = () =>
    nextTimer(state, { calendar: businessCalendar, timing, fired: firedTimers, lastAssignmentTry });

  // ---------- intake ----------
  let timed: { calendar: BusinessCalendar; timing?: typeof timing } | undefined;
  if (pinsCalendar) {
    const pinned = await pinnedCalendar();
    businessCalendar = pinned.calendar;
    state = { ...state, calendarVersion: pinned.version };
    timed = { calendar: businessCalendar, timing };
  }
  await perform(received(state, input, timed));
  const receiptMail = send(receiptNotice(state));
  // An SMTP outage must not hold up the work itself: newer runs assign while the receipt mail waits.
  if (!patched('assign-while-receipt-mail-waits')) await receiptMail;
  await serially(async () => {
    if (!isTerminalStage(state.stage)) await assign(input.teamCode, 1);
  });

  // ---------- main loop: wake on any change or on the next due timer ----------
  while (!isTerminalStage(state.stage)) {
    if (calendarChangePending) {
      await retime();
      continue;
    }
    const timer = dueTimer();
    const seen = changes;
    setCurrentDetails(complaintDetails());
    const woke = timer
      ? await condition(() => changes !== seen, Math.max(1, timer.at.getTime() - Date.now()), {
          summary: timerSummary(timer.kind, timer.at),
        })
      : await condition(() => changes !== seen).then(() => true);
    if (woke || !timer || isTerminalStage(state.stage)) continue;
    // An Update may have changed what is due (a rating arriving with the survey deadline): fire only a
    // timer that is still due by the current state.
    await serially(async () => {
      const due = dueTimer();
      if (!due || due.at.getTime() > Date.now() || isTerminalStage(state.stage)) return;
      firedTimers.add(due.key);
      await perform(timerFired(state, due));
    });
  }
  await receiptMail;
  await condition(allHandlersFinished);
  await Promise.all(mailsInFlight);
  return state;
}
