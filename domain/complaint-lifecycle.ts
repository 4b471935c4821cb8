/**
 * The complaint's own course, as pure steps: intake, assignment, closing and its outcome, the deadlines
 * it keeps (which timer is next and what it does when it fires) and re-timing after a calendar change.
 * The actions people take are in complaint-rules.ts; the workflow wires both to Temporal.
 */
import { WORKING_DAY_MILLIS, type BusinessCalendar } from './business-calendar.ts';
import {
  assignmentRetryAt,
  businessDaysLater,
  complaintDueAt,
  complaintRules,
  ComplaintStage,
  directorEscalationAt,
  interimNoticeAt,
  isTerminalStage,
  reminderAt,
  retimedInstant,
  type Actor,
  type Assignment,
  type ComplaintInput,
  type ComplaintState,
  type ComplaintTiming,
} from './complaint.ts';
import type { MessageRef } from './complaint-messages.ts';
import {
  draft,
  type ComplaintEventAudit,
  type ComplaintNotification,
  type ComplaintStep,
} from './complaint-steps.ts';
import type { RuleContext } from './complaint-rules.ts';
import type { ComplaintClosedOutcome } from './performance-outcomes.ts';

export function initialComplaintState(input: ComplaintInput): ComplaintState {
  return {
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
}

/**
 * The complaint received: timed by the run's pinned calendar (runs from before the database calendar
 * keep the due time the API gave them), published and recorded.
 */
export function received(
  state: ComplaintState,
  input: ComplaintInput,
  timed: { calendar: BusinessCalendar; timing?: ComplaintTiming } | undefined,
): ComplaintStep {
  const d = draft(state);
  if (timed) {
    d.state.dueAt = complaintDueAt(
      timed.calendar,
      new Date(d.state.receivedAt),
      d.state.slaDays,
      timed.timing,
    ).toISOString();
    d.state.originalDueAt = d.state.dueAt;
  }
  d.changed();
  d.record('received', 'citizen', {
    categoryCode: input.categoryCode,
    teamCode: input.teamCode,
    dueAt: input.dueAt,
  });
  return d.done();
}

/** The citizen's receipt mail, with the way back to the case. */
export function receiptNotice(state: ComplaintState): ComplaintNotification {
  const d = draft(state);
  d.notify('received', d.citizen, 'complaint-received', {
    accessHint: '접수 시 안내된 확인코드로 조회할 수 있습니다. (Use the access code shown at filing.)',
    statusUrl: `/my-space?receiptNo=${state.receiptNo}`,
  });
  const [effect] = d.effects;
  if (effect?.kind !== 'notify') throw new Error('receipt notice: no notification');
  return effect.notification;
}

/** A handler was chosen; a case the citizen withdrew meanwhile stays closed. */
export function handlerAssigned(
  state: ComplaintState,
  assignment: Assignment,
  teamCode: string,
  round: number,
): ComplaintStep {
  const d = draft(state);
  if (isTerminalStage(d.state.stage)) return d.done();
  d.state.awaitingHandler = undefined;
  d.state.handler = assignment.handler;
  d.state.stage = ComplaintStage.ASSIGNED;
  d.changed();
  d.record(
    round === 1 ? 'assigned' : 'reassigned',
    'system',
    { handler: assignment.handler, reason: assignment.reason },
    { handlerEmployeeNo: assignment.handler.employeeNo, teamCode },
  );
  d.notify('assigned', d.handlerTo(), 'complaint-assigned', {
    reason: assignment.reason,
    inboxUrl: '/inbox',
  });
  return d.done();
}

/**
 * Nobody in the team is available: the complaint waits in the team's queue, the team leader is told
 * once, and the retry timer tries again until someone can take it.
 */
export function handlerUnavailable(
  state: ComplaintState,
  teamCode: string,
  round: number,
  now: Date,
): ComplaintStep {
  const d = draft(state);
  const s = d.state;
  if (isTerminalStage(s.stage)) return d.done();
  const first = s.awaitingHandler?.teamCode !== teamCode;
  s.awaitingHandler = {
    teamCode,
    round,
    since: first ? now.toISOString() : s.awaitingHandler!.since,
    attempts: (first ? 0 : s.awaitingHandler!.attempts) + 1,
  };
  if (!first) return d.done();
  s.handler = undefined;
  s.stage = ComplaintStage.RECEIVED;
  d.changed();
  d.record('assignment-waiting', 'system', { teamCode }, { handlerEmployeeNo: null });
  d.notify('unassigned', { kind: 'team-leader', teamCode }, 'complaint-unassigned', { teamCode });
  return d.done();
}

/** Closes the complaint once (a rating and the survey deadline can race). */
export function closeComplaint(
  state: ComplaintState,
  reason: string,
  actor: Actor | string,
  texts: MessageRef[],
  now: Date,
): ComplaintStep {
  const d = draft(state);
  if (isTerminalStage(d.state.stage)) return d.done();
  d.state.stage = ComplaintStage.CLOSED;
  d.state.closedAt = now.toISOString();
  d.changed();
  d.record('closed', actor, { reason }, { closedAt: d.state.closedAt }, texts);
  d.then({ kind: 'report-outcome', withdrawn: false });
  return d.done();
}

/** What a closed complaint contributes to its team's and handler's performance. */
export function closedOutcome(
  state: ComplaintState,
  calendar: BusinessCalendar,
  withdrawn: boolean,
  now: Date,
): ComplaintClosedOutcome {
  const closedAt = state.closedAt ? new Date(state.closedAt) : now;
  // A repeat closed under §23 is answered by its closing notice (citing the earlier answer).
  const answeredAt = state.answeredAt ? new Date(state.answeredAt) : state.repeatOf ? closedAt : undefined;
  const daysTaken = Math.max(
    0,
    calendar.businessDaysTaken(new Date(state.receivedAt), answeredAt ?? closedAt) -
      state.pausedMillis / WORKING_DAY_MILLIS,
  );
  return {
    kind: 'complaint-closed',
    outcomeKey: `complaint:${state.receiptNo}`,
    year: Number(calendar.toKstDateString(closedAt).slice(0, 4)),
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
}

export type TimerKind =
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

export interface DueTimer {
  kind: TimerKind;
  at: Date;
  /** Fires once per key; a new due time (extension, pause) gives new keys. */
  key: string;
}

export interface TimerContext {
  calendar: BusinessCalendar;
  timing?: ComplaintTiming;
  /** Keys of the timers that have fired in this run. */
  fired: ReadonlySet<string>;
  /** When assignment was last tried (the retry counts from it). */
  lastAssignmentTry: Date;
}

const slaRunningStages: ComplaintStage[] = [
  ComplaintStage.ASSIGNED,
  ComplaintStage.IN_PROGRESS,
  ComplaintStage.IN_REVIEW,
];

/** The earliest deadline the complaint still keeps in its current state, if any. */
export function nextTimer(
  state: ComplaintState,
  { calendar, timing, fired, lastAssignmentTry }: TimerContext,
): DueTimer | undefined {
  const due = new Date(state.dueAt);
  const candidates: DueTimer[] = [];
  const add = (kind: TimerKind, at: Date | undefined, key: string) => {
    if (at && !fired.has(key)) candidates.push({ kind, at, key });
  };
  if (state.awaitingHandler) {
    add(
      'retry-assignment',
      assignmentRetryAt(lastAssignmentTry, timing),
      `retry-assignment#${state.awaitingHandler.attempts}`,
    );
  }
  if (slaRunningStages.includes(state.stage)) {
    const interim = interimNoticeAt(
      calendar,
      new Date(state.receivedAt),
      new Date(state.originalDueAt),
      state.slaDays,
      timing,
    );
    add('interim', interim, 'interim');
    add('reminder', reminderAt(calendar, due, state.slaDays, timing), `reminder@${state.dueAt}`);
    add('escalate-leader', due, `escalate-leader@${state.dueAt}`);
    add('escalate-director', directorEscalationAt(calendar, due, timing), `escalate-director@${state.dueAt}`);
  }
  const info = state.infoRequest;
  if (state.stage === ComplaintStage.WAITING_CITIZEN && info && !info.expired) {
    const deadline = new Date(info.deadlineAt);
    const quarter = (deadline.getTime() - new Date(info.requestedAt).getTime()) / 4;
    add('info-reminder', new Date(deadline.getTime() - quarter), `info-reminder@${info.deadlineAt}`);
    add('info-deadline', deadline, `info-deadline@${info.deadlineAt}`);
  }
  if (state.stage === ComplaintStage.AWAITING_RATING && state.answeredAt) {
    const answeredAt = new Date(state.answeredAt);
    if (!state.rating) {
      const after = (days: number) => businessDaysLater(calendar, answeredAt, days, timing);
      add(
        'survey-reminder',
        after(complaintRules.surveyReminderBusinessDays),
        `survey-reminder@${state.answeredAt}`,
      );
      add(
        'survey-deadline',
        after(complaintRules.surveyCloseBusinessDays),
        `survey-deadline@${state.answeredAt}`,
      );
    } else {
      const windowEnd = businessDaysLater(
        calendar,
        new Date(state.rating.at),
        complaintRules.reopenWindowBusinessDays,
        timing,
      );
      add('reopen-window-end', windowEnd, `reopen-window@${state.rating.at}`);
    }
  }
  return candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
}

/** What a deadline does when it comes. */
export function timerFired(state: ComplaintState, timer: DueTimer): ComplaintStep {
  const d = draft(state);
  const s = d.state;
  switch (timer.kind) {
    case 'interim':
      d.record('interim-notice', 'system');
      d.notify('interim', d.citizen, 'complaint-interim', {});
      break;
    case 'reminder':
      d.record('reminder-sent', 'system', { to: s.handler?.employeeNo });
      d.notify('reminder', d.handlerTo(), 'complaint-reminder', {});
      break;
    case 'escalate-leader':
      s.overdue = true;
      s.escalationLevel = 1;
      d.changed();
      d.record('escalated', 'system', { level: 'team-leader', teamCode: s.teamCode });
      d.notify('escalated-leader', d.leaderTo(), 'complaint-escalated', { level: 'team-leader' });
      break;
    case 'escalate-director':
      s.escalationLevel = 2;
      d.changed();
      d.record('escalated', 'system', { level: 'director', headquartersCode: s.headquartersCode });
      if (s.headquartersCode) {
        const director = { kind: 'director' as const, headquartersCode: s.headquartersCode };
        d.notify('escalated-director', director, 'complaint-escalated', { level: 'director' });
      }
      break;
    case 'info-reminder':
      d.record('info-reminder-sent', 'system');
      d.notify('info-reminder', d.citizen, 'complaint-info-reminder', {
        deadlineAt: s.infoRequest?.deadlineAt,
      });
      break;
    case 'info-deadline':
      s.infoRequest = s.infoRequest && { ...s.infoRequest, expired: true };
      d.changed();
      d.record('info-deadline-passed', 'system');
      d.notify('info-deadline', d.handlerTo(), 'complaint-info-deadline', {});
      break;
    case 'survey-reminder':
      d.record('survey-reminder-sent', 'system');
      d.surveyMail('survey-reminder', 'reminder', s.answeredAt);
      break;
    case 'survey-deadline':
      d.then({
        kind: 'close',
        reason: 'survey deadline passed without a rating',
        actor: 'system',
        texts: [],
      });
      break;
    case 'reopen-window-end':
      d.then({ kind: 'close', reason: 'reopen window ended', actor: 'system', texts: [] });
      break;
    case 'retry-assignment':
      d.then({ kind: 'assign', teamCode: s.awaitingHandler!.teamCode, round: s.awaitingHandler!.round });
      break;
  }
  return d.done();
}

/**
 * A holiday was added or removed (the run has pinned the calendar of `version`): every deadline still
 * ahead keeps its remaining working time. Test timing is not business time and stays as it is.
 */
export function retimed(
  state: ComplaintState,
  version: number,
  before: BusinessCalendar,
  { now, calendar: after, timing }: RuleContext,
): ComplaintStep {
  const d = draft(state);
  const s = d.state;
  s.calendarVersion = version;
  const previousDueAt = s.dueAt;
  if (timing?.testSlaMillis === undefined) {
    const move = (instant: string) => retimedInstant(before, after, now, new Date(instant)).toISOString();
    s.dueAt = move(s.dueAt);
    s.originalDueAt = move(s.originalDueAt);
    if (s.infoRequest && !s.infoRequest.expired)
      s.infoRequest = { ...s.infoRequest, deadlineAt: move(s.infoRequest.deadlineAt) };
  }
  d.changed();
  d.record('calendar-changed', 'system', { calendarVersion: version, previousDueAt, dueAt: s.dueAt });
  return d.done();
}

/** How long a survey link stays valid: through the survey and the reopen windows. */
export function surveyLinkExpiresAt(
  calendar: BusinessCalendar,
  validFrom: Date,
  timing?: ComplaintTiming,
): Date {
  const days = complaintRules.surveyCloseBusinessDays + complaintRules.reopenWindowBusinessDays;
  return businessDaysLater(calendar, validFrom, days, timing);
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** The audit row of an applied Update: `complaint.accept`, `complaint.citizen.add-info`, `complaint.rated`. */
export function updateAudit(updateName: string, actor: Actor | undefined): ComplaintEventAudit {
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
