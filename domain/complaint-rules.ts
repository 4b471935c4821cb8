/**
 * What each action on a complaint may do, in which stage and by whom (`check`), and what it changes and
 * causes (`apply`). Pure: the workflow (workflows/complaint.ts) runs `check` in the Update's validator
 * and again when the Update's turn comes, then `apply`, then performs the effects.
 */
import type { ComplaintActionUpdateName } from '../contracts/complaint-actions.ts';
import type { BusinessCalendar } from './business-calendar.ts';
import {
  businessDaysLater,
  complaintDueAt,
  complaintRules,
  ComplaintStage,
  extendedDueAt,
  extensionNeedsConsent,
  MAX_EXTENSIONS,
  type Actor,
  type ComplaintState,
  type ComplaintTiming,
  type StaffRef,
} from './complaint.ts';
import type {
  AcceptArgs,
  AddInfoArgs,
  AnswerConsultationArgs,
  CloseAsRepeatedArgs,
  ConsentExtensionArgs,
  DraftAnswerArgs,
  RateArgs,
  ReassignArgs,
  ReopenArgs,
  RequestConsultationArgs,
  RequestExtensionArgs,
  RequestInfoArgs,
  ResolveInfoTimeoutArgs,
  ReviewArgs,
  TransferArgs,
  WithdrawArgs,
} from './complaint-messages.ts';
import { isCitizen, isHandler, isManagerOf, isTeamLeaderOf } from './complaint-policy.ts';
import { draft, ref, type ComplaintDraft, type ComplaintStep } from './complaint-steps.ts';
import { ErrorCode } from './errors.ts';
import { isReceiptNo } from './receipt-number.ts';

/** The time and calendar a step runs on: the workflow's clock and the calendar pinned in the run. */
export interface RuleContext {
  now: Date;
  calendar: BusinessCalendar;
  timing?: ComplaintTiming;
}

/** An action refused: the Update is rejected with this code and message (never silently ignored). */
export class ComplaintRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ComplaintRefusal';
  }
}
const refuse = (code: ErrorCode, message: string): never => {
  throw new ComplaintRefusal(code, message);
};

function requireStage(state: ComplaintState, action: string, ...stages: ComplaintStage[]) {
  if (!stages.includes(state.stage))
    refuse(
      ErrorCode.WRONG_STAGE,
      `'${action}' is not allowed in stage '${state.stage}' (allowed: ${stages.join(', ')})`,
    );
}
function requireActor(allowed: boolean, who: string) {
  if (!allowed) refuse(ErrorCode.FORBIDDEN, `Only ${who} may do this`);
}
/** The text itself was checked and stored by the API; the Update carries the stored row's id. */
function requireMessage(messageId: string | undefined, field: string) {
  if (typeof messageId !== 'string' || !/^[1-9][0-9]{0,18}$/.test(messageId))
    refuse(ErrorCode.VALIDATION, `${field} is required (a stored message id)`);
}
const answering = [
  ComplaintStage.ASSIGNED,
  ComplaintStage.IN_PROGRESS,
  ComplaintStage.WAITING_CITIZEN,
  ComplaintStage.IN_REVIEW,
];
const theCitizen = 'the citizen who filed the complaint';
const theHandler = 'the assigned handler';

/** The SLA clock stops while waiting on the citizen: the due time moves by the paused working time. */
function resumeClock(d: ComplaintDraft, { now, calendar, timing }: RuleContext) {
  const s = d.state;
  if (!s.infoRequest) return;
  const pausedFrom = new Date(s.infoRequest.requestedAt);
  const testing = timing?.testSlaMillis !== undefined;
  const paused = testing
    ? now.getTime() - pausedFrom.getTime()
    : calendar.workingMillisBetween(pausedFrom, now);
  s.pausedMillis += paused;
  s.dueAt = testing
    ? new Date(new Date(s.dueAt).getTime() + paused).toISOString()
    : calendar.extendForPause(new Date(s.dueAt), pausedFrom, now).toISOString();
}

function applyExtension(
  d: ComplaintDraft,
  now: Date,
  actor: Actor,
  reasonMessageId: string,
  days: number,
  newDueAt: string,
) {
  const s = d.state;
  const previousDueAt = s.dueAt;
  s.dueAt = newDueAt;
  s.extensionCount += 1;
  s.pendingExtension = undefined;
  if (new Date(newDueAt).getTime() > now.getTime()) {
    s.overdue = false;
    s.escalationLevel = 0;
  }
  d.changed();
  const reason = ref('reason', reasonMessageId);
  d.record('extended', actor, { messageId: reasonMessageId, days, previousDueAt, newDueAt }, {}, reason);
  d.notify('extended', d.citizen, 'complaint-extended', { newDueAt }, reason);
}

/** A team found for a transfer, and the staff member found for a reassignment (looked up by activities). */
export interface ResolvedTeam {
  teamCode: string;
  headquartersCode: string | null;
  teamName: string;
}

export interface ActionRule<Args, Input = Args> {
  check(state: ComplaintState, args: Args): void;
  apply(state: ComplaintState, input: Input, context: RuleContext): ComplaintStep;
}
const rule = <Args, Input = Args>(r: ActionRule<Args, Input>) => r;

/** The rule of every Update an action of the catalogue becomes (contracts/complaint-actions.ts), by its name. */
export const complaintActions = {
  accept: rule<AcceptArgs>({
    check(state, { actor }) {
      requireStage(state, 'accept', ComplaintStage.ASSIGNED);
      requireActor(isHandler(actor, state), theHandler);
    },
    apply(state, { actor }) {
      const d = draft(state);
      d.state.stage = ComplaintStage.IN_PROGRESS;
      d.changed();
      d.record('accepted', actor);
      return d.done();
    },
  }),

  transfer: rule<TransferArgs, TransferArgs & { team: ResolvedTeam }>({
    check(state, { actor, teamCode, messageId }) {
      requireStage(state, 'transfer', ComplaintStage.ASSIGNED, ComplaintStage.IN_PROGRESS);
      requireActor(
        isHandler(actor, state) || isManagerOf(actor, state),
        'the handler or a manager of the team',
      );
      requireMessage(messageId, 'reason');
      if (teamCode === state.teamCode)
        refuse(ErrorCode.VALIDATION, 'teamCode is already the responsible team');
    },
    apply(state, { actor, messageId, team }) {
      const d = draft(state);
      const fromTeam = d.state.teamCode;
      d.state.teamCode = team.teamCode;
      d.state.headquartersCode = team.headquartersCode;
      d.state.escalationLevel = 0;
      d.changed();
      d.record(
        'transferred',
        actor,
        { fromTeam, toTeam: team.teamCode, messageId },
        { teamCode: team.teamCode },
        ref('reason', messageId),
      );
      d.notify('transferred', d.citizen, 'complaint-transferred', { teamName: team.teamName });
      d.then({ kind: 'assign', teamCode: team.teamCode, round: 2 });
      return d.done();
    },
  }),

  draftAnswer: rule<DraftAnswerArgs>({
    check(state, { actor, messageId }) {
      requireStage(state, 'draft-answer', ComplaintStage.IN_PROGRESS);
      requireActor(isHandler(actor, state), theHandler);
      requireMessage(messageId, 'answer');
    },
    apply(state, { actor, messageId }, { now }) {
      const d = draft(state);
      const s = d.state;
      s.draft = { messageId, by: actor.employeeNo ?? '', at: now.toISOString() };
      s.stage = ComplaintStage.IN_REVIEW;
      s.reviewRounds += 1;
      d.changed();
      d.record(
        'answer-drafted',
        actor,
        { round: s.reviewRounds, messageId },
        { draftAnswerMessageId: messageId },
      );
      d.notify('review-requested', d.leaderTo(), 'complaint-review-requested', { round: s.reviewRounds });
      return d.done();
    },
  }),

  review: rule<ReviewArgs>({
    check(state, { actor, decision, messageId }) {
      requireStage(state, 'review', ComplaintStage.IN_REVIEW);
      requireActor(isTeamLeaderOf(actor, state.teamCode), `the leader of team ${state.teamCode}`);
      if (decision !== 'approve' && decision !== 'return')
        refuse(ErrorCode.VALIDATION, "decision must be 'approve' or 'return'");
      if (decision === 'return' || messageId !== undefined) requireMessage(messageId, 'opinion');
    },
    apply(state, { actor, decision, messageId }, { now }) {
      const d = draft(state);
      const s = d.state;
      const opinion = messageId ? ref('opinion', messageId) : [];
      if (decision === 'return') {
        s.stage = ComplaintStage.IN_PROGRESS;
        d.changed();
        d.record('answer-returned', actor, { messageId, round: s.reviewRounds }, {}, opinion);
        d.notify('returned', d.handlerTo(), 'complaint-returned', {}, opinion);
        return d.done();
      }
      s.answerMessageId = s.draft?.messageId;
      s.answeredAt = now.toISOString();
      s.stage = ComplaintStage.AWAITING_RATING;
      d.changed();
      d.record(
        'answer-approved',
        actor,
        { messageId, round: s.reviewRounds },
        { answerMessageId: s.answerMessageId, answeredAt: s.answeredAt },
        opinion,
      );
      d.surveyMail('answered', 'invitation');
      return d.done();
    },
  }),

  requestExtension: rule<RequestExtensionArgs>({
    check(state, { actor, messageId, days }) {
      requireStage(state, 'request-extension', ComplaintStage.ASSIGNED, ComplaintStage.IN_PROGRESS);
      requireActor(isHandler(actor, state), theHandler);
      if (state.extensionCount >= MAX_EXTENSIONS)
        refuse(ErrorCode.WRONG_STAGE, 'No further extension is allowed');
      if (state.pendingExtension)
        refuse(ErrorCode.WRONG_STAGE, "An extension already awaits the citizen's consent");
      requireMessage(messageId, 'reason');
      if (!Number.isInteger(days) || days < 1 || days > state.slaDays)
        refuse(
          ErrorCode.VALIDATION,
          `days must be a whole number from 1 to the original period (${state.slaDays})`,
        );
    },
    apply(state, { actor, messageId, days }, { now, calendar, timing }) {
      const d = draft(state);
      const s = d.state;
      const newDueAt = extendedDueAt(calendar, new Date(s.dueAt), days, timing).toISOString();
      if (!extensionNeedsConsent(s.extensionCount)) {
        applyExtension(d, now, actor, messageId, days, newDueAt);
        return d.done();
      }
      s.pendingExtension = {
        reasonMessageId: messageId,
        days,
        newDueAt,
        requestedBy: actor.employeeNo ?? '',
      };
      d.wake();
      const reason = ref('reason', messageId);
      d.record('extension-consent-requested', actor, { messageId, days, newDueAt }, {}, reason);
      d.notify('extension-consent', d.citizen, 'complaint-extension-consent', { newDueAt }, reason);
      return d.done();
    },
  }),

  reassign: rule<ReassignArgs, ReassignArgs & { target: StaffRef }>({
    check(state, { actor, employeeNo, messageId }) {
      requireStage(state, 'reassign', ...answering);
      requireActor(isManagerOf(actor, state), 'a manager of the team (leader, director, admin)');
      requireMessage(messageId, 'reason');
      if (employeeNo === state.handler?.employeeNo)
        refuse(ErrorCode.VALIDATION, 'employeeNo is already the handler');
    },
    apply(state, { actor, messageId, target }) {
      const d = draft(state);
      const s = d.state;
      const from = s.handler;
      s.handler = target;
      if (s.stage === ComplaintStage.IN_PROGRESS) s.stage = ComplaintStage.ASSIGNED;
      d.changed();
      const reason = ref('reason', messageId);
      d.record(
        'reassigned',
        actor,
        { from, to: target, messageId },
        { handlerEmployeeNo: target.employeeNo },
        reason,
      );
      d.notify('reassigned', d.handlerTo(), 'complaint-assigned', { inboxUrl: '/inbox' }, reason);
      return d.done();
    },
  }),

  requestInfo: rule<RequestInfoArgs>({
    check(state, { actor, messageId, deadlineDays }) {
      requireStage(state, 'request-info', ComplaintStage.IN_PROGRESS);
      requireActor(isHandler(actor, state), theHandler);
      requireMessage(messageId, 'question');
      const max = complaintRules.maxInfoDeadlineDays;
      if (!Number.isInteger(deadlineDays) || deadlineDays < 1 || deadlineDays > max)
        refuse(ErrorCode.VALIDATION, `deadlineDays must be from 1 to ${max}`);
    },
    apply(state, { actor, messageId, deadlineDays }, { now, calendar, timing }) {
      const d = draft(state);
      const deadlineAt = businessDaysLater(calendar, now, deadlineDays, timing).toISOString();
      // requestedAt is also when the SLA clock stopped (resumeClock).
      d.state.infoRequest = {
        questionMessageId: messageId,
        requestedAt: now.toISOString(),
        deadlineAt,
        expired: false,
      };
      d.state.stage = ComplaintStage.WAITING_CITIZEN;
      d.changed();
      const question = ref('question', messageId);
      d.record('info-requested', actor, { messageId, deadlineAt }, {}, question);
      d.notify('info-requested', d.citizen, 'complaint-info-requested', { deadlineAt }, question);
      return d.done();
    },
  }),

  resolveInfoTimeout: rule<ResolveInfoTimeoutArgs>({
    check(state, { actor, decision, messageId }) {
      requireStage(state, 'resolve-info-timeout', ComplaintStage.WAITING_CITIZEN);
      requireActor(isHandler(actor, state), theHandler);
      if (!state.infoRequest?.expired) refuse(ErrorCode.WRONG_STAGE, 'The citizen still has time to answer');
      if (decision !== 'continue' && decision !== 'close')
        refuse(ErrorCode.VALIDATION, "decision must be 'continue' or 'close'");
      requireMessage(messageId, 'reason');
    },
    apply(state, { actor, decision, messageId }, context) {
      const d = draft(state);
      resumeClock(d, context);
      d.state.infoRequest = undefined;
      const reason = ref('reason', messageId);
      if (decision === 'close') {
        d.then({ kind: 'close', reason: 'info-timeout', actor, texts: reason });
        return d.done();
      }
      d.state.stage = ComplaintStage.IN_PROGRESS;
      d.changed();
      d.record('info-timeout-continued', actor, { messageId }, {}, reason);
      return d.done();
    },
  }),

  answerConsultation: rule<AnswerConsultationArgs>({
    check(state, { actor, messageId }) {
      if (!state.pendingConsultation) refuse(ErrorCode.WRONG_STAGE, 'No consultation is pending');
      requireActor(isHandler(actor, state), theHandler);
      requireMessage(messageId, 'reply');
    },
    apply(state, { actor, messageId }) {
      const d = draft(state);
      d.state.pendingConsultation = undefined;
      d.wake();
      const reply = ref('reply', messageId);
      d.record('consultation-answered', actor, { messageId }, {}, reply);
      d.notify('consultation-answered', d.citizen, 'complaint-consultation-answered', {}, reply);
      return d.done();
    },
  }),

  closeAsRepeated: rule<CloseAsRepeatedArgs>({
    check(state, { actor, earlierReceiptNo, messageId }) {
      requireStage(state, 'close-as-repeated', ...answering);
      requireActor(
        isHandler(actor, state) || isTeamLeaderOf(actor, state.teamCode),
        'the assigned handler or the team leader',
      );
      requireMessage(messageId, 'reason');
      if (!isReceiptNo(earlierReceiptNo))
        refuse(ErrorCode.VALIDATION, 'earlierReceiptNo must be a receipt number');
      if (earlierReceiptNo === state.receiptNo)
        refuse(ErrorCode.VALIDATION, 'earlierReceiptNo must be another complaint');
    },
    apply(state, { actor, earlierReceiptNo, messageId }, context) {
      const d = draft(state);
      resumeClock(d, context);
      Object.assign(d.state, {
        infoRequest: undefined,
        pendingConsultation: undefined,
        draft: undefined,
        repeatOf: earlierReceiptNo,
      });
      const reason = ref('reason', messageId);
      d.record('closed-as-repeated', actor, { earlierReceiptNo, messageId }, {}, reason);
      d.notify(
        'closed-as-repeated',
        d.citizen,
        'complaint-closed-repeated',
        { earlierReceiptNo, statusUrl: `/my-space?receiptNo=${earlierReceiptNo}` },
        reason,
      );
      d.then({ kind: 'close', reason: 'repeated', actor, texts: [] });
      return d.done();
    },
  }),

  addInfo: rule<AddInfoArgs>({
    check(state, { actor, messageId }) {
      requireActor(isCitizen(actor), theCitizen);
      requireStage(state, 'add-info', ...answering);
      requireMessage(messageId, 'text');
    },
    apply(state, { actor, messageId }, context) {
      const d = draft(state);
      const resumed = d.state.stage === ComplaintStage.WAITING_CITIZEN;
      if (resumed) {
        resumeClock(d, context);
        d.state.infoRequest = undefined;
        d.state.stage = ComplaintStage.IN_PROGRESS;
      }
      d.changed();
      d.record('info-added', actor, { messageId, resumed }, {}, ref('text', messageId));
      if (d.state.handler) d.notify('info-added', d.handlerTo(), 'complaint-info-added', {});
      return d.done();
    },
  }),

  requestConsultation: rule<RequestConsultationArgs>({
    check(state, { actor, messageId }) {
      requireActor(isCitizen(actor), theCitizen);
      requireStage(state, 'request-consultation', ...answering);
      if (!state.handler) refuse(ErrorCode.WRONG_STAGE, 'No handler is assigned yet');
      if (state.pendingConsultation)
        refuse(ErrorCode.WRONG_STAGE, 'A consultation request is already pending');
      requireMessage(messageId, 'message');
    },
    apply(state, { actor, messageId }, { now }) {
      const d = draft(state);
      d.state.pendingConsultation = { messageId, requestedAt: now.toISOString() };
      d.wake();
      const message = ref('message', messageId);
      d.record('consultation-requested', actor, { messageId }, {}, message);
      d.notify('consultation-requested', d.handlerTo(), 'complaint-consultation-requested', {}, message);
      return d.done();
    },
  }),

  withdraw: rule<WithdrawArgs>({
    check(state, { actor, messageId }) {
      requireActor(isCitizen(actor), theCitizen);
      requireStage(state, 'withdraw', ComplaintStage.RECEIVED, ...answering);
      if (messageId !== undefined) requireMessage(messageId, 'reason');
    },
    apply(state, { actor, messageId }, { now }) {
      const d = draft(state);
      d.state.stage = ComplaintStage.WITHDRAWN;
      d.state.closedAt = now.toISOString();
      d.changed();
      const reason = messageId ? ref('reason', messageId) : [];
      d.record('withdrawn', actor, { messageId }, { closedAt: d.state.closedAt }, reason);
      if (d.state.handler)
        d.notify('withdrawn', d.handlerTo(), 'complaint-withdrawn', { reason: '' }, reason);
      d.then({ kind: 'report-outcome', withdrawn: true });
      return d.done();
    },
  }),

  consentExtension: rule<ConsentExtensionArgs>({
    check(state, { actor }) {
      requireActor(isCitizen(actor), theCitizen);
      if (!state.pendingExtension) refuse(ErrorCode.WRONG_STAGE, 'No extension awaits consent');
    },
    apply(state, { actor, consent }, { now }) {
      const d = draft(state);
      const pending = d.state.pendingExtension!;
      if (consent) {
        applyExtension(d, now, actor, pending.reasonMessageId, pending.days, pending.newDueAt);
        return d.done();
      }
      d.state.pendingExtension = undefined;
      d.wake();
      d.record(
        'extension-refused',
        actor,
        { messageId: pending.reasonMessageId },
        {},
        ref('reason', pending.reasonMessageId),
      );
      d.notify('extension-refused', d.handlerTo(), 'complaint-extension-refused', {});
      return d.done();
    },
  }),

  rate: rule<RateArgs>({
    check(state, { actor, score, messageId }) {
      requireActor(isCitizen(actor), theCitizen);
      requireStage(state, 'rate', ComplaintStage.AWAITING_RATING);
      if (messageId !== undefined) requireMessage(messageId, 'comment');
      if (state.rating) refuse(ErrorCode.WRONG_STAGE, 'This answer has already been rated');
      if (!Number.isInteger(score) || score < 1 || score > 5)
        refuse(ErrorCode.VALIDATION, 'score must be 1 to 5');
    },
    apply(state, { actor, score, messageId }, { now }) {
      const d = draft(state);
      d.state.rating = { score, commentMessageId: messageId, at: now.toISOString() };
      d.wake();
      d.record(
        'rated',
        actor,
        { score, messageId },
        { satisfaction: score, satisfactionCommentMessageId: messageId ?? null },
        messageId ? ref('comment', messageId) : [],
      );
      if (score > complaintRules.dissatisfiedAtOrBelow)
        d.then({ kind: 'close', reason: 'rated', actor: 'citizen', texts: [] });
      return d.done();
    },
  }),

  reopen: rule<ReopenArgs>({
    check(state, { actor, messageId }) {
      requireActor(isCitizen(actor), theCitizen);
      requireStage(state, 'reopen', ComplaintStage.AWAITING_RATING);
      if (!state.rating || state.rating.score > complaintRules.dissatisfiedAtOrBelow)
        refuse(ErrorCode.WRONG_STAGE, 'Only a dissatisfied rating (1-2) can be followed by a reopen request');
      requireMessage(messageId, 'reason');
    },
    apply(state, { actor, messageId }, { now, calendar, timing }) {
      const d = draft(state);
      Object.assign(d.state, {
        reopenCount: d.state.reopenCount + 1,
        rating: undefined,
        answerMessageId: undefined,
        answeredAt: undefined,
        draft: undefined,
        stage: ComplaintStage.IN_PROGRESS,
        dueAt: complaintDueAt(calendar, now, d.state.slaDays, timing).toISOString(),
        overdue: false,
        escalationLevel: 0,
      });
      d.changed();
      const reason = ref('reason', messageId);
      d.record(
        'reopened',
        actor,
        { messageId, reopenCount: d.state.reopenCount },
        { satisfaction: null, satisfactionCommentMessageId: null },
        reason,
      );
      d.notify('reopened', d.handlerTo(), 'complaint-reopened', {}, reason);
      return d.done();
    },
  }),
} satisfies Record<ComplaintActionUpdateName, ActionRule<never, never>>;
