import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../../activities/index.ts';
import type { ComplaintEventInput } from '../../activities/complaint.ts';
import type { NotificationInput, SurveyMailInput } from '../../data/mail-outbox.ts';
import { statutoryBusinessCalendar, statutoryHolidays } from '../../platform/holiday-calendar.ts';
import type { Actor, ComplaintInput, ComplaintState } from '../../domain/complaint.ts';
import {
  acceptUpdate,
  addInfoUpdate,
  complaintStateQuery,
  consentExtensionUpdate,
  draftAnswerUpdate,
  rateUpdate,
  reopenUpdate,
  requestExtensionUpdate,
  requestInfoUpdate,
  resolveInfoTimeoutUpdate,
  reviewUpdate,
  withdrawUpdate,
} from '../../domain/complaint-messages.ts';
import type { ComplaintClosedOutcome } from '../../domain/performance-outcomes.ts';
import type { complaintWorkflow } from '../../workflows/complaint.ts';
import { signedUpdate as signedComplaintUpdate, useTimeSkippingWorker } from '../support/time-skipping.ts';
import { waitFor } from '../support/wait-for.ts';
import { handler, leader, citizen } from '../support/complaint-actors.ts';

const day = 24 * 3600_000;

/** What the workflow asked its activities to do, per test. */
interface Recorded {
  events: ComplaintEventInput[];
  mails: NotificationInput[];
  surveys: SurveyMailInput[];
  outcomes: ComplaintClosedOutcome[];
}
const recorded = new Map<string, Recorded>();
const of = (receiptNo: string) => {
  if (!recorded.has(receiptNo)) recorded.set(receiptNo, { events: [], mails: [], surveys: [], outcomes: [] });
  return recorded.get(receiptNo)!;
};

const stubActivities: Pick<
  Activities,
  | 'assignHandler'
  | 'recordComplaintEvent'
  | 'resolveTeam'
  | 'checkReassignTarget'
  | 'reportOutcome'
  | 'sendNotification'
  | 'sendSurveyMail'
  | 'loadCalendarSnapshot'
> = {
  async assignHandler() {
    return { handler: { employeeNo: 'E1101', name: '김담당', team: 'T11' }, reason: 'least open load: 0' };
  },
  async recordComplaintEvent(event) {
    of(event.receiptNo).events.push(event);
  },
  async resolveTeam({ teamCode }) {
    return { teamCode, teamName: teamCode, headquartersCode: 'HQ1' };
  },
  async checkReassignTarget({ employeeNo, teamCode }) {
    return { employeeNo, name: employeeNo, team: teamCode };
  },
  async reportOutcome(outcome) {
    if (outcome.kind === 'complaint-closed') of(outcome.receiptNo).outcomes.push(outcome);
  },
  async sendNotification(input) {
    of(String((input.data as { receiptNo: string }).receiptNo)).mails.push(input);
    return { status: 'sent' };
  },
  async sendSurveyMail(input) {
    of(input.receiptNo).surveys.push(input);
    return { status: 'sent' };
  },
  async loadCalendarSnapshot() {
    return { version: 1, from: '2018-01-01', to: '2050-12-31', holidays: statutoryHolidays() };
  },
};

const ctx = useTimeSkippingWorker('complaint-wf', stubActivities);

async function start(slaDays = 7): Promise<WorkflowHandle<typeof complaintWorkflow>> {
  const receiptNo = `MW-2026-${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const receivedAt = new Date(await ctx.env.currentTimeMs());
  const input: ComplaintInput = {
    receiptNo,
    categoryCode: 'Q-GENERAL',
    teamCode: 'T11',
    headquartersCode: 'HQ1',
    slaDays,
    receivedAt: receivedAt.toISOString(),
    dueAt: statutoryBusinessCalendar().computeDueAt(receivedAt, slaDays).toISOString(),
  };
  const handle = await ctx.env.client.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
    workflowId: receiptNo,
    taskQueue: ctx.taskQueue,
    args: [input],
  });
  await waitFor(async () => (await handle.query(complaintStateQuery)).stage === 'assigned', 15_000, 50);
  return handle;
}

/** Mail leaves after the Update has answered (it is not awaited by the handler): poll for it. */
const eventually = (check: () => void) =>
  waitFor(
    () => {
      check();
      return true;
    },
    15_000,
    50,
  );

const signedUpdate = <Args extends { actor: Actor }>(
  handle: WorkflowHandle,
  update: UpdateDefinition<ComplaintState, [Args]>,
  args: Args,
) => signedComplaintUpdate(ctx, handle, update, args);

const state = (handle: WorkflowHandle): Promise<ComplaintState> => handle.query(complaintStateQuery);
const templates = (receiptNo: string) => of(receiptNo).mails.map((m) => m.template);
const eventTypes = (receiptNo: string) => of(receiptNo).events.map((e) => e.type);

async function answerAndApprove(handle: WorkflowHandle) {
  await signedUpdate(handle, acceptUpdate, { actor: handler });
  await signedUpdate(handle, draftAnswerUpdate, { actor: handler, messageId: '1' });
  return signedUpdate(handle, reviewUpdate, { actor: leader, decision: 'approve', messageId: '2' });
}

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
  }
  throw new Error('expected the update to be rejected');
}

/**
 * Sleeps the server clock a day at a time until `reached` holds. Business-day timers land on different
 * calendar days depending on where the test clock starts (weekends, Chuseok, Seollal), so a fixed sleep
 * that works one month misses the next.
 */
async function sleepDaysUntil(reached: () => Promise<boolean> | boolean, maxDays = 30): Promise<void> {
  for (let days = 0; days < maxDays; days += 1) {
    if (await reached()) return;
    await ctx.env.sleep(day);
  }
  if (!(await reached())) throw new Error(`not reached within ${maxDays} days of server time`);
}

describe('complaint workflow timers (time-skipping)', () => {
  it('reminds the handler before the due time, escalates to the leader at it and to the director a business day later', async () => {
    const handle = await start(7);
    const receiptNo = handle.workflowId;
    await signedUpdate(handle, acceptUpdate, { actor: handler });
    expect(templates(receiptNo)).not.toContain('complaint-reminder');

    await sleepDaysUntil(async () => (await state(handle)).escalationLevel === 2);
    const after = await state(handle);
    expect(after.overdue).toBe(true);
    expect(after.escalationLevel).toBe(2);
    const mails = of(receiptNo).mails;
    const order = mails
      .map((m) => m.template)
      .filter((t) => t === 'complaint-reminder' || t === 'complaint-escalated');
    expect(order).toEqual(['complaint-reminder', 'complaint-escalated', 'complaint-escalated']);
    expect(mails.filter((m) => m.template === 'complaint-escalated').map((m) => m.to.kind)).toEqual([
      'team-leader',
      'director',
    ]);
    expect(eventTypes(receiptNo).filter((t) => t === 'escalated')).toHaveLength(2);
  });

  it('sends the citizen one interim progress notice half-way through a long (14-day) case', async () => {
    const handle = await start(14);
    await signedUpdate(handle, acceptUpdate, { actor: handler });
    expect(templates(handle.workflowId)).not.toContain('complaint-interim');
    await sleepDaysUntil(() => templates(handle.workflowId).includes('complaint-interim'));
    expect(templates(handle.workflowId).filter((t) => t === 'complaint-interim')).toHaveLength(1);
    expect((await state(handle)).overdue).toBe(false);
  });

  it('extends once on the handler’s word, a second time only with the citizen’s consent, and never a third time', async () => {
    const handle = await start(7);
    const receiptNo = handle.workflowId;
    await signedUpdate(handle, acceptUpdate, { actor: handler });
    const originalDue = (await state(handle)).dueAt;

    const first = await signedUpdate(handle, requestExtensionUpdate, {
      actor: handler,
      messageId: '1',
      days: 7,
    });
    expect(first.extensionCount).toBe(1);
    expect(new Date(first.dueAt).getTime()).toBeGreaterThan(new Date(originalDue).getTime());
    await eventually(() => expect(templates(receiptNo)).toContain('complaint-extended'));
    expect(
      await rejection(
        signedUpdate(handle, requestExtensionUpdate, { actor: handler, messageId: '1', days: 8 }),
      ),
    ).toBe('VALIDATION');

    const second = await signedUpdate(handle, requestExtensionUpdate, {
      actor: handler,
      messageId: '1',
      days: 3,
    });
    expect(second.extensionCount).toBe(1);
    expect(second.pendingExtension?.days).toBe(3);
    await eventually(() => expect(templates(receiptNo)).toContain('complaint-extension-consent'));
    const consented = await signedUpdate(handle, consentExtensionUpdate, { actor: citizen, consent: true });
    expect(consented.extensionCount).toBe(2);
    expect(consented.dueAt).toBe(second.pendingExtension?.newDueAt);

    expect(
      await rejection(
        signedUpdate(handle, requestExtensionUpdate, { actor: handler, messageId: '1', days: 1 }),
      ),
    ).toBe('WRONG_STAGE');
  });

  it('sends a survey reminder and closes without a rating when the survey deadline passes', async () => {
    const handle = await start(7);
    const receiptNo = handle.workflowId;
    const answered = await answerAndApprove(handle);
    expect(answered.stage).toBe('awaiting_rating');
    await eventually(() => expect(of(receiptNo).surveys.map((s) => s.kind)).toEqual(['invitation']));

    await ctx.env.sleep(6 * day);
    expect(of(receiptNo).surveys.map((s) => s.kind)).toEqual(['invitation', 'reminder']);
    const result = await handle.result();
    expect(result.stage).toBe('closed');
    const [outcome] = of(receiptNo).outcomes;
    expect(outcome).toMatchObject({
      kind: 'complaint-closed',
      slaMet: true,
      withdrawn: false,
      unitCode: 'T11',
      employeeNo: 'E1101',
    });
    expect(outcome?.satisfaction).toBeUndefined();
  });

  it('lets a dissatisfied citizen reopen within the window, and closes when the window ends', async () => {
    const reopened = await start(7);
    await answerAndApprove(reopened);
    await signedUpdate(reopened, rateUpdate, { actor: citizen, score: 2, messageId: '1' });
    expect((await state(reopened)).stage).toBe('awaiting_rating');
    const again = await signedUpdate(reopened, reopenUpdate, { actor: citizen, messageId: '1' });
    expect(again.stage).toBe('in_progress');
    expect(again.reopenCount).toBe(1);
    await eventually(() => expect(templates(reopened.workflowId)).toContain('complaint-reopened'));

    const lapsed = await start(7);
    await answerAndApprove(lapsed);
    await signedUpdate(lapsed, rateUpdate, { actor: citizen, score: 1 });
    const closed = await lapsed.result();
    expect(closed.stage).toBe('closed');
    expect(of(lapsed.workflowId).outcomes[0]?.satisfaction).toBe(1);
    expect(await rejection(signedUpdate(reopened, rateUpdate, { actor: citizen, score: 9 }))).toBe(
      'WRONG_STAGE',
    );
  });

  it('closes at once on a satisfied rating and reports the outcome exactly once', async () => {
    const handle = await start(7);
    await answerAndApprove(handle);
    await signedUpdate(handle, rateUpdate, { actor: citizen, score: 5, messageId: '1' });
    const result = await handle.result();
    expect(result.stage).toBe('closed');
    expect(of(handle.workflowId).outcomes).toHaveLength(1);
    expect(of(handle.workflowId).outcomes[0]).toMatchObject({ satisfaction: 5, slaMet: true });
  });

  it('stops the SLA clock while waiting on the citizen and lets the handler close after the info deadline', async () => {
    const resumed = await start(7);
    await signedUpdate(resumed, acceptUpdate, { actor: handler });
    const dueBefore = new Date((await state(resumed)).dueAt).getTime();
    const asked = await signedUpdate(resumed, requestInfoUpdate, {
      actor: handler,
      messageId: '1',
      deadlineDays: 5,
    });
    // The pause must hold working time whatever weekday the test clock starts on: a fixed two days
    // from a Friday evening is all weekend and moves nothing. Five business days always do.
    const untilJustBeforeDeadline =
      new Date(asked.infoRequest!.deadlineAt).getTime() - 3_600_000 - (await ctx.env.currentTimeMs());
    await ctx.env.sleep(untilJustBeforeDeadline);
    const after = await signedUpdate(resumed, addInfoUpdate, { actor: citizen, messageId: '1' });
    expect(after.stage).toBe('in_progress');
    expect(new Date(after.dueAt).getTime()).toBeGreaterThan(dueBefore);
    expect(after.pausedMillis).toBeGreaterThan(0);

    const expired = await start(7);
    await signedUpdate(expired, acceptUpdate, { actor: handler });
    const askedAgain = await signedUpdate(expired, requestInfoUpdate, {
      actor: handler,
      messageId: '1',
      deadlineDays: 2,
    });
    expect(
      await rejection(
        signedUpdate(expired, resolveInfoTimeoutUpdate, {
          actor: handler,
          decision: 'close',
          messageId: '1',
        }),
      ),
    ).toBe('WRONG_STAGE');
    // Past the deadline of two business days, wherever weekends and holidays put it.
    await ctx.env.sleep(
      new Date(askedAgain.infoRequest!.deadlineAt).getTime() + 3_600_000 - (await ctx.env.currentTimeMs()),
    );
    const waiting = await state(expired);
    expect(waiting.infoRequest?.expired).toBe(true);
    expect(templates(expired.workflowId)).toEqual(
      expect.arrayContaining([
        'complaint-info-requested',
        'complaint-info-reminder',
        'complaint-info-deadline',
      ]),
    );
    await signedUpdate(expired, resolveInfoTimeoutUpdate, {
      actor: handler,
      decision: 'close',
      messageId: '1',
    });
    expect((await expired.result()).stage).toBe('closed');
  });
});

describe('complaint workflow updates are validated, never ignored', () => {
  it('rejects an action in a wrong stage and an actor who is not allowed', async () => {
    const handle = await start(7);
    expect(await rejection(signedUpdate(handle, reviewUpdate, { actor: leader, decision: 'approve' }))).toBe(
      'WRONG_STAGE',
    );
    expect(await rejection(signedUpdate(handle, acceptUpdate, { actor: leader }))).toBe('FORBIDDEN');
    const otherTeamLeader: Actor = { ...leader, employeeNo: 'E1200', unitCode: 'T12' };
    await signedUpdate(handle, acceptUpdate, { actor: handler });
    await signedUpdate(handle, draftAnswerUpdate, { actor: handler, messageId: '1' });
    expect(
      await rejection(signedUpdate(handle, reviewUpdate, { actor: otherTeamLeader, decision: 'approve' })),
    ).toBe('FORBIDDEN');
    expect(await rejection(signedUpdate(handle, reviewUpdate, { actor: leader, decision: 'return' }))).toBe(
      'VALIDATION',
    );
    const returned = await signedUpdate(handle, reviewUpdate, {
      actor: leader,
      decision: 'return',
      messageId: '3',
    });
    expect(returned.stage).toBe('in_progress');
    expect(returned.answerMessageId).toBeUndefined();
  });

  it('reports a withdrawal as a withdrawn outcome', async () => {
    const handle = await start(7);
    await signedUpdate(handle, withdrawUpdate, { actor: citizen, messageId: '1' });
    expect((await handle.result()).stage).toBe('withdrawn');
    expect(of(handle.workflowId).outcomes[0]).toMatchObject({ withdrawn: true, slaMet: false });
  });
});
