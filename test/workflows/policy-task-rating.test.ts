import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  customersOf,
  rate,
  DAY,
  recordedFor,
  runToDone,
  startTask,
  startTaskTestEnv,
  stateOf,
  type TaskTestEnv,
} from './policy-task.support.ts';
import { waitFor } from '../support/wait-for.ts';

let t: TaskTestEnv;
beforeAll(async () => {
  t = await startTaskTestEnv();
});
afterAll(async () => {
  await t?.stop();
});

async function rejectionOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((error as WorkflowUpdateFailedError).cause as ApplicationFailure).type ?? undefined;
  }
  throw new Error('the update was accepted');
}

describe("policy-task workflow: the customers' rating step (time-skipping)", () => {
  it('tells customers of each milestone, opens a rating at done, reminds only those who have not rated once, closes at the deadline and reports the mean once', async () => {
    const handle = await startTask(t, { milestoneDays: [10, 20] });
    const taskId = handle.workflowId;
    customersOf.set(taskId, [11, 12, 13]);
    expect((await runToDone(handle)).stage).toBe('done');

    const notices = () => recordedFor(taskId).customerNotices;
    expect(
      notices()
        .filter((n) => n.kind === 'milestone')
        .map((n) => n.seq),
    ).toEqual([1, 2]);
    await waitFor(() => notices().some((n) => n.kind === 'rating-invitation'));
    const invitation = notices().find((n) => n.kind === 'rating-invitation')!;
    expect(invitation.customerIds).toEqual([11, 12, 13]);
    const state = await stateOf(handle);
    expect(Date.parse(invitation.closesAt!) - Date.parse(state.doneAt!)).toBeGreaterThanOrEqual(
      14 * DAY - 60_000,
    );

    const rateAs = (customerId: number, score: number) => rate(handle, customerId, score);
    expect(await rateAs(11, 5)).toMatchObject({ rated: 1, expected: 3, closed: false });
    expect(await rateAs(11, 5)).toMatchObject({ rated: 1 }); // a retry counts once
    expect(await rejectionOf(rateAs(11, 3))).toBe('CONFLICT');
    expect(await rejectionOf(rateAs(99, 4))).toBe('FORBIDDEN');
    expect(await rejectionOf(rateAs(12, 6))).toBe('VALIDATION');
    expect(await rateAs(12, 2)).toMatchObject({ rated: 2, expected: 3 });

    // Three days before the close: one reminder, only to the customer who has not rated.
    await t.env.sleep(11 * DAY + 3_600_000);
    await waitFor(() => notices().some((n) => n.kind === 'rating-reminder'));
    expect(
      notices()
        .filter((n) => n.kind === 'rating-reminder')
        .map((n) => n.customerIds),
    ).toEqual([[13]]);

    const result = await handle.result();
    expect(result.stage).toBe('done');
    // Once closed (and the workflow finished) a late rating is not taken.
    await expect(rateAs(13, 4)).rejects.toThrow();
    const rated = recordedFor(taskId).outcomes.filter((o) => o.kind === 'task-rated');
    expect(rated).toEqual([
      expect.objectContaining({
        kind: 'task-rated',
        outcomeKey: `task-rated:${taskId}`,
        unitCode: 'T21',
        employeeNo: 'E2101',
        satisfaction: 3.5,
        ratings: 2,
      }),
    ]);
    const closed = recordedFor(taskId).events.find((e) => e.type === 'customer-rating-closed');
    expect(closed).toMatchObject({ customerSatisfaction: 3.5, detail: { ratings: 2, satisfaction: 3.5 } });
    expect(notices().filter((n) => n.kind === 'rating-reminder')).toHaveLength(1);
  });

  it('closes as soon as every customer rated, and a task without customers ends at done with no rating step', async () => {
    const rated = await startTask(t, { milestoneDays: [10, 20] });
    customersOf.set(rated.workflowId, [21]);
    await runToDone(rated);
    await waitFor(() =>
      recordedFor(rated.workflowId).customerNotices.some((n) => n.kind === 'rating-invitation'),
    );
    expect(await rate(rated, 21, 4)).toMatchObject({ closed: true });
    await rated.result();
    expect(recordedFor(rated.workflowId).outcomes.find((o) => o.kind === 'task-rated')).toMatchObject({
      satisfaction: 4,
    });
    expect(recordedFor(rated.workflowId).customerNotices.some((n) => n.kind === 'rating-reminder')).toBe(
      false,
    );

    const alone = await startTask(t, { milestoneDays: [10, 20] });
    await runToDone(alone);
    expect((await alone.result()).stage).toBe('done');
    expect(recordedFor(alone.workflowId).outcomes.map((o) => o.kind)).toEqual(['task-done']);
    expect(recordedFor(alone.workflowId).customerNotices.map((n) => n.kind)).toEqual([
      'milestone',
      'milestone',
    ]);
  });
});
