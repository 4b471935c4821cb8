import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities/index.ts';
import type { ComplaintEventInput } from '../../activities/complaint.ts';
import type { NotificationInput } from '../../data/mail-outbox.ts';
import type { ComplaintInput, ComplaintState } from '../../domain/complaint.ts';
import {
  complaintActionUpdates,
  complaintStateQuery,
  reassignUpdate,
  transferUpdate,
  withdrawUpdate,
} from '../../domain/complaint-messages.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { complaintActionCatalogue } from '../../contracts/complaint-actions.ts';
import type { complaintWorkflow } from '../../workflows/complaint.ts';
import { statutoryBusinessCalendar, statutoryHolidays } from '../../platform/holiday-calendar.ts';
import { signedUpdate, untilComplaintState, useTimeSkippingWorker } from '../support/time-skipping.ts';
import { leader, citizen } from '../support/complaint-actors.ts';

/**
 * Issue 13: no business condition fails a complaint workflow. Nobody available in a team makes the case
 * wait in the team's queue (leader told, assignment retried) instead of ending FAILED; a bad transfer or
 * reassignment target fails only that Update. Activities here are stubs whose staff availability the test
 * switches, so every path is driven on the time-skipping server.
 */
const minute = 60_000;

const availableByTeam = new Map<string, string[]>([['T11', ['E1101']]]);
const events = new Map<string, ComplaintEventInput[]>();
const mails = new Map<string, NotificationInput[]>();
const push = <T>(map: Map<string, T[]>, key: string, value: T) =>
  map.set(key, [...(map.get(key) ?? []), value]);

const activities: Pick<
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
  async assignHandler({ teamCode }) {
    const available = availableByTeam.get(teamCode) ?? [];
    if (available.length === 0)
      throw ApplicationFailure.nonRetryable(
        `No available handler in team ${teamCode}`,
        ErrorCode.NO_HANDLER_AVAILABLE,
      );
    return {
      handler: { employeeNo: available[0]!, name: available[0]!, team: teamCode },
      reason: 'least open load: 0',
    };
  },
  async recordComplaintEvent(event) {
    push(events, event.receiptNo, event);
  },
  async resolveTeam({ teamCode }) {
    if (!teamCode.startsWith('T'))
      throw ApplicationFailure.nonRetryable(`Unknown team: ${teamCode}`, ErrorCode.VALIDATION);
    return { teamCode, teamName: teamCode, headquartersCode: 'HQ1' };
  },
  async checkReassignTarget({ employeeNo, teamCode }) {
    if (!(availableByTeam.get(teamCode) ?? []).includes(employeeNo))
      throw ApplicationFailure.nonRetryable(`${employeeNo} is not available`, ErrorCode.VALIDATION);
    return { employeeNo, name: employeeNo, team: teamCode };
  },
  async reportOutcome() {},
  async sendNotification(input) {
    push(mails, String((input.data as { receiptNo: string }).receiptNo), input);
    return { status: 'sent' };
  },
  async sendSurveyMail() {
    return { status: 'sent' };
  },
  async loadCalendarSnapshot() {
    return { version: 1, from: '2018-01-01', to: '2050-12-31', holidays: statutoryHolidays() };
  },
};

const ctx = useTimeSkippingWorker('complaint-business-errors', activities);

async function start(teamCode: string): Promise<WorkflowHandle<typeof complaintWorkflow>> {
  const receiptNo = `MW-2026-${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const receivedAt = new Date(await ctx.env.currentTimeMs());
  const input: ComplaintInput = {
    receiptNo,
    categoryCode: 'Q-GENERAL',
    teamCode,
    headquartersCode: 'HQ1',
    slaDays: 7,
    receivedAt: receivedAt.toISOString(),
    dueAt: statutoryBusinessCalendar().computeDueAt(receivedAt, 7).toISOString(),
  };
  return ctx.env.client.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
    workflowId: receiptNo,
    taskQueue: ctx.taskQueue,
    args: [input],
  });
}

const state = (handle: WorkflowHandle): Promise<ComplaintState> => handle.query(complaintStateQuery);

async function updateFailure(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    let cause: unknown = (error as WorkflowUpdateFailedError).cause;
    while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
    return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
  }
  throw new Error('expected the update to fail');
}

/** Withdraws the case and checks that the run ended COMPLETED, never FAILED. */
async function endsCompleted(handle: WorkflowHandle) {
  await signedUpdate(ctx, handle, withdrawUpdate, { actor: citizen, messageId: '1' });
  await handle.result();
  expect((await handle.describe()).status.name).toBe('COMPLETED');
}

describe('no business condition fails a complaint workflow', () => {
  it('waits for a handler when nobody in the team is available, tells the leader once, and assigns when someone returns', async () => {
    availableByTeam.set('T-EMPTY1', []);
    const handle = await start('T-EMPTY1');
    const waiting = await untilComplaintState(handle, (s) => s.awaitingHandler !== undefined);
    expect(waiting.stage).toBe('received');
    expect(waiting.handler).toBeUndefined();

    await ctx.env.sleep(95 * minute);
    const stillWaiting = await state(handle);
    expect(stillWaiting.awaitingHandler?.attempts).toBeGreaterThanOrEqual(3);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const leaderMails = (mails.get(handle.workflowId) ?? []).filter(
      (m) => m.template === 'complaint-unassigned',
    );
    expect(leaderMails.map((m) => m.to)).toEqual([{ kind: 'team-leader', teamCode: 'T-EMPTY1' }]);
    const waitingEvent = (events.get(handle.workflowId) ?? []).find((e) => e.type === 'assignment-waiting');
    expect(waitingEvent?.patch?.pendingStep).toBe('assign');

    availableByTeam.set('T-EMPTY1', ['E7001']);
    await ctx.env.sleep(31 * minute);
    const assigned = await untilComplaintState(handle, (s) => s.stage === 'assigned');
    expect(assigned.handler?.employeeNo).toBe('E7001');
    expect(assigned.awaitingHandler).toBeUndefined();
    await endsCompleted(handle);
  });

  it('keeps a complaint transferred to a team with nobody available waiting in that team, then assigns there', async () => {
    availableByTeam.set('T-EMPTY2', []);
    const handle = await start('T11');
    await untilComplaintState(handle, (s) => s.stage === 'assigned');
    const transferred = await signedUpdate(ctx, handle, transferUpdate, {
      actor: leader,
      teamCode: 'T-EMPTY2',
      messageId: '1',
    });
    expect(transferred.awaitingHandler?.teamCode).toBe('T-EMPTY2');
    expect(transferred.handler).toBeUndefined();
    availableByTeam.set('T-EMPTY2', ['E7002']);
    await ctx.env.sleep(31 * minute);
    const assigned = await untilComplaintState(handle, (s) => s.stage === 'assigned');
    expect(assigned.handler?.employeeNo).toBe('E7002');
    expect(assigned.teamCode).toBe('T-EMPTY2');
    await endsCompleted(handle);
  });

  it('fails only the Update when a transfer or reassignment names an unknown team or an unavailable person', async () => {
    const handle = await start('T11');
    await untilComplaintState(handle, (s) => s.stage === 'assigned');
    expect(
      await updateFailure(
        signedUpdate(ctx, handle, transferUpdate, { actor: leader, teamCode: 'X-NOWHERE', messageId: '1' }),
      ),
    ).toBe(ErrorCode.VALIDATION);
    expect(
      await updateFailure(
        signedUpdate(ctx, handle, reassignUpdate, { actor: leader, employeeNo: 'E9999', messageId: '1' }),
      ),
    ).toBe(ErrorCode.VALIDATION);
    const after = await state(handle);
    expect(after.stage).toBe('assigned');
    expect(after.teamCode).toBe('T11');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await endsCompleted(handle);
  });

  it('handles the Update of every action in the catalogue (an unsigned call is refused by its validator)', async () => {
    const handle = await start('T11');
    await untilComplaintState(handle, (s) => s.stage === 'assigned');
    for (const [action, entry] of Object.entries(complaintActionCatalogue)) {
      const update = complaintActionUpdates[entry.update];
      expect(update.name, action).toBe(entry.update);
      const refused = await updateFailure(
        handle.executeUpdate(update, { args: [{ actor: leader } as never] }),
      );
      expect(refused, action).toBe(ErrorCode.FORBIDDEN);
    }
    expect((await state(handle)).stage).toBe('assigned');
    await endsCompleted(handle);
  });
});
