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
import { kstMinute, timerSummary } from '../domain/workflow-summaries.ts';
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import type { NotificationInput } from '../data/mail-outbox.ts';
import type { ComplaintEventAudit, ComplaintEventInput } from '../activities/complaint.ts';
import {
  createBusinessCalendar,
  WORKING_DAY_MILLIS,
  type BusinessCalendar,
} from '../domain/business-calendar.ts';
import { legacyBundledCalendar } from '../domain/legacy-bundled-calendar.ts';
import {
  assignmentRetryAt,
  businessDaysLater as businessDaysLaterOn,
  complaintDueAt as complaintDueAtOn,
  complaintRules,
  ComplaintStage,
  directorEscalationAt,
  extendedDueAt as extendedDueAtOn,
  extensionNeedsConsent,
  interimNoticeAt,
  isTerminalStage,
  MAX_EXTENSIONS,
  reminderAt,
  retimedInstant,
  type Actor,
  type ComplaintInput,
  type ComplaintState,
  type ComplaintTiming,
} from '../domain/complaint.ts';
import {
  acceptUpdate,
  addInfoUpdate,
  answerConsultationUpdate,
  calendarChangedSignal,
  closeAsRepeatedUpdate,
  complaintStateQuery,
  consentExtensionUpdate,
  draftAnswerUpdate,
  rateUpdate,
  reassignUpdate,
  reopenUpdate,
  requestConsultationUpdate,
  requestExtensionUpdate,
  requestInfoUpdate,
  resolveInfoTimeoutUpdate,
  reviewUpdate,
  transferUpdate,
  withdrawUpdate,
  type MessageRef,
} from '../domain/complaint-messages.ts';
import {
  describeActor,
  isCitizen,
  isHandler,
  isManagerOf,
  isTeamLeaderOf,
} from '../domain/complaint-policy.ts';
import { ErrorCode } from '../domain/errors.ts';
import type { SignedActorArgs } from '../domain/actor-claim.ts';
import { requireSignedActor } from './signed-actor.ts';
import type { ComplaintClosedOutcome } from '../domain/performance-outcomes.ts';
import {
  AssigneeAttr,
  DueAtAttr,
  OverdueAttr,
  StageAttr,
  TeamAttr,
  WorkKindAttr,
} from '../domain/search-attributes.ts';

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

type TimerKind =
  | 'interim'
  | 'reminder'
  | 'escalate-leader'
  | 'escalate-director'
  | 'info-reminder'
  | 'info-deadline'
  | 'survey-reminder'
  | 'survey-deadline'
  | 'reopen-window-end'
  | 'retry-assignment';

interface DueTimer {
  kind: TimerKind;
  at: Date;
  /** Fires once per key; a new due time (extension, pause) gives new keys. */
  key: string;
}

const isNoHandlerAvailable = (error: unknown) =>
  error instanceof ActivityFailure &&
  error.cause instanceof ApplicationFailure &&
  error.cause.type === ErrorCode.NO_HANDLER_AVAILABLE;

const fail = (type: ErrorCode, message: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true });

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** The audit row of an applied Update: `complaint.accept`, `complaint.citizen.add-info`, `complaint.rated`. */
function updateAudit(updateName: string, actor: Actor | undefined): ComplaintEventAudit {
  const staff = actor?.kind === 'staff';
  const action =
    updateName === 'rate'
      ? 'complaint.rated'
      : staff
        ? `complaint.${kebab(updateName)}`
        : `complaint.citizen.${kebab(updateName)}`;
  return {
    action,
    actor: staff ? (actor.employeeNo ?? 'staff') : (actor?.kind ?? 'unknown'),
    withReason: staff,
  };
}

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintState> {
  const state: ComplaintState = {
    receiptNo: input.receiptNo,
    stage: ComplaintStage.RECEIVED,
    categoryCode: input.categoryCode,
    teamCode: input.teamCode,
    headquartersCode: input.headquartersCode,
    receivedAt: input.receivedAt,
    dueAt: input.dueAt,
    originalDueAt: input.dueAt,
    slaDays: input.slaDays,
    escalationLevel: 0,
    overdue: false,
    extensionCount: 0,
    reviewRounds: 0,
    pausedMillis: 0,
    reopenCount: 0,
    eventSeq: 0,
  };
  const timing = input.timing;
  const firedTimers = new Set<string>();
  let pausedFrom: Date | undefined;
  let changes = 0;
  const now = () => new Date(Date.now());
  const iso = () => now().toISOString();

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
  const complaintDueAt = (receivedAt: Date, slaDays: number, t?: ComplaintTiming) =>
    complaintDueAtOn(businessCalendar, receivedAt, slaDays, t);
  const businessDaysLater = (from: Date, days: number, t?: ComplaintTiming) =>
    businessDaysLaterOn(businessCalendar, from, days, t);
  const extendedDueAt = (dueAt: Date, days: number, t?: ComplaintTiming) =>
    extendedDueAtOn(businessCalendar, dueAt, days, t);
  async function pinnedCalendar(): Promise<BusinessCalendar> {
    const snapshot = await loadCalendarSnapshot({ around: state.receivedAt });
    state.calendarVersion = snapshot.version;
    return createBusinessCalendar(snapshot.holidays);
  }

  /** A holiday was added or removed: every deadline still ahead keeps its remaining working time. */
  async function retime() {
    calendarChangePending = false;
    const before = businessCalendar;
    const previousVersion = state.calendarVersion;
    const after = await pinnedCalendar();
    if (state.calendarVersion === previousVersion) return;
    businessCalendar = after;
    const previousDueAt = state.dueAt;
    if (timing?.testSlaMillis === undefined) {
      const at = now();
      const move = (instant: string) => retimedInstant(before, after, at, new Date(instant)).toISOString();
      state.dueAt = move(state.dueAt);
      state.originalDueAt = move(state.originalDueAt);
      if (state.infoRequest && !state.infoRequest.expired)
        state.infoRequest = { ...state.infoRequest, deadlineAt: move(state.infoRequest.deadlineAt) };
    }
    changed();
    await record('calendar-changed', 'system', {
      calendarVersion: state.calendarVersion,
      previousDueAt,
      dueAt: state.dueAt,
    });
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

  async function record(
    type: string,
    actor: Actor | string,
    detail: Record<string, unknown> = {},
    patch: ComplaintEventInput['patch'] = {},
    texts: MessageRef[] = [],
  ) {
    state.eventSeq += 1;
    // The first event an Update records carries the Update's audit row (activities/complaint.ts).
    const update = updateInProgress.getStore();
    const audit = update && !update.audited ? update.audit : undefined;
    if (update) update.audited = true;
    await recordComplaintEvent({
      ...(audit ? { audit } : {}),
      receiptNo: state.receiptNo,
      eventKey: `${state.eventSeq}:${type}`,
      at: iso(),
      type,
      stage: state.stage,
      actor: typeof actor === 'string' ? actor : describeActor(actor),
      detail,
      ...(texts.length > 0 ? { texts } : {}),
      patch: {
        dueAt: state.dueAt,
        escalationLevel: state.escalationLevel,
        overdue: state.overdue,
        extensionCount: state.extensionCount,
        pendingStep: pendingStep(),
        infoDeadlineAt: state.infoRequest?.deadlineAt ?? null,
        ...patch,
      },
    });
  }

  async function notify(
    name: string,
    to: NotificationInput['to'],
    template: NotificationInput['template'],
    data: Record<string, unknown> = {},
    texts: MessageRef[] = [],
  ) {
    await detach(
      sendNotification({
        key: `${state.receiptNo}:${state.eventSeq}:${name}`,
        to,
        template,
        data: { receiptNo: state.receiptNo, dueAt: state.dueAt, ...data },
        ...(texts.length > 0 ? { texts } : {}),
      } as NotificationInput),
    );
  }
  const citizen = { kind: 'citizen' as const, receiptNo: input.receiptNo };
  const handlerTo = () => ({ kind: 'staff' as const, employeeNo: state.handler!.employeeNo });
  const leaderTo = () => ({ kind: 'team-leader' as const, teamCode: state.teamCode });

  /** The person who owes the next step: the leader while in review, otherwise the handler. */
  function pendingStep(): string | null {
    if (state.awaitingHandler) return 'assign';
    if (state.stage === ComplaintStage.IN_REVIEW) return 'review';
    if (state.pendingConsultation) return 'consultation';
    if (state.stage === ComplaintStage.WAITING_CITIZEN)
      return state.infoRequest?.expired ? 'info-timeout' : null;
    if (state.stage === ComplaintStage.ASSIGNED) return 'accept';
    if (state.stage === ComplaintStage.IN_PROGRESS) return 'answer';
    return null;
  }

  function publishVisibility() {
    const assignee = state.stage === ComplaintStage.IN_REVIEW ? null : (state.handler?.employeeNo ?? null);
    const attributes: SearchAttributeUpdatePair[] = [
      { key: WorkKindAttr, value: 'complaint' },
      { key: StageAttr, value: state.stage },
      { key: TeamAttr, value: state.teamCode },
      { key: DueAtAttr, value: new Date(state.dueAt) },
      { key: OverdueAttr, value: state.overdue },
      { key: AssigneeAttr, value: assignee },
    ];
    upsertSearchAttributes(attributes);
  }

  function changed() {
    changes += 1;
    publishVisibility();
  }

  async function assign(teamCode: string, round: number, exclude: string[] = []) {
    let assignment;
    try {
      assignment = await assignHandler({
        receiptNo: state.receiptNo,
        teamCode,
        skill: input.skill,
        excludeEmployeeNos: exclude,
        at: iso(),
      });
    } catch (error) {
      if (!isNoHandlerAvailable(error) || !patched('wait-for-available-handler')) throw error;
      await waitForHandler(teamCode, round);
      return;
    }
    // The citizen may have withdrawn while the handler was being chosen: a closed case stays closed.
    if (isTerminalStage(state.stage)) return;
    state.awaitingHandler = undefined;
    state.handler = assignment.handler;
    state.stage = ComplaintStage.ASSIGNED;
    changed();
    await record(
      round === 1 ? 'assigned' : 'reassigned',
      'system',
      { handler: assignment.handler, reason: assignment.reason },
      { handlerEmployeeNo: assignment.handler.employeeNo, teamCode },
    );
    await notify('assigned', handlerTo(), 'complaint-assigned', {
      reason: assignment.reason,
      inboxUrl: '/inbox',
    });
  }

  /**
   * Nobody in the team is available: the complaint waits in the team's queue, the team leader is told
   * once, and the main loop tries again (assignmentRetryAt) until someone can take it.
   */
  async function waitForHandler(teamCode: string, round: number) {
    if (isTerminalStage(state.stage)) return;
    lastAssignmentTry = now();
    const first = state.awaitingHandler?.teamCode !== teamCode;
    state.awaitingHandler = {
      teamCode,
      round,
      since: first ? iso() : state.awaitingHandler!.since,
      attempts: (first ? 0 : state.awaitingHandler!.attempts) + 1,
    };
    if (!first) return;
    state.handler = undefined;
    state.stage = ComplaintStage.RECEIVED;
    changed();
    await record('assignment-waiting', 'system', { teamCode }, { handlerEmployeeNo: null });
    await notify('unassigned', { kind: 'team-leader', teamCode }, 'complaint-unassigned', { teamCode });
  }

  async function close(reason: string, actor: Actor | string, texts: MessageRef[] = []) {
    // A rating and the survey deadline can race; the complaint closes once.
    if (isTerminalStage(state.stage)) return;
    state.stage = ComplaintStage.CLOSED;
    state.closedAt = iso();
    changed();
    await record('closed', actor, { reason }, { closedAt: state.closedAt }, texts);
    await reportClosedOutcome(false);
  }

  async function reportClosedOutcome(withdrawn: boolean) {
    const closedAt = new Date(state.closedAt ?? iso());
    // A repeat closed under §23 is answered by its closing notice (citing the earlier answer).
    const answeredAt = state.answeredAt ? new Date(state.answeredAt) : state.repeatOf ? closedAt : undefined;
    const takenUntil = answeredAt ?? closedAt;
    const daysTaken = Math.max(
      0,
      businessCalendar.businessDaysTaken(new Date(state.receivedAt), takenUntil) -
        state.pausedMillis / WORKING_DAY_MILLIS,
    );
    const outcome: ComplaintClosedOutcome = {
      kind: 'complaint-closed',
      outcomeKey: `complaint:${state.receiptNo}`,
      year: Number(businessCalendar.toKstDateString(closedAt).slice(0, 4)),
      occurredAt: closedAt.toISOString(),
      unitCode: state.teamCode,
      employeeNo: state.handler?.employeeNo,
      receiptNo: state.receiptNo,
      categoryCode: state.categoryCode,
      businessDaysTaken: Math.round(daysTaken * 100) / 100,
      slaMet: answeredAt !== undefined && answeredAt.getTime() <= new Date(state.dueAt).getTime(),
      satisfaction: state.rating?.score,
      withdrawn,
      ...(state.repeatOf ? { closedAsRepeated: true } : {}),
    };
    await reportOutcome(outcome);
  }

  // ---------- validation helpers (run in Update validators: reject, never ignore) ----------
  function requireStage(action: string, ...stages: ComplaintStage[]) {
    if (!stages.includes(state.stage)) {
      throw fail(
        ErrorCode.WRONG_STAGE,
        `'${action}' is not allowed in stage '${state.stage}' (allowed: ${stages.join(', ')})`,
      );
    }
  }
  function requireActor(allowed: boolean, who: string) {
    if (!allowed) throw fail(ErrorCode.FORBIDDEN, `Only ${who} may do this`);
  }
  /** The text itself was checked and stored by the API; the Update carries the stored row's id. */
  function requireMessage(messageId: string | undefined, field: string) {
    if (typeof messageId !== 'string' || !/^[1-9][0-9]{0,18}$/.test(messageId)) {
      throw fail(ErrorCode.VALIDATION, `${field} is required (a stored message id)`);
    }
  }
  const ref = (field: string, messageId: string): MessageRef[] => [{ field, messageId }];
  const answering = [
    ComplaintStage.ASSIGNED,
    ComplaintStage.IN_PROGRESS,
    ComplaintStage.WAITING_CITIZEN,
    ComplaintStage.IN_REVIEW,
  ];

  /**
   * Registers an Update whose handler takes its turn; the validator runs again when the turn comes, since
   * an Update queued behind another may no longer be allowed (reject, never ignore).
   */
  function onUpdate<Args extends SignedActorArgs>(
    update: UpdateDefinition<ComplaintState, [Args]>,
    handler: (args: Args) => Promise<ComplaintState>,
    options: { validator: (args: Args) => void },
  ) {
    setHandler(
      update,
      (args: Args) =>
        serially(async () => {
          if (byTheBook) options.validator(args);
          const audit = updateAudit(update.name, (args as { actor?: Actor }).actor);
          return updateInProgress.run({ audit, audited: false }, () => handler(args));
        }),
      {
        validator: (args: Args) => {
          requireSignedActor(args, update.name);
          options.validator(args);
        },
      },
    );
  }

  // ---------- staff actions ----------
  onUpdate(
    acceptUpdate,
    async ({ actor }) => {
      state.stage = ComplaintStage.IN_PROGRESS;
      changed();
      await record('accepted', actor);
      return state;
    },
    {
      validator: ({ actor }) => {
        requireStage('accept', ComplaintStage.ASSIGNED);
        requireActor(isHandler(actor, state), 'the assigned handler');
      },
    },
  );

  onUpdate(
    transferUpdate,
    async ({ actor, teamCode, messageId }) => {
      const team = await resolveTeam({ teamCode });
      const from = state.teamCode;
      state.teamCode = team.teamCode;
      state.headquartersCode = team.headquartersCode;
      state.escalationLevel = 0;
      changed();
      await record(
        'transferred',
        actor,
        { fromTeam: from, toTeam: team.teamCode, messageId },
        { teamCode: team.teamCode },
        ref('reason', messageId),
      );
      await notify('transferred', citizen, 'complaint-transferred', { teamName: team.teamName });
      await assign(team.teamCode, 2);
      return state;
    },
    {
      validator: ({ actor, teamCode, messageId }) => {
        requireStage('transfer', ComplaintStage.ASSIGNED, ComplaintStage.IN_PROGRESS);
        requireActor(
          isHandler(actor, state) || isManagerOf(actor, state),
          'the handler or a manager of the team',
        );
        requireMessage(messageId, 'reason');
        if (teamCode === state.teamCode)
          throw fail(ErrorCode.VALIDATION, 'teamCode is already the responsible team');
      },
    },
  );

  onUpdate(
    draftAnswerUpdate,
    async ({ actor, messageId }) => {
      state.draft = { messageId, by: actor.employeeNo ?? '', at: iso() };
      state.stage = ComplaintStage.IN_REVIEW;
      state.reviewRounds += 1;
      changed();
      await record(
        'answer-drafted',
        actor,
        { round: state.reviewRounds, messageId },
        { draftAnswerMessageId: messageId },
      );
      await notify('review-requested', leaderTo(), 'complaint-review-requested', {
        round: state.reviewRounds,
      });
      return state;
    },
    {
      validator: ({ actor, messageId }) => {
        requireStage('draft-answer', ComplaintStage.IN_PROGRESS);
        requireActor(isHandler(actor, state), 'the assigned handler');
        requireMessage(messageId, 'answer');
      },
    },
  );

  onUpdate(
    reviewUpdate,
    async ({ actor, decision, messageId }) => {
      const opinion = messageId ? ref('opinion', messageId) : [];
      if (decision === 'return') {
        state.stage = ComplaintStage.IN_PROGRESS;
        changed();
        await record('answer-returned', actor, { messageId, round: state.reviewRounds }, {}, opinion);
        await notify('returned', handlerTo(), 'complaint-returned', {}, opinion);
        return state;
      }
      state.answerMessageId = state.draft?.messageId;
      state.answeredAt = iso();
      state.stage = ComplaintStage.AWAITING_RATING;
      changed();
      await record(
        'answer-approved',
        actor,
        { messageId, round: state.reviewRounds },
        { answerMessageId: state.answerMessageId, answeredAt: state.answeredAt },
        opinion,
      );
      await detach(
        sendSurveyMail({
          key: `${state.receiptNo}:${state.eventSeq}:answered`,
          receiptNo: state.receiptNo,
          kind: 'invitation',
          expiresAt: businessDaysLater(
            now(),
            complaintRules.surveyCloseBusinessDays + complaintRules.reopenWindowBusinessDays,
            timing,
          ).toISOString(),
        }),
      );
      return state;
    },
    {
      validator: ({ actor, decision, messageId }) => {
        requireStage('review', ComplaintStage.IN_REVIEW);
        requireActor(isTeamLeaderOf(actor, state.teamCode), `the leader of team ${state.teamCode}`);
        if (decision !== 'approve' && decision !== 'return')
          throw fail(ErrorCode.VALIDATION, "decision must be 'approve' or 'return'");
        if (decision === 'return' || messageId !== undefined) requireMessage(messageId, 'opinion');
      },
    },
  );

  onUpdate(
    requestExtensionUpdate,
    async ({ actor, messageId, days }) => {
      const newDueAt = extendedDueAt(new Date(state.dueAt), days, timing).toISOString();
      if (extensionNeedsConsent(state.extensionCount)) {
        state.pendingExtension = {
          reasonMessageId: messageId,
          days,
          newDueAt,
          requestedBy: actor.employeeNo ?? '',
        };
        changes += 1;
        const reason = ref('reason', messageId);
        await record('extension-consent-requested', actor, { messageId, days, newDueAt }, {}, reason);
        await notify('extension-consent', citizen, 'complaint-extension-consent', { newDueAt }, reason);
        return state;
      }
      await applyExtension(actor, messageId, days, newDueAt);
      return state;
    },
    {
      validator: ({ actor, messageId, days }) => {
        requireStage('request-extension', ComplaintStage.ASSIGNED, ComplaintStage.IN_PROGRESS);
        requireActor(isHandler(actor, state), 'the assigned handler');
        if (state.extensionCount >= MAX_EXTENSIONS) {
          throw fail(ErrorCode.WRONG_STAGE, 'No further extension is allowed');
        }
        if (state.pendingExtension) {
          throw fail(ErrorCode.WRONG_STAGE, "An extension already awaits the citizen's consent");
        }
        requireMessage(messageId, 'reason');
        if (!Number.isInteger(days) || days < 1 || days > state.slaDays) {
          throw fail(
            ErrorCode.VALIDATION,
            `days must be a whole number from 1 to the original period (${state.slaDays})`,
          );
        }
      },
    },
  );

  async function applyExtension(actor: Actor, reasonMessageId: string, days: number, newDueAt: string) {
    const previous = state.dueAt;
    state.dueAt = newDueAt;
    state.extensionCount += 1;
    state.pendingExtension = undefined;
    if (new Date(newDueAt).getTime() > Date.now()) {
      state.overdue = false;
      state.escalationLevel = 0;
    }
    changed();
    const reason = ref('reason', reasonMessageId);
    await record(
      'extended',
      actor,
      { messageId: reasonMessageId, days, previousDueAt: previous, newDueAt },
      {},
      reason,
    );
    await notify('extended', citizen, 'complaint-extended', { newDueAt }, reason);
  }

  onUpdate(
    reassignUpdate,
    async ({ actor, employeeNo, messageId }) => {
      const target = await checkReassignTarget({ employeeNo, teamCode: state.teamCode });
      const previous = state.handler;
      state.handler = target;
      if (state.stage === ComplaintStage.IN_PROGRESS) state.stage = ComplaintStage.ASSIGNED;
      changed();
      await record(
        'reassigned',
        actor,
        { from: previous, to: target, messageId },
        { handlerEmployeeNo: target.employeeNo },
        ref('reason', messageId),
      );
      await notify(
        'reassigned',
        handlerTo(),
        'complaint-assigned',
        { inboxUrl: '/inbox' },
        ref('reason', messageId),
      );
      return state;
    },
    {
      validator: ({ actor, employeeNo, messageId }) => {
        requireStage('reassign', ...answering);
        requireActor(isManagerOf(actor, state), 'a manager of the team (leader, director, admin)');
        requireMessage(messageId, 'reason');
        if (employeeNo === state.handler?.employeeNo)
          throw fail(ErrorCode.VALIDATION, 'employeeNo is already the handler');
      },
    },
  );

  onUpdate(
    requestInfoUpdate,
    async ({ actor, messageId, deadlineDays }) => {
      const deadlineAt = businessDaysLater(now(), deadlineDays, timing).toISOString();
      state.infoRequest = { questionMessageId: messageId, requestedAt: iso(), deadlineAt, expired: false };
      state.stage = ComplaintStage.WAITING_CITIZEN;
      pausedFrom = now();
      changed();
      const question = ref('question', messageId);
      await record('info-requested', actor, { messageId, deadlineAt }, {}, question);
      await notify('info-requested', citizen, 'complaint-info-requested', { deadlineAt }, question);
      return state;
    },
    {
      validator: ({ actor, messageId, deadlineDays }) => {
        requireStage('request-info', ComplaintStage.IN_PROGRESS);
        requireActor(isHandler(actor, state), 'the assigned handler');
        requireMessage(messageId, 'question');
        if (
          !Number.isInteger(deadlineDays) ||
          deadlineDays < 1 ||
          deadlineDays > complaintRules.maxInfoDeadlineDays
        ) {
          throw fail(
            ErrorCode.VALIDATION,
            `deadlineDays must be from 1 to ${complaintRules.maxInfoDeadlineDays}`,
          );
        }
      },
    },
  );

  /** The SLA clock stops while waiting on the citizen: the due time moves by the paused working time. */
  function resumeClock() {
    if (!pausedFrom) return;
    const until = now();
    const paused =
      timing?.testSlaMillis !== undefined
        ? until.getTime() - pausedFrom.getTime()
        : businessCalendar.workingMillisBetween(pausedFrom, until);
    state.pausedMillis += paused;
    state.dueAt =
      timing?.testSlaMillis !== undefined
        ? new Date(new Date(state.dueAt).getTime() + paused).toISOString()
        : businessCalendar.extendForPause(new Date(state.dueAt), pausedFrom, until).toISOString();
    pausedFrom = undefined;
  }

  onUpdate(
    resolveInfoTimeoutUpdate,
    async ({ actor, decision, messageId }) => {
      resumeClock();
      state.infoRequest = undefined;
      if (decision === 'close') {
        await close('info-timeout', actor, ref('reason', messageId));
        return state;
      }
      state.stage = ComplaintStage.IN_PROGRESS;
      changed();
      await record('info-timeout-continued', actor, { messageId }, {}, ref('reason', messageId));
      return state;
    },
    {
      validator: ({ actor, decision, messageId }) => {
        requireStage('resolve-info-timeout', ComplaintStage.WAITING_CITIZEN);
        requireActor(isHandler(actor, state), 'the assigned handler');
        if (!state.infoRequest?.expired)
          throw fail(ErrorCode.WRONG_STAGE, 'The citizen still has time to answer');
        if (decision !== 'continue' && decision !== 'close')
          throw fail(ErrorCode.VALIDATION, "decision must be 'continue' or 'close'");
        requireMessage(messageId, 'reason');
      },
    },
  );

  onUpdate(
    answerConsultationUpdate,
    async ({ actor, messageId }) => {
      state.pendingConsultation = undefined;
      changes += 1;
      const reply = ref('reply', messageId);
      await record('consultation-answered', actor, { messageId }, {}, reply);
      await notify('consultation-answered', citizen, 'complaint-consultation-answered', {}, reply);
      return state;
    },
    {
      validator: ({ actor, messageId }) => {
        if (!state.pendingConsultation) throw fail(ErrorCode.WRONG_STAGE, 'No consultation is pending');
        requireActor(isHandler(actor, state), 'the assigned handler');
        requireMessage(messageId, 'reply');
      },
    },
  );

  onUpdate(
    closeAsRepeatedUpdate,
    async ({ actor, earlierReceiptNo, messageId }) => {
      resumeClock();
      state.infoRequest = undefined;
      state.pendingConsultation = undefined;
      state.draft = undefined;
      state.repeatOf = earlierReceiptNo;
      const reason = ref('reason', messageId);
      await record('closed-as-repeated', actor, { earlierReceiptNo, messageId }, {}, reason);
      await notify(
        'closed-as-repeated',
        citizen,
        'complaint-closed-repeated',
        { earlierReceiptNo, statusUrl: `/my-space?receiptNo=${earlierReceiptNo}` },
        reason,
      );
      await close('repeated', actor);
      return state;
    },
    {
      validator: ({ actor, earlierReceiptNo, messageId }) => {
        requireStage('close-as-repeated', ...answering);
        requireActor(
          isHandler(actor, state) || isTeamLeaderOf(actor, state.teamCode),
          'the assigned handler or the team leader',
        );
        requireMessage(messageId, 'reason');
        if (typeof earlierReceiptNo !== 'string' || !/^MW-[0-9]{4}-[0-9]{7}$/.test(earlierReceiptNo))
          throw fail(ErrorCode.VALIDATION, 'earlierReceiptNo must be a receipt number');
        if (earlierReceiptNo === state.receiptNo)
          throw fail(ErrorCode.VALIDATION, 'earlierReceiptNo must be another complaint');
      },
    },
  );

  // ---------- citizen actions ----------
  onUpdate(
    addInfoUpdate,
    async ({ actor, messageId }) => {
      const wasWaiting = state.stage === ComplaintStage.WAITING_CITIZEN;
      if (wasWaiting) {
        resumeClock();
        state.infoRequest = undefined;
        state.stage = ComplaintStage.IN_PROGRESS;
      }
      changed();
      await record('info-added', actor, { messageId, resumed: wasWaiting }, {}, ref('text', messageId));
      if (state.handler) await notify('info-added', handlerTo(), 'complaint-info-added', {});
      return state;
    },
    {
      validator: ({ actor, messageId }) => {
        requireActor(isCitizen(actor), 'the citizen who filed the complaint');
        requireStage('add-info', ...answering);
        requireMessage(messageId, 'text');
      },
    },
  );

  onUpdate(
    requestConsultationUpdate,
    async ({ actor, messageId }) => {
      state.pendingConsultation = { messageId, requestedAt: iso() };
      changes += 1;
      const message = ref('message', messageId);
      await record('consultation-requested', actor, { messageId }, {}, message);
      await notify('consultation-requested', handlerTo(), 'complaint-consultation-requested', {}, message);
      return state;
    },
    {
      validator: ({ actor, messageId }) => {
        requireActor(isCitizen(actor), 'the citizen who filed the complaint');
        requireStage('request-consultation', ...answering);
        if (!state.handler) throw fail(ErrorCode.WRONG_STAGE, 'No handler is assigned yet');
        if (state.pendingConsultation)
          throw fail(ErrorCode.WRONG_STAGE, 'A consultation request is already pending');
        requireMessage(messageId, 'message');
      },
    },
  );

  onUpdate(
    withdrawUpdate,
    async ({ actor, messageId }) => {
      state.stage = ComplaintStage.WITHDRAWN;
      state.closedAt = iso();
      changed();
      const reason = messageId ? ref('reason', messageId) : [];
      await record('withdrawn', actor, { messageId }, { closedAt: state.closedAt }, reason);
      if (state.handler)
        await notify('withdrawn', handlerTo(), 'complaint-withdrawn', { reason: '' }, reason);
      await reportClosedOutcome(true);
      return state;
    },
    {
      validator: ({ actor, messageId }) => {
        requireActor(isCitizen(actor), 'the citizen who filed the complaint');
        requireStage('withdraw', ComplaintStage.RECEIVED, ...answering);
        if (messageId !== undefined) requireMessage(messageId, 'reason');
      },
    },
  );

  onUpdate(
    consentExtensionUpdate,
    async ({ actor, consent }) => {
      const pending = state.pendingExtension!;
      if (consent) {
        await applyExtension(actor, pending.reasonMessageId, pending.days, pending.newDueAt);
      } else {
        state.pendingExtension = undefined;
        changes += 1;
        await record(
          'extension-refused',
          actor,
          { messageId: pending.reasonMessageId },
          {},
          ref('reason', pending.reasonMessageId),
        );
        await notify('extension-refused', handlerTo(), 'complaint-extension-refused', {});
      }
      return state;
    },
    {
      validator: ({ actor }) => {
        requireActor(isCitizen(actor), 'the citizen who filed the complaint');
        if (!state.pendingExtension) throw fail(ErrorCode.WRONG_STAGE, 'No extension awaits consent');
      },
    },
  );

  onUpdate(
    rateUpdate,
    async ({ actor, score, messageId }) => {
      state.rating = { score, commentMessageId: messageId, at: iso() };
      changes += 1;
      await record(
        'rated',
        actor,
        { score, messageId },
        { satisfaction: score, satisfactionCommentMessageId: messageId ?? null },
        messageId ? ref('comment', messageId) : [],
      );
      if (score > complaintRules.dissatisfiedAtOrBelow) await close('rated', 'citizen');
      return state;
    },
    {
      validator: ({ actor, score, messageId }) => {
        requireActor(isCitizen(actor), 'the citizen who filed the complaint');
        requireStage('rate', ComplaintStage.AWAITING_RATING);
        if (messageId !== undefined) requireMessage(messageId, 'comment');
        if (state.rating) throw fail(ErrorCode.WRONG_STAGE, 'This answer has already been rated');
        if (!Number.isInteger(score) || score < 1 || score > 5)
          throw fail(ErrorCode.VALIDATION, 'score must be 1 to 5');
      },
    },
  );

  onUpdate(
    reopenUpdate,
    async ({ actor, messageId }) => {
      state.reopenCount += 1;
      state.rating = undefined;
      state.answerMessageId = undefined;
      state.answeredAt = undefined;
      state.draft = undefined;
      state.stage = ComplaintStage.IN_PROGRESS;
      state.dueAt = complaintDueAt(now(), state.slaDays, timing).toISOString();
      state.overdue = false;
      state.escalationLevel = 0;
      changed();
      await record(
        'reopened',
        actor,
        { messageId, reopenCount: state.reopenCount },
        { satisfaction: null, satisfactionCommentMessageId: null },
        ref('reason', messageId),
      );
      await notify('reopened', handlerTo(), 'complaint-reopened', {}, ref('reason', messageId));
      return state;
    },
    {
      validator: ({ actor, messageId }) => {
        requireActor(isCitizen(actor), 'the citizen who filed the complaint');
        requireStage('reopen', ComplaintStage.AWAITING_RATING);
        if (!state.rating || state.rating.score > complaintRules.dissatisfiedAtOrBelow) {
          throw fail(
            ErrorCode.WRONG_STAGE,
            'Only a dissatisfied rating (1-2) can be followed by a reopen request',
          );
        }
        requireMessage(messageId, 'reason');
      },
    },
  );

  setHandler(complaintStateQuery, () => state);

  /** What the Temporal UI shows as the run's current details: stage, handler and due time, no text. */
  function complaintDetails(): string {
    const handler = state.handler ? `${state.handler.employeeNo} (${state.handler.team})` : 'unassigned';
    return `**${state.stage}** · handler ${handler} · due ${kstMinute(state.dueAt)}`;
  }

  // ---------- timers ----------
  function nextTimer(): DueTimer | undefined {
    const due = new Date(state.dueAt);
    const candidates: DueTimer[] = [];
    const add = (kind: TimerKind, at: Date | undefined, key: string) => {
      if (at && !firedTimers.has(key)) candidates.push({ kind, at, key });
    };
    const slaRunningStages: ComplaintStage[] = [
      ComplaintStage.ASSIGNED,
      ComplaintStage.IN_PROGRESS,
      ComplaintStage.IN_REVIEW,
    ];
    const slaRunning = slaRunningStages.includes(state.stage);
    if (state.awaitingHandler) {
      add(
        'retry-assignment',
        assignmentRetryAt(lastAssignmentTry, timing),
        `retry-assignment#${state.awaitingHandler.attempts}`,
      );
    }
    if (slaRunning) {
      add(
        'interim',
        interimNoticeAt(
          businessCalendar,
          new Date(state.receivedAt),
          new Date(state.originalDueAt),
          state.slaDays,
          timing,
        ),
        'interim',
      );
      add('reminder', reminderAt(businessCalendar, due, state.slaDays, timing), `reminder@${state.dueAt}`);
      add('escalate-leader', due, `escalate-leader@${state.dueAt}`);
      add(
        'escalate-director',
        directorEscalationAt(businessCalendar, due, timing),
        `escalate-director@${state.dueAt}`,
      );
    }
    if (state.stage === ComplaintStage.WAITING_CITIZEN && state.infoRequest && !state.infoRequest.expired) {
      const deadline = new Date(state.infoRequest.deadlineAt);
      add(
        'info-reminder',
        new Date(
          deadline.getTime() - (deadline.getTime() - new Date(state.infoRequest.requestedAt).getTime()) / 4,
        ),
        `info-reminder@${state.infoRequest.deadlineAt}`,
      );
      add('info-deadline', deadline, `info-deadline@${state.infoRequest.deadlineAt}`);
    }
    if (state.stage === ComplaintStage.AWAITING_RATING && state.answeredAt) {
      const answeredAt = new Date(state.answeredAt);
      if (!state.rating) {
        add(
          'survey-reminder',
          businessDaysLater(answeredAt, complaintRules.surveyReminderBusinessDays, timing),
          `survey-reminder@${state.answeredAt}`,
        );
        add(
          'survey-deadline',
          businessDaysLater(answeredAt, complaintRules.surveyCloseBusinessDays, timing),
          `survey-deadline@${state.answeredAt}`,
        );
      } else {
        add(
          'reopen-window-end',
          businessDaysLater(new Date(state.rating.at), complaintRules.reopenWindowBusinessDays, timing),
          `reopen-window@${state.rating.at}`,
        );
      }
    }
    return candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  }

  async function fire(timer: DueTimer) {
    firedTimers.add(timer.key);
    switch (timer.kind) {
      case 'interim':
        await record('interim-notice', 'system');
        await notify('interim', citizen, 'complaint-interim', {});
        return;
      case 'reminder':
        await record('reminder-sent', 'system', { to: state.handler?.employeeNo });
        await notify('reminder', handlerTo(), 'complaint-reminder', {});
        return;
      case 'escalate-leader':
        state.overdue = true;
        state.escalationLevel = 1;
        changed();
        await record('escalated', 'system', { level: 'team-leader', teamCode: state.teamCode });
        await notify('escalated-leader', leaderTo(), 'complaint-escalated', { level: 'team-leader' });
        return;
      case 'escalate-director':
        state.escalationLevel = 2;
        changed();
        await record('escalated', 'system', { level: 'director', headquartersCode: state.headquartersCode });
        if (state.headquartersCode) {
          await notify(
            'escalated-director',
            { kind: 'director', headquartersCode: state.headquartersCode },
            'complaint-escalated',
            { level: 'director' },
          );
        }
        return;
      case 'info-reminder':
        await record('info-reminder-sent', 'system');
        await notify('info-reminder', citizen, 'complaint-info-reminder', {
          deadlineAt: state.infoRequest?.deadlineAt,
        });
        return;
      case 'info-deadline':
        state.infoRequest = state.infoRequest && { ...state.infoRequest, expired: true };
        changed();
        await record('info-deadline-passed', 'system');
        await notify('info-deadline', handlerTo(), 'complaint-info-deadline', {});
        return;
      case 'survey-reminder':
        await record('survey-reminder-sent', 'system');
        await detach(
          sendSurveyMail({
            key: `${state.receiptNo}:${state.eventSeq}:survey-reminder`,
            receiptNo: state.receiptNo,
            kind: 'reminder',
            expiresAt: businessDaysLater(
              new Date(state.answeredAt!),
              complaintRules.surveyCloseBusinessDays + complaintRules.reopenWindowBusinessDays,
              timing,
            ).toISOString(),
          }),
        );
        return;
      case 'survey-deadline':
        await close('survey deadline passed without a rating', 'system');
        return;
      case 'reopen-window-end':
        await close('reopen window ended', 'system');
        return;
      case 'retry-assignment':
        await assign(state.awaitingHandler!.teamCode, state.awaitingHandler!.round);
        return;
    }
  }

  // ---------- intake ----------
  if (pinsCalendar) {
    businessCalendar = await pinnedCalendar();
    state.dueAt = complaintDueAt(new Date(state.receivedAt), state.slaDays, timing).toISOString();
    state.originalDueAt = state.dueAt;
  }
  publishVisibility();
  await record('received', 'citizen', {
    categoryCode: input.categoryCode,
    teamCode: input.teamCode,
    dueAt: input.dueAt,
  });
  const receiptMail = notify('received', citizen, 'complaint-received', {
    accessHint: '접수 시 안내된 확인코드로 조회할 수 있습니다. (Use the access code shown at filing.)',
    statusUrl: `/my-space?receiptNo=${input.receiptNo}`,
  });
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
    const timer = nextTimer();
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
      const due = nextTimer();
      if (due && due.at.getTime() <= Date.now() && !isTerminalStage(state.stage)) await fire(due);
    });
  }
  await receiptMail;
  await condition(allHandlersFinished);
  await Promise.all(mailsInFlight);
  return state;
}
