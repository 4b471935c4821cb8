import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  act,
  approvePlan,
  DAY,
  director,
  leader,
  mailsTo,
  otherDirector,
  outsiderLeader,
  owner,
  recordedFor,
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

async function failureOf(promise: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return {
      type: (cause as ApplicationFailure).type ?? undefined,
      message: (cause as ApplicationFailure).message,
    };
  }
  throw new Error('the update was accepted');
}

describe('policy-task workflow (time-skipping)', () => {
  it('runs draft → two-step plan review → execution → completion → quality review → final approval → done, and reports the outcome once', async () => {
    const handle = await startTask(t, { milestoneDays: [10, 20], outcomeTarget: 50 });
    const taskId = handle.workflowId;
    expect((await approvePlan(handle)).stage).toBe('execution');
    expect(mailsTo(taskId, 'E2100', 'task-review-requested')).toHaveLength(1);
    await waitFor(() => mailsTo(taskId, 'E0200', 'task-review-requested').length === 1);

    await act(handle, owner, { type: 'report-progress', text: '설문 설계 완료', progress: 30 });
    await act(handle, owner, { type: 'complete-milestone', seq: 1, evidence: '설문 결과 보고서' });
    await act(handle, owner, { type: 'complete-milestone', seq: 2, evidence: '개선안 확정 공문' });
    expect(
      (await act(handle, owner, { type: 'submit-completion', summary: '처리기간 40% 단축', actualValue: 40 }))
        .stage,
    ).toBe('quality_review');
    expect(
      (await act(handle, leader, { type: 'quality-review', score: 90, opinion: '품질 우수' })).stage,
    ).toBe('final_approval');
    expect((await act(handle, director, { type: 'final-approve', opinion: '최종 승인' })).stage).toBe('done');

    const result = await handle.result();
    expect(result.stage).toBe('done');
    // 40 against a target of 50: 80; both milestones on time: 100; the quality score: 90.
    expect(result.outcome).toEqual({ goalAchievement: 80, timeliness: 100, quality: 90 });
    const { outcomes, events } = recordedFor(taskId);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      kind: 'task-done',
      taskId,
      unitCode: 'T21',
      employeeNo: 'E2101',
      year: 2026,
      goalAchievement: 80,
    });
    // The patched improvement: the owner hears the final result with the scores.
    expect(mailsTo(taskId, 'E2101', 'task-done').map((m) => m.data)).toEqual([
      expect.objectContaining({ goalAchievement: 80, timeliness: 100, quality: 90, opinion: '최종 승인' }),
    ]);

    const trail = events.flatMap((e) => (e.decision ? [e.decision] : []));
    expect(trail.map((d) => [d.phase, d.actorNo, d.role, d.decision])).toEqual([
      ['plan', 'E2101', 'OWNER', 'submit'],
      ['plan', 'E2100', 'TEAM_LEADER', 'approve'],
      ['plan', 'E0200', 'DIRECTOR', 'approve'],
      ['quality', 'E2100', 'TEAM_LEADER', 'accept'],
      ['final', 'E0200', 'DIRECTOR', 'approve'],
    ]);
    expect(trail[3]!.score).toBe(90);
    expect(new Set(events.map((e) => e.eventKey)).size).toBe(events.length);
    expect(events.at(-1)!.readModel).toMatchObject({ stage: 'done', pendingStep: null, qualityScore: 90 });
  });

  it('returns a plan to the owner with the opinion kept, and a resubmission starts the chain again at the team leader', async () => {
    const handle = await startTask(t);
    await act(handle, owner, { type: 'submit' });
    await act(handle, leader, { type: 'review', decision: 'approve', opinion: '좋습니다' });
    const returned = await act(handle, director, {
      type: 'review',
      decision: 'return',
      opinion: '성과지표를 구체화하세요',
    });
    expect(returned.stage).toBe('draft');
    expect(returned.pendingStep).toMatchObject({ step: 'revise-plan', assigneeNo: 'E2101' });
    await waitFor(() => mailsTo(handle.workflowId, 'E2101', 'task-decision').length === 1);
    expect(mailsTo(handle.workflowId, 'E2101', 'task-decision')[0]!.data).toMatchObject({
      decision: 'return',
      opinion: '성과지표를 구체화하세요',
    });

    const resubmitted = await act(handle, owner, { type: 'submit', note: '지표 구체화함' });
    expect(resubmitted.pendingStep).toMatchObject({ step: 'leader-review', assigneeNo: 'E2100' });
    const state = await stateOf(handle);
    expect(state.round).toBe(2);
    expect(state.decisions.map((d) => `${d.round}:${d.actorNo}:${d.decision}`)).toEqual([
      '1:E2101:submit',
      '1:E2100:approve',
      '1:E0200:return',
      '2:E2101:submit',
    ]);
    await act(handle, leader, { type: 'review', decision: 'reject', opinion: '추진 여건 미비' });
    expect((await handle.result()).stage).toBe('rejected');
    expect(recordedFor(handle.workflowId).outcomes).toHaveLength(0);
  });

  it('rejects in the Update validator: a wrong stage (WRONG_STAGE), a person outside the chain or not holding the step (FORBIDDEN), bad input (VALIDATION)', async () => {
    const handle = await startTask(t);
    expect(
      await failureOf(act(handle, leader, { type: 'review', decision: 'approve', opinion: 'ok' })),
    ).toMatchObject({ type: 'WRONG_STAGE' });
    expect(await failureOf(act(handle, owner, { type: 'submit-completion', summary: 'x' }))).toMatchObject({
      type: 'WRONG_STAGE',
    });
    expect(await failureOf(act(handle, leader, { type: 'submit' }))).toMatchObject({ type: 'FORBIDDEN' });
    await act(handle, owner, { type: 'submit' });
    const outsider = await failureOf(
      act(handle, outsiderLeader, { type: 'review', decision: 'approve', opinion: 'ok' }),
    );
    expect(outsider).toMatchObject({ type: 'FORBIDDEN' });
    expect(outsider.message).toContain('not in this task');
    // The director is in the chain but the pending step is the team leader's.
    expect(
      await failureOf(act(handle, director, { type: 'review', decision: 'approve', opinion: 'ok' })),
    ).toMatchObject({ type: 'FORBIDDEN' });
    expect(
      await failureOf(act(handle, leader, { type: 'review', decision: 'approve', opinion: '  ' })),
    ).toMatchObject({ type: 'VALIDATION' });
    await act(handle, leader, { type: 'review', decision: 'approve', opinion: 'ok' });
    await act(handle, director, { type: 'review', decision: 'approve', opinion: 'ok' });
    expect(
      await failureOf(act(handle, otherDirector, { type: 'designate-focus', reason: '지연' })),
    ).toMatchObject({ type: 'FORBIDDEN' });
    expect(
      await failureOf(act(handle, owner, { type: 'complete-milestone', seq: 9, evidence: 'x' })),
    ).toMatchObject({ type: 'VALIDATION' });
    expect(await failureOf(act(handle, owner, { type: 'submit-completion', summary: 'done' }))).toMatchObject(
      { type: 'CONFLICT' },
    );
    const state = await stateOf(handle);
    expect(state.stage).toBe('execution');
    expect(state.decisions).toHaveLength(3);
  });

  it('reminds the owner before a milestone is due, escalates to the team leader when it is overdue and to the director three days later', async () => {
    const handle = await startTask(t, { milestoneDays: [10, 30] });
    const taskId = handle.workflowId;
    await approvePlan(handle);
    await t.env.sleep(6 * DAY);
    expect(mailsTo(taskId, 'E2101', 'task-milestone-reminder')).toHaveLength(0);
    await t.env.sleep(1.5 * DAY); // day 7.5: three days before day 10
    await waitFor(() => mailsTo(taskId, 'E2101', 'task-milestone-reminder').length === 1);
    expect(mailsTo(taskId, 'E2100', 'task-milestone-overdue')).toHaveLength(0);

    await t.env.sleep(3 * DAY); // day 10.5: overdue
    await waitFor(() => mailsTo(taskId, 'E2100', 'task-milestone-overdue').length === 1);
    expect(mailsTo(taskId, 'E0200', 'task-milestone-overdue')).toHaveLength(0);
    let state = await stateOf(handle);
    expect(state.milestones[0]!.escalation).toBe(1);
    const overdueEvent = recordedFor(taskId).events.find((e) => e.type === 'milestone-overdue')!;
    expect(overdueEvent.readModel).toMatchObject({ light: 'RED', overdue: true });

    await t.env.sleep(3 * DAY); // day 13.5: director
    await waitFor(() => mailsTo(taskId, 'E0200', 'task-milestone-overdue').length === 1);
    state = await stateOf(handle);
    expect(state.milestones[0]!.escalation).toBe(2);
    // The second milestone's timers are independent and have not fired.
    expect(state.milestones[1]).toMatchObject({ reminded: false, escalation: 0 });
    // Completing the late milestone stops its timers; no further mails about it.
    await act(handle, owner, { type: 'complete-milestone', seq: 1, evidence: '늦었지만 완료' });
    const before = recordedFor(taskId).mails.length;
    await t.env.sleep(5 * DAY);
    expect(recordedFor(taskId).mails.filter((m) => (m.data as { seq?: number }).seq === 1).length).toBe(
      recordedFor(taskId)
        .mails.slice(0, before)
        .filter((m) => (m.data as { seq?: number }).seq === 1).length,
    );
  });

  it('keeps a weekly report cadence under focus management: reminder a day before, a missed report escalates, a report resets it, release stops it', async () => {
    const handle = await startTask(t, { milestoneDays: [80, 90] });
    const taskId = handle.workflowId;
    await approvePlan(handle);
    const designated = await act(handle, director, { type: 'designate-focus', reason: '진도 부진' });
    expect(designated.focus).toBe(true);
    expect(designated.pendingStep).toMatchObject({ step: 'focus-report', assigneeNo: 'E2101' });
    await waitFor(() => mailsTo(taskId, 'E2101', 'task-focus').length === 1);

    await t.env.sleep(6.5 * DAY); // reminder at day 6
    await waitFor(() => mailsTo(taskId, 'E2101', 'task-focus-report-due').length === 1);
    expect(mailsTo(taskId, 'E2100', 'task-focus-report-missed')).toHaveLength(0);
    await t.env.sleep(2 * DAY); // day 8.5: due day 7 + 1 day grace → missed
    await waitFor(() => mailsTo(taskId, 'E0200', 'task-focus-report-missed').length === 1);
    expect(mailsTo(taskId, 'E2100', 'task-focus-report-missed')).toHaveLength(1);
    expect((await stateOf(handle)).focus).toMatchObject({ missed: 1 });

    // Reporting on day 9 moves the next due time to day 16: no reminder before day 15.
    await act(handle, owner, {
      type: 'report-progress',
      text: '주간 보고: 관계부처 협의 완료',
      progress: 35,
    });
    const reportDueAt = Date.parse((await stateOf(handle)).focus.reportDueAt!);
    expect(Math.abs(reportDueAt - ((await t.env.currentTimeMs()) + 7 * DAY))).toBeLessThan(60_000);
    await t.env.sleep(5.5 * DAY); // day 14.5
    expect(mailsTo(taskId, 'E2101', 'task-focus-report-due')).toHaveLength(1);
    await t.env.sleep(1 * DAY); // day 15.5
    await waitFor(() => mailsTo(taskId, 'E2101', 'task-focus-report-due').length === 2);

    await act(handle, director, { type: 'release-focus', reason: '정상 궤도 회복' });
    const mailsAtRelease = recordedFor(taskId).mails.length;
    await t.env.sleep(14 * DAY);
    const focusMails = recordedFor(taskId)
      .mails.slice(mailsAtRelease)
      .filter((m) => m.template.startsWith('task-focus-report'));
    expect(focusMails).toHaveLength(0);
    const trail = (await stateOf(handle)).decisions.filter((d) => d.phase === 'focus');
    expect(trail.map((d) => [d.actorNo, d.decision, d.opinion])).toEqual([
      ['E0200', 'designate', '진도 부진'],
      ['E0200', 'release', '정상 궤도 회복'],
    ]);
  });

  it('reminds a reviewer who has not decided after two days and escalates to their superior after five', async () => {
    const handle = await startTask(t);
    const taskId = handle.workflowId;
    await act(handle, owner, { type: 'submit' });
    await t.env.sleep(2.5 * DAY);
    await waitFor(() => mailsTo(taskId, 'E2100', 'task-review-reminder').length === 1);
    expect(mailsTo(taskId, 'E0200', 'task-review-overdue')).toHaveLength(0);
    await t.env.sleep(3 * DAY); // day 5.5
    await waitFor(() => mailsTo(taskId, 'E0200', 'task-review-overdue').length === 1);
    expect(mailsTo(taskId, 'E2100', 'task-review-overdue')).toHaveLength(1);
    const escalation = recordedFor(taskId).events.find((e) => e.type === 'review-overdue')!;
    expect(escalation.detail).toMatchObject({ reviewerNo: 'E2100', escalatedTo: 'E0200' });
    expect(escalation.readModel).toMatchObject({ pendingAssigneeNo: 'E2100', overdue: true });

    // The next reviewer's clock starts when their step opens; a director's overdue step goes to the head.
    await act(handle, leader, { type: 'review', decision: 'approve', opinion: '늦어서 죄송합니다' });
    await t.env.sleep(5.5 * DAY);
    await waitFor(() => mailsTo(taskId, 'E0001', 'task-review-overdue').length === 1);
  });

  it('continues as new under a low history threshold without losing reviews, reports, milestone timers or mail', async () => {
    const handle = await startTask(t, { settings: { historyThreshold: 40 }, milestoneDays: [30, 60] });
    const taskId = handle.workflowId;
    const currentRunId = async () => (await t.env.client.workflow.getHandle(taskId).describe()).runId;
    // Queries only once the newest run has completed its first workflow task (see stateOf).
    const settled = () =>
      waitFor(async () => {
        const history = await t.env.client.workflow.getHandle(taskId, await currentRunId()).fetchHistory();
        return (history.events ?? []).some((e) => e.workflowTaskCompletedEventAttributes);
      });

    await approvePlan(handle);
    await act(handle, director, { type: 'designate-focus', reason: '중점 관리' });
    for (let week = 1; week <= 6; week += 1) {
      await act(handle, owner, { type: 'report-progress', text: `${week}주차 보고`, progress: week * 5 });
      await t.env.sleep(1 * DAY);
    }
    await act(handle, owner, { type: 'complete-milestone', seq: 1, evidence: '1단계 완료' });
    const firstDueAt = recordedFor(taskId).events.at(-1)!.milestones[0]!.dueAt;
    await act(handle, owner, {
      type: 'change-plan',
      reason: '2단계 일정 조정',
      milestones: [
        { seq: 1, title: '중간목표 1', dueAt: firstDueAt, weight: 50 },
        {
          seq: 2,
          title: '중간목표 2 (조정)',
          dueAt: new Date((await t.env.currentTimeMs()) + 20 * DAY).toISOString(),
          weight: 50,
        },
      ],
    });
    // Keep reporting until the workflow continues as new with the change review still pending.
    const runWithPendingReview = await currentRunId();
    let extraReports = 0;
    while ((await currentRunId()) === runWithPendingReview) {
      extraReports += 1;
      expect(extraReports).toBeLessThan(15);
      await act(handle, owner, { type: 'report-progress', text: `추가 보고 ${extraReports}`, progress: 40 });
    }
    await settled();

    const state = await stateOf(handle);
    expect(state.generation).toBeGreaterThanOrEqual(2);
    expect(state.stage).toBe('change_review');
    expect(state.pending).toMatchObject({ phase: 'change', reviewer: { employeeNo: 'E2100' } });
    expect(state.reports).toHaveLength(6 + extraReports);
    expect(state.decisions.map((d) => d.decision)).toEqual([
      'submit',
      'approve',
      'approve',
      'designate',
      'submit',
    ]);
    expect(state.focus.active).toBe(true);
    expect(state.milestones[0]!.completedAt).toBeDefined();

    // The carried change review still works, and the new plan's timer fires in a later run.
    await act(handle, leader, { type: 'review', decision: 'approve', opinion: '조정 타당' });
    await act(handle, director, { type: 'review', decision: 'approve', opinion: '승인' });
    await act(handle, director, { type: 'release-focus', reason: '해제' });
    await t.env.sleep(21 * DAY);
    await waitFor(() =>
      mailsTo(taskId, 'E2100', 'task-milestone-overdue').some((m) => (m.data as { seq: number }).seq === 2),
    );
    await settled();

    const final = await stateOf(handle);
    expect(final.planVersion).toBe(2);
    expect(final.decisions).toHaveLength(8);
    expect(final.reports).toHaveLength(6 + extraReports);
    const events = recordedFor(taskId).events;
    expect(new Set(events.map((e) => e.eventKey)).size).toBe(events.length);
    expect(final.eventSeq).toBe(events.length);
    const mailKeys = recordedFor(taskId).mails.map((m) => m.key);
    expect(new Set(mailKeys).size).toBe(mailKeys.length);
    expect(await currentRunId()).not.toBe(handle.firstExecutionRunId);
  });
});
