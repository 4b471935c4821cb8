import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from '../../domain/business-calendar.ts';
import { ComplaintStage, type Actor, type ComplaintState } from '../../domain/complaint.ts';
import { complaintActions, ComplaintRefusal, type RuleContext } from '../../domain/complaint-rules.ts';
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
  timerFired,
  updateAudit,
  type DueTimer,
  type TimerKind,
} from '../../domain/complaint-lifecycle.ts';
import type { ComplaintStep } from '../../domain/complaint-steps.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { handler, leader, citizen } from '../support/complaint-actors.ts';

// The complaint workflow's rules as pure functions (issue 19): every transition and every refusal,
// without Temporal. The workflow tests and the recorded histories cover the wiring.

const colleague: Actor = { ...handler, employeeNo: 'E1102' };
const otherLeader: Actor = { ...leader, employeeNo: 'E1200', unitCode: 'T12' };
const director: Actor = {
  kind: 'staff',
  employeeNo: 'E1000',
  role: 'DIRECTOR',
  unitCode: 'HQ1',
  headquartersCode: 'HQ1',
};

const calendar = createBusinessCalendar([]);
// Wednesday 2026-03-04 10:00 KST.
const now = new Date('2026-03-04T01:00:00.000Z');
const context: RuleContext = { now, calendar };

function complaint(overrides: Partial<ComplaintState> = {}): ComplaintState {
  return {
    ...initialComplaintState({
      receiptNo: 'MW-2026-0000001',
      categoryCode: 'ROAD',
      teamCode: 'T11',
      headquartersCode: 'HQ1',
      slaDays: 7,
      receivedAt: '2026-03-02T01:00:00.000Z',
      dueAt: '2026-03-11T01:00:00.000Z',
    }),
    stage: ComplaintStage.IN_PROGRESS,
    handler: { employeeNo: 'E1101', name: '김민원', team: 'T11' },
    eventSeq: 4,
    ...overrides,
  };
}

/** The step's effects in short: `publish`, `record:accepted`, `notify:complaint-returned→staff`, … */
function effects(step: ComplaintStep): string[] {
  return step.effects.map((effect) => {
    switch (effect.kind) {
      case 'record':
        return `record:${effect.event.type}`;
      case 'notify':
        return `notify:${effect.notification.template}→${effect.notification.to.kind}`;
      case 'survey-mail':
        return `survey:${effect.mail}`;
      case 'assign':
        return `assign:${effect.teamCode}#${effect.round}`;
      case 'close':
        return `close:${effect.reason}`;
      case 'report-outcome':
        return `report:${effect.withdrawn ? 'withdrawn' : 'closed'}`;
      default:
        return effect.kind;
    }
  });
}

function refusal(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!(error instanceof ComplaintRefusal)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('complaint actions: transitions', () => {
  it('accept: assigned → in progress, recorded and published, the input state untouched', () => {
    const before = complaint({ stage: ComplaintStage.ASSIGNED });
    const frozen = structuredClone(before);
    const step = complaintActions.accept.apply(before, { actor: handler }, context);
    expect(step.state.stage).toBe(ComplaintStage.IN_PROGRESS);
    expect(effects(step)).toEqual(['publish', 'record:accepted']);
    expect(before).toEqual(frozen);
    const record = step.effects[1];
    expect(record?.kind === 'record' && record.event).toMatchObject({
      eventKey: '5:accepted',
      stage: ComplaintStage.IN_PROGRESS,
      actor: 'E1101 (STAFF)',
      patch: { pendingStep: 'answer', dueAt: before.dueAt, overdue: false },
    });
    expect(step.state.eventSeq).toBe(5);
  });

  it('transfer: the new team and headquarters, escalation reset, the citizen told, then assignment in it', () => {
    const step = complaintActions.transfer.apply(
      complaint({ escalationLevel: 1 }),
      {
        actor: handler,
        teamCode: 'T12',
        messageId: '9',
        team: { teamCode: 'T12', headquartersCode: 'HQ2', teamName: '도로팀' },
      },
      context,
    );
    expect(step.state).toMatchObject({ teamCode: 'T12', headquartersCode: 'HQ2', escalationLevel: 0 });
    expect(effects(step)).toEqual([
      'publish',
      'record:transferred',
      'notify:complaint-transferred→citizen',
      'assign:T12#2',
    ]);
    const record = step.effects[1];
    expect(record?.kind === 'record' && record.event.texts).toEqual([{ field: 'reason', messageId: '9' }]);
  });

  it('draft answer: in review for the leader, the round counted', () => {
    const step = complaintActions.draftAnswer.apply(complaint(), { actor: handler, messageId: '7' }, context);
    expect(step.state).toMatchObject({
      stage: ComplaintStage.IN_REVIEW,
      reviewRounds: 1,
      draft: { messageId: '7', by: 'E1101', at: now.toISOString() },
    });
    expect(effects(step)).toEqual([
      'publish',
      'record:answer-drafted',
      'notify:complaint-review-requested→team-leader',
    ]);
    const publish = step.effects[0];
    expect(publish?.kind === 'publish' && publish.visibility.assignee).toBeNull();
  });

  it('review: a return goes back to the handler with the opinion, an approval awaits the rating and invites to the survey', () => {
    const inReview = complaint({
      stage: ComplaintStage.IN_REVIEW,
      reviewRounds: 1,
      draft: { messageId: '7', by: 'E1101', at: now.toISOString() },
    });
    const returned = complaintActions.review.apply(
      inReview,
      { actor: leader, decision: 'return', messageId: '8' },
      context,
    );
    expect(returned.state.stage).toBe(ComplaintStage.IN_PROGRESS);
    expect(effects(returned)).toEqual([
      'publish',
      'record:answer-returned',
      'notify:complaint-returned→staff',
    ]);

    const approved = complaintActions.review.apply(inReview, { actor: leader, decision: 'approve' }, context);
    expect(approved.state).toMatchObject({
      stage: ComplaintStage.AWAITING_RATING,
      answerMessageId: '7',
      answeredAt: now.toISOString(),
    });
    expect(effects(approved)).toEqual(['publish', 'record:answer-approved', 'survey:invitation']);
    const survey = approved.effects[2];
    expect(survey?.kind === 'survey-mail' && survey.key).toBe('MW-2026-0000001:5:answered');
  });

  it('extension: the first moves the due time at once, the second asks the citizen, who consents or refuses', () => {
    const first = complaintActions.requestExtension.apply(
      complaint({ overdue: true, escalationLevel: 1 }),
      { actor: handler, messageId: '3', days: 2 },
      context,
    );
    // Two business days after Wednesday 11 March: Friday 13 March.
    expect(first.state).toMatchObject({
      dueAt: '2026-03-13T01:00:00.000Z',
      extensionCount: 1,
      overdue: false,
      escalationLevel: 0,
    });
    expect(effects(first)).toEqual(['publish', 'record:extended', 'notify:complaint-extended→citizen']);

    const asked = complaintActions.requestExtension.apply(
      first.state,
      { actor: handler, messageId: '4', days: 1 },
      context,
    );
    expect(asked.state.pendingExtension).toEqual({
      reasonMessageId: '4',
      days: 1,
      newDueAt: '2026-03-16T01:00:00.000Z',
      requestedBy: 'E1101',
    });
    expect(asked.state.dueAt).toBe('2026-03-13T01:00:00.000Z');
    expect(effects(asked)).toEqual([
      'wake',
      'record:extension-consent-requested',
      'notify:complaint-extension-consent→citizen',
    ]);

    const consented = complaintActions.consentExtension.apply(
      asked.state,
      { actor: citizen, consent: true },
      context,
    );
    expect(consented.state).toMatchObject({
      dueAt: '2026-03-16T01:00:00.000Z',
      extensionCount: 2,
      pendingExtension: undefined,
    });
    expect(effects(consented)).toEqual(['publish', 'record:extended', 'notify:complaint-extended→citizen']);

    const refused = complaintActions.consentExtension.apply(
      asked.state,
      { actor: citizen, consent: false },
      context,
    );
    expect(refused.state).toMatchObject({
      dueAt: '2026-03-13T01:00:00.000Z',
      extensionCount: 1,
      pendingExtension: undefined,
    });
    expect(effects(refused)).toEqual([
      'wake',
      'record:extension-refused',
      'notify:complaint-extension-refused→staff',
    ]);
  });

  it('an extension to a time already past keeps the escalation', () => {
    const late = { ...context, now: new Date('2026-03-20T01:00:00.000Z') };
    const step = complaintActions.requestExtension.apply(
      complaint({ overdue: true, escalationLevel: 2 }),
      { actor: handler, messageId: '3', days: 1 },
      late,
    );
    expect(step.state).toMatchObject({ overdue: true, escalationLevel: 2, extensionCount: 1 });
  });

  it('reassign: the new handler accepts again; the new handler is told', () => {
    const target = { employeeNo: 'E1102', name: '이담당', team: 'T11' };
    const step = complaintActions.reassign.apply(
      complaint(),
      { actor: leader, employeeNo: 'E1102', messageId: '5', target },
      context,
    );
    expect(step.state).toMatchObject({ handler: target, stage: ComplaintStage.ASSIGNED });
    expect(effects(step)).toEqual(['publish', 'record:reassigned', 'notify:complaint-assigned→staff']);
    const mail = step.effects[2];
    expect(mail?.kind === 'notify' && mail.notification.to).toEqual({ kind: 'staff', employeeNo: 'E1102' });
    const inReview = complaintActions.reassign.apply(
      complaint({ stage: ComplaintStage.IN_REVIEW }),
      { actor: leader, employeeNo: 'E1102', messageId: '5', target },
      context,
    );
    expect(inReview.state.stage).toBe(ComplaintStage.IN_REVIEW);
  });

  it('information: the clock stops while the citizen answers and moves the due time by the paused working time', () => {
    const asked = complaintActions.requestInfo.apply(
      complaint(),
      { actor: handler, messageId: '6', deadlineDays: 3 },
      context,
    );
    expect(asked.state.stage).toBe(ComplaintStage.WAITING_CITIZEN);
    expect(asked.state.infoRequest).toEqual({
      questionMessageId: '6',
      requestedAt: now.toISOString(),
      deadlineAt: '2026-03-09T01:00:00.000Z',
      expired: false,
    });
    expect(effects(asked)).toEqual([
      'publish',
      'record:info-requested',
      'notify:complaint-info-requested→citizen',
    ]);

    // The citizen answers two business days later (Friday 10:00): the due time moves two days.
    const answered = complaintActions.addInfo.apply(
      asked.state,
      { actor: citizen, messageId: '10' },
      { ...context, now: new Date('2026-03-06T01:00:00.000Z') },
    );
    expect(answered.state).toMatchObject({
      stage: ComplaintStage.IN_PROGRESS,
      infoRequest: undefined,
      dueAt: '2026-03-13T01:00:00.000Z',
      pausedMillis: 2 * 8 * 3600_000,
    });
    expect(effects(answered)).toEqual(['publish', 'record:info-added', 'notify:complaint-info-added→staff']);
    const record = answered.effects[1];
    expect(record?.kind === 'record' && record.event.detail).toEqual({ messageId: '10', resumed: true });

    const notWaiting = complaintActions.addInfo.apply(
      complaint(),
      { actor: citizen, messageId: '10' },
      context,
    );
    expect(notWaiting.state).toMatchObject({
      stage: ComplaintStage.IN_PROGRESS,
      dueAt: complaint().dueAt,
      pausedMillis: 0,
    });
  });

  it('information timeout: continue resumes the work, close closes it with the reason', () => {
    const expired = complaint({
      stage: ComplaintStage.WAITING_CITIZEN,
      infoRequest: {
        questionMessageId: '6',
        requestedAt: '2026-03-03T01:00:00.000Z',
        deadlineAt: '2026-03-04T01:00:00.000Z',
        expired: true,
      },
    });
    const continued = complaintActions.resolveInfoTimeout.apply(
      expired,
      { actor: handler, decision: 'continue', messageId: '11' },
      context,
    );
    expect(continued.state).toMatchObject({
      stage: ComplaintStage.IN_PROGRESS,
      infoRequest: undefined,
      dueAt: '2026-03-12T01:00:00.000Z',
    });
    expect(effects(continued)).toEqual(['publish', 'record:info-timeout-continued']);
    const closed = complaintActions.resolveInfoTimeout.apply(
      expired,
      { actor: handler, decision: 'close', messageId: '11' },
      context,
    );
    expect(effects(closed)).toEqual(['close:info-timeout']);
    expect(closed.state.stage).toBe(ComplaintStage.WAITING_CITIZEN);
  });

  it('consultation: the citizen asks, the handler answers', () => {
    const asked = complaintActions.requestConsultation.apply(
      complaint(),
      { actor: citizen, messageId: '12' },
      context,
    );
    expect(asked.state.pendingConsultation).toEqual({ messageId: '12', requestedAt: now.toISOString() });
    expect(effects(asked)).toEqual([
      'wake',
      'record:consultation-requested',
      'notify:complaint-consultation-requested→staff',
    ]);
    const answered = complaintActions.answerConsultation.apply(
      asked.state,
      { actor: handler, messageId: '13' },
      context,
    );
    expect(answered.state.pendingConsultation).toBeUndefined();
    expect(effects(answered)).toEqual([
      'wake',
      'record:consultation-answered',
      'notify:complaint-consultation-answered→citizen',
    ]);
  });

  it('close as repeated: the earlier complaint cited, the citizen told, then closed', () => {
    const step = complaintActions.closeAsRepeated.apply(
      complaint({ pendingConsultation: { messageId: '1', requestedAt: now.toISOString() } }),
      { actor: leader, earlierReceiptNo: 'MW-2026-0000000', messageId: '14' },
      context,
    );
    expect(step.state).toMatchObject({
      repeatOf: 'MW-2026-0000000',
      pendingConsultation: undefined,
      draft: undefined,
    });
    expect(effects(step)).toEqual([
      'record:closed-as-repeated',
      'notify:complaint-closed-repeated→citizen',
      'close:repeated',
    ]);
  });

  it('withdraw: closed at once, the handler told, the outcome reported as withdrawn', () => {
    const step = complaintActions.withdraw.apply(complaint(), { actor: citizen }, context);
    expect(step.state).toMatchObject({ stage: ComplaintStage.WITHDRAWN, closedAt: now.toISOString() });
    expect(effects(step)).toEqual([
      'publish',
      'record:withdrawn',
      'notify:complaint-withdrawn→staff',
      'report:withdrawn',
    ]);
    const unassigned = complaintActions.withdraw.apply(
      complaint({ stage: ComplaintStage.RECEIVED, handler: undefined }),
      { actor: citizen },
      context,
    );
    expect(effects(unassigned)).toEqual(['publish', 'record:withdrawn', 'report:withdrawn']);
  });

  it('rate: satisfied closes; dissatisfied waits for a reopen, which restarts the period', () => {
    const awaiting = complaint({
      stage: ComplaintStage.AWAITING_RATING,
      answerMessageId: '7',
      answeredAt: now.toISOString(),
    });
    const satisfied = complaintActions.rate.apply(awaiting, { actor: citizen, score: 5 }, context);
    expect(effects(satisfied)).toEqual(['wake', 'record:rated', 'close:rated']);
    const unhappy = complaintActions.rate.apply(
      awaiting,
      { actor: citizen, score: 2, messageId: '15' },
      context,
    );
    expect(effects(unhappy)).toEqual(['wake', 'record:rated']);
    expect(unhappy.state.rating).toEqual({ score: 2, commentMessageId: '15', at: now.toISOString() });

    const reopened = complaintActions.reopen.apply(
      unhappy.state,
      { actor: citizen, messageId: '16' },
      context,
    );
    expect(reopened.state).toMatchObject({
      stage: ComplaintStage.IN_PROGRESS,
      reopenCount: 1,
      rating: undefined,
      answerMessageId: undefined,
      answeredAt: undefined,
      // A new period from now: seven business days from Wednesday 4 March close on Thursday 12 March, 18:00 KST.
      dueAt: '2026-03-12T09:00:00.000Z',
    });
    expect(effects(reopened)).toEqual(['publish', 'record:reopened', 'notify:complaint-reopened→staff']);
  });
});

describe('complaint actions: refusals', () => {
  const waiting = complaint({
    stage: ComplaintStage.WAITING_CITIZEN,
    infoRequest: {
      questionMessageId: '6',
      requestedAt: now.toISOString(),
      deadlineAt: '2026-03-09T01:00:00.000Z',
      expired: false,
    },
  });
  const awaitingRating = complaint({ stage: ComplaintStage.AWAITING_RATING, answeredAt: now.toISOString() });
  const rated = (score: number) =>
    complaint({ stage: ComplaintStage.AWAITING_RATING, rating: { score, at: now.toISOString() } });
  const cases: [string, () => void, string, RegExp][] = [
    [
      'accept in progress',
      () => complaintActions.accept.check(complaint(), { actor: handler }),
      ErrorCode.WRONG_STAGE,
      /'accept' is not allowed in stage 'in_progress'/,
    ],
    [
      'accept by a colleague',
      () =>
        complaintActions.accept.check(complaint({ stage: ComplaintStage.ASSIGNED }), { actor: colleague }),
      ErrorCode.FORBIDDEN,
      /Only the assigned handler/,
    ],
    [
      'transfer in review',
      () =>
        complaintActions.transfer.check(complaint({ stage: ComplaintStage.IN_REVIEW }), {
          actor: handler,
          teamCode: 'T12',
          messageId: '1',
        }),
      ErrorCode.WRONG_STAGE,
      /transfer/,
    ],
    [
      "transfer by another team's leader",
      () =>
        complaintActions.transfer.check(complaint(), { actor: otherLeader, teamCode: 'T12', messageId: '1' }),
      ErrorCode.FORBIDDEN,
      /handler or a manager/,
    ],
    [
      'transfer without a reason',
      () => complaintActions.transfer.check(complaint(), { actor: handler, teamCode: 'T12', messageId: '' }),
      ErrorCode.VALIDATION,
      /reason is required/,
    ],
    [
      'transfer to the same team',
      () =>
        complaintActions.transfer.check(complaint(), { actor: director, teamCode: 'T11', messageId: '1' }),
      ErrorCode.VALIDATION,
      /already the responsible team/,
    ],
    [
      'draft while assigned',
      () =>
        complaintActions.draftAnswer.check(complaint({ stage: ComplaintStage.ASSIGNED }), {
          actor: handler,
          messageId: '1',
        }),
      ErrorCode.WRONG_STAGE,
      /draft-answer/,
    ],
    [
      'draft by the leader',
      () => complaintActions.draftAnswer.check(complaint(), { actor: leader, messageId: '1' }),
      ErrorCode.FORBIDDEN,
      /assigned handler/,
    ],
    [
      'draft with a non-id',
      () => complaintActions.draftAnswer.check(complaint(), { actor: handler, messageId: 'text' }),
      ErrorCode.VALIDATION,
      /answer is required/,
    ],
    [
      'review outside review',
      () => complaintActions.review.check(complaint(), { actor: leader, decision: 'approve' }),
      ErrorCode.WRONG_STAGE,
      /review/,
    ],
    [
      'review by the handler',
      () =>
        complaintActions.review.check(complaint({ stage: ComplaintStage.IN_REVIEW }), {
          actor: handler,
          decision: 'approve',
        }),
      ErrorCode.FORBIDDEN,
      /leader of team T11/,
    ],
    [
      "review by another team's leader",
      () =>
        complaintActions.review.check(complaint({ stage: ComplaintStage.IN_REVIEW }), {
          actor: otherLeader,
          decision: 'approve',
        }),
      ErrorCode.FORBIDDEN,
      /leader of team T11/,
    ],
    [
      'review with another decision',
      () =>
        complaintActions.review.check(complaint({ stage: ComplaintStage.IN_REVIEW }), {
          actor: leader,
          decision: 'maybe' as never,
        }),
      ErrorCode.VALIDATION,
      /decision must be/,
    ],
    [
      'return without an opinion',
      () =>
        complaintActions.review.check(complaint({ stage: ComplaintStage.IN_REVIEW }), {
          actor: leader,
          decision: 'return',
        }),
      ErrorCode.VALIDATION,
      /opinion is required/,
    ],
    [
      'extension in review',
      () =>
        complaintActions.requestExtension.check(complaint({ stage: ComplaintStage.IN_REVIEW }), {
          actor: handler,
          messageId: '1',
          days: 1,
        }),
      ErrorCode.WRONG_STAGE,
      /request-extension/,
    ],
    [
      'extension by the leader',
      () => complaintActions.requestExtension.check(complaint(), { actor: leader, messageId: '1', days: 1 }),
      ErrorCode.FORBIDDEN,
      /assigned handler/,
    ],
    [
      'a third extension',
      () =>
        complaintActions.requestExtension.check(complaint({ extensionCount: 2 }), {
          actor: handler,
          messageId: '1',
          days: 1,
        }),
      ErrorCode.WRONG_STAGE,
      /No further extension/,
    ],
    [
      'an extension while one awaits consent',
      () =>
        complaintActions.requestExtension.check(
          complaint({
            extensionCount: 1,
            pendingExtension: {
              reasonMessageId: '1',
              days: 1,
              newDueAt: now.toISOString(),
              requestedBy: 'E1101',
            },
          }),
          { actor: handler, messageId: '1', days: 1 },
        ),
      ErrorCode.WRONG_STAGE,
      /already awaits/,
    ],
    [
      'an extension longer than the period',
      () => complaintActions.requestExtension.check(complaint(), { actor: handler, messageId: '1', days: 8 }),
      ErrorCode.VALIDATION,
      /from 1 to the original period \(7\)/,
    ],
    [
      'an extension of half a day',
      () =>
        complaintActions.requestExtension.check(complaint(), { actor: handler, messageId: '1', days: 0.5 }),
      ErrorCode.VALIDATION,
      /whole number/,
    ],
    [
      'reassign once closed',
      () =>
        complaintActions.reassign.check(complaint({ stage: ComplaintStage.CLOSED }), {
          actor: leader,
          employeeNo: 'E1102',
          messageId: '1',
        }),
      ErrorCode.WRONG_STAGE,
      /reassign/,
    ],
    [
      'reassign by the handler',
      () =>
        complaintActions.reassign.check(complaint(), { actor: handler, employeeNo: 'E1102', messageId: '1' }),
      ErrorCode.FORBIDDEN,
      /manager of the team/,
    ],
    [
      'reassign to the handler',
      () =>
        complaintActions.reassign.check(complaint(), { actor: leader, employeeNo: 'E1101', messageId: '1' }),
      ErrorCode.VALIDATION,
      /already the handler/,
    ],
    [
      'information while assigned',
      () =>
        complaintActions.requestInfo.check(complaint({ stage: ComplaintStage.ASSIGNED }), {
          actor: handler,
          messageId: '1',
          deadlineDays: 3,
        }),
      ErrorCode.WRONG_STAGE,
      /request-info/,
    ],
    [
      'information with 15 days',
      () =>
        complaintActions.requestInfo.check(complaint(), { actor: handler, messageId: '1', deadlineDays: 15 }),
      ErrorCode.VALIDATION,
      /deadlineDays must be from 1 to 14/,
    ],
    [
      'information by a colleague',
      () =>
        complaintActions.requestInfo.check(complaint(), {
          actor: colleague,
          messageId: '1',
          deadlineDays: 3,
        }),
      ErrorCode.FORBIDDEN,
      /assigned handler/,
    ],
    [
      'timeout decision before the deadline',
      () =>
        complaintActions.resolveInfoTimeout.check(waiting, {
          actor: handler,
          decision: 'close',
          messageId: '1',
        }),
      ErrorCode.WRONG_STAGE,
      /still has time/,
    ],
    [
      'timeout decision in progress',
      () =>
        complaintActions.resolveInfoTimeout.check(complaint(), {
          actor: handler,
          decision: 'close',
          messageId: '1',
        }),
      ErrorCode.WRONG_STAGE,
      /resolve-info-timeout/,
    ],
    [
      'timeout with another decision',
      () =>
        complaintActions.resolveInfoTimeout.check(
          { ...waiting, infoRequest: { ...waiting.infoRequest!, expired: true } },
          { actor: handler, decision: 'later' as never, messageId: '1' },
        ),
      ErrorCode.VALIDATION,
      /'continue' or 'close'/,
    ],
    [
      'an answer to no consultation',
      () => complaintActions.answerConsultation.check(complaint(), { actor: handler, messageId: '1' }),
      ErrorCode.WRONG_STAGE,
      /No consultation is pending/,
    ],
    [
      'a consultation answered by a colleague',
      () =>
        complaintActions.answerConsultation.check(
          complaint({ pendingConsultation: { messageId: '1', requestedAt: now.toISOString() } }),
          { actor: colleague, messageId: '1' },
        ),
      ErrorCode.FORBIDDEN,
      /assigned handler/,
    ],
    [
      'repeat of a malformed number',
      () =>
        complaintActions.closeAsRepeated.check(complaint(), {
          actor: handler,
          earlierReceiptNo: 'MW-1',
          messageId: '1',
        }),
      ErrorCode.VALIDATION,
      /must be a receipt number/,
    ],
    [
      'repeat of itself',
      () =>
        complaintActions.closeAsRepeated.check(complaint(), {
          actor: handler,
          earlierReceiptNo: 'MW-2026-0000001',
          messageId: '1',
        }),
      ErrorCode.VALIDATION,
      /another complaint/,
    ],
    [
      'repeat by a colleague',
      () =>
        complaintActions.closeAsRepeated.check(complaint(), {
          actor: colleague,
          earlierReceiptNo: 'MW-2026-0000000',
          messageId: '1',
        }),
      ErrorCode.FORBIDDEN,
      /handler or the team leader/,
    ],
    [
      'repeat once answered',
      () =>
        complaintActions.closeAsRepeated.check(awaitingRating, {
          actor: handler,
          earlierReceiptNo: 'MW-2026-0000000',
          messageId: '1',
        }),
      ErrorCode.WRONG_STAGE,
      /close-as-repeated/,
    ],
    [
      "staff adding the citizen's information",
      () => complaintActions.addInfo.check(complaint(), { actor: handler, messageId: '1' }),
      ErrorCode.FORBIDDEN,
      /citizen who filed/,
    ],
    [
      'information once answered',
      () => complaintActions.addInfo.check(awaitingRating, { actor: citizen, messageId: '1' }),
      ErrorCode.WRONG_STAGE,
      /add-info/,
    ],
    [
      'consultation before assignment',
      () =>
        complaintActions.requestConsultation.check(
          complaint({ stage: ComplaintStage.ASSIGNED, handler: undefined }),
          { actor: citizen, messageId: '1' },
        ),
      ErrorCode.WRONG_STAGE,
      /No handler is assigned/,
    ],
    [
      'a second consultation',
      () =>
        complaintActions.requestConsultation.check(
          complaint({ pendingConsultation: { messageId: '1', requestedAt: now.toISOString() } }),
          { actor: citizen, messageId: '1' },
        ),
      ErrorCode.WRONG_STAGE,
      /already pending/,
    ],
    [
      'withdraw once answered',
      () => complaintActions.withdraw.check(awaitingRating, { actor: citizen }),
      ErrorCode.WRONG_STAGE,
      /withdraw/,
    ],
    [
      'withdraw by staff',
      () => complaintActions.withdraw.check(complaint(), { actor: handler }),
      ErrorCode.FORBIDDEN,
      /citizen who filed/,
    ],
    [
      'consent to nothing',
      () => complaintActions.consentExtension.check(complaint(), { actor: citizen, consent: true }),
      ErrorCode.WRONG_STAGE,
      /No extension awaits/,
    ],
    [
      'rate before the answer',
      () => complaintActions.rate.check(complaint(), { actor: citizen, score: 5 }),
      ErrorCode.WRONG_STAGE,
      /rate/,
    ],
    [
      'rate twice',
      () => complaintActions.rate.check(rated(2), { actor: citizen, score: 5 }),
      ErrorCode.WRONG_STAGE,
      /already been rated/,
    ],
    [
      'rate 6',
      () => complaintActions.rate.check(awaitingRating, { actor: citizen, score: 6 }),
      ErrorCode.VALIDATION,
      /score must be 1 to 5/,
    ],
    [
      'rate by staff',
      () => complaintActions.rate.check(awaitingRating, { actor: handler, score: 5 }),
      ErrorCode.FORBIDDEN,
      /citizen who filed/,
    ],
    [
      'reopen after a 3',
      () => complaintActions.reopen.check(rated(3), { actor: citizen, messageId: '1' }),
      ErrorCode.WRONG_STAGE,
      /dissatisfied rating/,
    ],
    [
      'reopen without a rating',
      () => complaintActions.reopen.check(awaitingRating, { actor: citizen, messageId: '1' }),
      ErrorCode.WRONG_STAGE,
      /dissatisfied rating/,
    ],
    [
      'reopen without a reason',
      () => complaintActions.reopen.check(rated(1), { actor: citizen, messageId: '0' }),
      ErrorCode.VALIDATION,
      /reason is required/,
    ],
  ];
  it.each(cases)('refuses %s', (_name, check, code, message) => {
    const refused = refusal(check);
    expect(refused?.code).toBe(code);
    expect(refused?.message).toMatch(message);
  });

  it('allows the mirror images of the refusals', () => {
    expect(
      refusal(() =>
        complaintActions.transfer.check(complaint(), { actor: director, teamCode: 'T12', messageId: '1' }),
      ),
    ).toBeUndefined();
    expect(
      refusal(() =>
        complaintActions.closeAsRepeated.check(complaint(), {
          actor: leader,
          earlierReceiptNo: 'MW-2026-0000000',
          messageId: '1',
        }),
      ),
    ).toBeUndefined();
    expect(
      refusal(() => complaintActions.reopen.check(rated(2), { actor: citizen, messageId: '1' })),
    ).toBeUndefined();
    expect(
      refusal(() =>
        complaintActions.withdraw.check(complaint({ stage: ComplaintStage.RECEIVED }), { actor: citizen }),
      ),
    ).toBeUndefined();
  });
});

describe('complaint lifecycle', () => {
  it('receives: timed by the pinned calendar, published, recorded; the receipt mail keyed after the event', () => {
    const state = initialComplaintState({
      receiptNo: 'MW-2026-0000002',
      categoryCode: 'ROAD',
      teamCode: 'T11',
      headquartersCode: 'HQ1',
      slaDays: 7,
      receivedAt: '2026-02-27T01:00:00.000Z',
      dueAt: '2026-03-10T01:00:00.000Z',
    });
    // 삼일절 (Sunday 1 March 2026) gives Monday 2 March off, which moves the due time a business day later.
    const holidays = createBusinessCalendar([{ date: '2026-03-02', name: '삼일절 대체공휴일' }]);
    const step = received(state, { ...state, dueAt: state.dueAt } as never, { calendar: holidays });
    // Without the substitute holiday the period would close a day earlier.
    expect(calendar.computeDueAt(new Date(state.receivedAt), 7).toISOString()).toBe(
      '2026-03-09T09:00:00.000Z',
    );
    expect(step.state.dueAt).toBe('2026-03-10T09:00:00.000Z');
    expect(effects(step)).toEqual(['publish', 'record:received']);
    const notice = receiptNotice(step.state);
    expect(notice).toMatchObject({
      key: 'MW-2026-0000002:1:received',
      to: { kind: 'citizen' },
      template: 'complaint-received',
    });
    const untimed = received(state, state as never, undefined);
    expect(untimed.state.dueAt).toBe(state.dueAt);
  });

  it('assigns, waits for a handler telling the leader once, and leaves a withdrawn case alone', () => {
    const waiting = complaint({ stage: ComplaintStage.RECEIVED, handler: undefined });
    const first = handlerUnavailable(waiting, 'T11', 1, now);
    expect(first.state.awaitingHandler).toEqual({
      teamCode: 'T11',
      round: 1,
      since: now.toISOString(),
      attempts: 1,
    });
    expect(effects(first)).toEqual([
      'publish',
      'record:assignment-waiting',
      'notify:complaint-unassigned→team-leader',
    ]);
    const again = handlerUnavailable(first.state, 'T11', 1, new Date(now.getTime() + 1800_000));
    expect(again.state.awaitingHandler).toMatchObject({ since: now.toISOString(), attempts: 2 });
    expect(effects(again)).toEqual([]);

    const assigned = handlerAssigned(
      again.state,
      { handler: { employeeNo: 'E1101', name: '김민원', team: 'T11' }, reason: 'least-loaded' },
      'T11',
      1,
    );
    expect(assigned.state).toMatchObject({ stage: ComplaintStage.ASSIGNED, awaitingHandler: undefined });
    expect(effects(assigned)).toEqual(['publish', 'record:assigned', 'notify:complaint-assigned→staff']);
    const second = handlerAssigned(
      complaint(),
      { handler: { employeeNo: 'E1201', name: '박', team: 'T12' }, reason: 'x' },
      'T12',
      2,
    );
    expect(effects(second)).toContain('record:reassigned');

    const withdrawn = complaint({ stage: ComplaintStage.WITHDRAWN });
    expect(
      effects(
        handlerAssigned(
          withdrawn,
          { handler: { employeeNo: 'E1', name: 'a', team: 'T11' }, reason: 'x' },
          'T11',
          1,
        ),
      ),
    ).toEqual([]);
    expect(effects(handlerUnavailable(withdrawn, 'T11', 1, now))).toEqual([]);
  });

  it('closes once and reports the outcome: days taken net of the pause, the SLA, the rating, a repeat', () => {
    const answered = complaint({
      stage: ComplaintStage.AWAITING_RATING,
      answeredAt: '2026-03-06T01:00:00.000Z',
      rating: { score: 4, at: now.toISOString() },
      pausedMillis: 8 * 3600_000,
    });
    const closed = closeComplaint(answered, 'rated', 'citizen', [], new Date('2026-03-09T01:00:00.000Z'));
    expect(closed.state).toMatchObject({
      stage: ComplaintStage.CLOSED,
      closedAt: '2026-03-09T01:00:00.000Z',
    });
    expect(effects(closed)).toEqual(['publish', 'record:closed', 'report:closed']);
    expect(effects(closeComplaint(closed.state, 'survey', 'system', [], now))).toEqual([]);

    const outcome = closedOutcome(closed.state, calendar, false, now);
    expect(outcome).toMatchObject({
      outcomeKey: 'complaint:MW-2026-0000001',
      year: 2026,
      unitCode: 'T11',
      employeeNo: 'E1101',
      slaMet: true,
      satisfaction: 4,
      withdrawn: false,
    });
    // Monday 2 March 10:00 to Friday 6 March 10:00 is four business days, one of them paused.
    expect(outcome.businessDaysTaken).toBe(3);
    const repeat = closedOutcome(
      {
        ...closed.state,
        answeredAt: undefined,
        repeatOf: 'MW-2026-0000000',
        closedAt: '2026-03-12T01:00:00.000Z',
      },
      calendar,
      false,
      now,
    );
    expect(repeat).toMatchObject({ closedAsRepeated: true, slaMet: false });
    expect(
      closedOutcome(
        complaint({ stage: ComplaintStage.WITHDRAWN, closedAt: now.toISOString() }),
        calendar,
        true,
        now,
      ),
    ).toMatchObject({ withdrawn: true, slaMet: false });
  });

  const timers = (state: ComplaintState, fired: string[] = []) =>
    nextTimer(state, { calendar, fired: new Set(fired), lastAssignmentTry: now });

  it('keeps the deadlines of each stage, earliest first, each once', () => {
    const open = complaint();
    expect(timers(open)).toMatchObject({ kind: 'reminder', key: `reminder@${open.dueAt}` });
    expect(timers(open, [`reminder@${open.dueAt}`])).toMatchObject({
      kind: 'escalate-leader',
      at: new Date(open.dueAt),
    });
    expect(timers(open, [`reminder@${open.dueAt}`, `escalate-leader@${open.dueAt}`])?.kind).toBe(
      'escalate-director',
    );
    const long = complaint({
      slaDays: 14,
      dueAt: '2026-03-20T01:00:00.000Z',
      originalDueAt: '2026-03-20T01:00:00.000Z',
    });
    expect(timers(long)?.kind).toBe('interim');
    const waiting = complaint({
      stage: ComplaintStage.WAITING_CITIZEN,
      infoRequest: {
        questionMessageId: '1',
        requestedAt: '2026-03-04T01:00:00.000Z',
        deadlineAt: '2026-03-08T01:00:00.000Z',
        expired: false,
      },
    });
    expect(timers(waiting)).toMatchObject({
      kind: 'info-reminder',
      at: new Date('2026-03-07T01:00:00.000Z'),
    });
    expect(timers({ ...waiting, infoRequest: { ...waiting.infoRequest!, expired: true } })).toBeUndefined();
    const awaiting = complaint({ stage: ComplaintStage.AWAITING_RATING, answeredAt: now.toISOString() });
    expect(timers(awaiting)?.kind).toBe('survey-reminder');
    expect(timers(awaiting, [`survey-reminder@${now.toISOString()}`])?.kind).toBe('survey-deadline');
    expect(timers({ ...awaiting, rating: { score: 1, at: now.toISOString() } })?.kind).toBe(
      'reopen-window-end',
    );
    const unassigned = complaint({
      stage: ComplaintStage.RECEIVED,
      awaitingHandler: { teamCode: 'T11', round: 1, since: now.toISOString(), attempts: 2 },
    });
    expect(timers(unassigned)).toMatchObject({
      kind: 'retry-assignment',
      key: 'retry-assignment#2',
      at: new Date(now.getTime() + 30 * 60_000),
    });
    expect(timers(complaint({ stage: ComplaintStage.CLOSED }))).toBeUndefined();
  });

  it('does what each deadline says when it comes', () => {
    const fire = (kind: TimerKind, state = complaint()) =>
      timerFired(state, { kind, at: now, key: kind } as DueTimer);
    expect(effects(fire('interim'))).toEqual(['record:interim-notice', 'notify:complaint-interim→citizen']);
    expect(effects(fire('reminder'))).toEqual(['record:reminder-sent', 'notify:complaint-reminder→staff']);
    const leaderEscalation = fire('escalate-leader');
    expect(leaderEscalation.state).toMatchObject({ overdue: true, escalationLevel: 1 });
    expect(effects(leaderEscalation)).toEqual([
      'publish',
      'record:escalated',
      'notify:complaint-escalated→team-leader',
    ]);
    expect(effects(fire('escalate-director'))).toEqual([
      'publish',
      'record:escalated',
      'notify:complaint-escalated→director',
    ]);
    expect(effects(fire('escalate-director', complaint({ headquartersCode: null })))).toEqual([
      'publish',
      'record:escalated',
    ]);
    expect(effects(fire('info-reminder'))).toEqual([
      'record:info-reminder-sent',
      'notify:complaint-info-reminder→citizen',
    ]);
    const info = {
      questionMessageId: '1',
      requestedAt: now.toISOString(),
      deadlineAt: now.toISOString(),
      expired: false,
    };
    const deadline = fire(
      'info-deadline',
      complaint({ stage: ComplaintStage.WAITING_CITIZEN, infoRequest: info }),
    );
    expect(deadline.state.infoRequest?.expired).toBe(true);
    expect(effects(deadline)).toEqual([
      'publish',
      'record:info-deadline-passed',
      'notify:complaint-info-deadline→staff',
    ]);
    const reminder = fire('survey-reminder', complaint({ answeredAt: '2026-03-02T01:00:00.000Z' }));
    expect(effects(reminder)).toEqual(['record:survey-reminder-sent', 'survey:reminder']);
    expect(reminder.effects[1]).toMatchObject({ validFrom: '2026-03-02T01:00:00.000Z' });
    expect(effects(fire('survey-deadline'))).toEqual(['close:survey deadline passed without a rating']);
    expect(effects(fire('reopen-window-end'))).toEqual(['close:reopen window ended']);
    const retry = fire(
      'retry-assignment',
      complaint({ awaitingHandler: { teamCode: 'T12', round: 2, since: now.toISOString(), attempts: 1 } }),
    );
    expect(effects(retry)).toEqual(['assign:T12#2']);
  });

  it('re-times the deadlines ahead after a holiday is added, keeps those past and test timing', () => {
    const state = complaint({
      stage: ComplaintStage.WAITING_CITIZEN,
      originalDueAt: '2026-03-03T01:00:00.000Z',
      infoRequest: {
        questionMessageId: '1',
        requestedAt: now.toISOString(),
        deadlineAt: '2026-03-09T01:00:00.000Z',
        expired: false,
      },
    });
    const after = createBusinessCalendar([{ date: '2026-03-05', name: '임시공휴일' }]);
    const step = retimed(state, 7, calendar, { now, calendar: after });
    expect(step.state).toMatchObject({
      calendarVersion: 7,
      dueAt: '2026-03-12T01:00:00.000Z',
      originalDueAt: '2026-03-03T01:00:00.000Z',
      infoRequest: { deadlineAt: '2026-03-10T01:00:00.000Z' },
    });
    expect(effects(step)).toEqual(['publish', 'record:calendar-changed']);
    const testing = retimed(state, 7, calendar, { now, calendar: after, timing: { testSlaMillis: 60_000 } });
    expect(testing.state.dueAt).toBe(state.dueAt);
  });

  it('names the audit of each Update by who acted', () => {
    expect(updateAudit('requestExtension', handler)).toEqual({
      action: 'complaint.request-extension',
      actor: 'E1101',
      withReason: true,
    });
    expect(updateAudit('addInfo', citizen)).toEqual({
      action: 'complaint.citizen.add-info',
      actor: 'citizen',
      withReason: false,
    });
    expect(updateAudit('rate', citizen).action).toBe('complaint.rated');
  });
});
