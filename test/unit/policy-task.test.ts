import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyAlarm,
  applyTaskAction,
  checkMilestonePlan,
  checkTaskAction,
  defaultTaskSettings,
  initialTaskState,
  milestoneCompletion,
  pendingStepOf,
  scheduledAlarms,
  taskLight,
  taskOutcomeScores,
  type MilestonePlan,
  type PolicyTaskState,
  type TaskAction,
  type TaskActor,
  type TaskParticipants,
} from '../../domain/policy-task.ts';
import { renderMail } from '../../domain/mail-templates.ts';

const DAY = 24 * 3600_000;
const t0 = Date.parse('2026-03-02T00:00:00.000Z');
const at = (days: number) => new Date(t0 + days * DAY).toISOString();
const settings = defaultTaskSettings;

const participants: TaskParticipants = {
  ownerNo: 'E2101',
  teamCode: 'T21',
  headquartersCode: 'HQ2',
  leaderNo: 'E2100',
  directorNo: 'E0200',
  headNo: 'E0001',
  planChain: [
    { step: 'leader-review', role: 'TEAM_LEADER', employeeNo: 'E2100' },
    { step: 'director-review', role: 'DIRECTOR', employeeNo: 'E0200' },
  ],
  qualityReviewer: { step: 'quality-review', role: 'TEAM_LEADER', employeeNo: 'E2100' },
  finalApprover: { step: 'final-approval', role: 'DIRECTOR', employeeNo: 'E0200' },
};
const owner: TaskActor = { employeeNo: 'E2101', role: 'STAFF', unitCode: 'T21', headquartersCode: 'HQ2' };
const leader: TaskActor = {
  employeeNo: 'E2100',
  role: 'TEAM_LEADER',
  unitCode: 'T21',
  headquartersCode: 'HQ2',
};
const director: TaskActor = {
  employeeNo: 'E0200',
  role: 'DIRECTOR',
  unitCode: 'HQ2',
  headquartersCode: 'HQ2',
};
const head: TaskActor = { employeeNo: 'E0001', role: 'HEAD', unitCode: 'MIN', headquartersCode: null };
const outsider: TaskActor = {
  employeeNo: 'E1200',
  role: 'TEAM_LEADER',
  unitCode: 'T12',
  headquartersCode: 'HQ1',
};

const plan: MilestonePlan[] = [
  { seq: 1, title: '실태조사', dueAt: at(30), weight: 40 },
  { seq: 2, title: '개선안 확정', dueAt: at(60), weight: 60 },
];

function newTask(): PolicyTaskState {
  return initialTaskState({
    taskId: 'PT-2026-0001',
    taskType: 'standard',
    title: '과제',
    participants,
    milestones: plan,
    createdAt: at(0),
  });
}

/** Applies an action after checking it, as the workflow does; throws on a rejection. */
function run(state: PolicyTaskState, actor: TaskActor, action: TaskAction, day: number) {
  const rejection = checkTaskAction(state, { actor, action }, t0 + day * DAY);
  if (rejection) throw new Error(`${rejection.code}: ${rejection.message}`);
  return applyTaskAction(state, { actor, action }, at(day), settings);
}

function inExecution(): PolicyTaskState {
  const state = newTask();
  run(state, owner, { type: 'submit' }, 1);
  run(state, leader, { type: 'review', decision: 'approve', opinion: 'ok' }, 2);
  run(state, director, { type: 'review', decision: 'approve', opinion: 'ok' }, 3);
  return state;
}

describe('milestone plans', () => {
  it('accepts 1–20 milestones with distinct numbers, future due times and weights adding up to 100', () => {
    expect(checkMilestonePlan(plan, t0)).toBeUndefined();
    expect(checkMilestonePlan([], t0)).toMatch(/1 to 20/);
    expect(checkMilestonePlan([{ ...plan[0]!, weight: 50 }, plan[1]!], t0)).toMatch(/add up to 100/);
    expect(checkMilestonePlan([plan[0]!, { ...plan[1]!, seq: 1 }], t0)).toMatch(/twice/);
    expect(checkMilestonePlan(plan, t0 + 40 * DAY)).toMatch(/Milestone 1 is due in the past/);
    expect(checkMilestonePlan(plan, t0 + 40 * DAY, new Set([1]))).toBeUndefined();
    expect(checkMilestonePlan([{ ...plan[1]!, weight: 100 }], t0, new Set([1]))).toMatch(/cannot be removed/);
  });
});

describe('action rules', () => {
  it('checks the stage first (409), then who acts (403), then the input (422)', () => {
    const state = newTask();
    expect(
      checkTaskAction(
        state,
        { actor: outsider, action: { type: 'review', decision: 'approve', opinion: '' } },
        t0,
      )?.code,
    ).toBe('WRONG_STAGE');
    run(state, owner, { type: 'submit' }, 1);
    expect(
      checkTaskAction(
        state,
        { actor: outsider, action: { type: 'review', decision: 'approve', opinion: '' } },
        t0,
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('not in this task'),
    });
    expect(
      checkTaskAction(
        state,
        { actor: director, action: { type: 'review', decision: 'approve', opinion: 'x' } },
        t0,
      )?.code,
    ).toBe('FORBIDDEN');
    expect(
      checkTaskAction(
        state,
        { actor: leader, action: { type: 'review', decision: 'approve', opinion: ' ' } },
        t0,
      )?.code,
    ).toBe('VALIDATION');
    expect(
      checkTaskAction(
        state,
        { actor: leader, action: { type: 'review', decision: 'approve', opinion: 'x' } },
        t0,
      ),
    ).toBeUndefined();
  });

  it("lets only the director of the task's headquarters or the head manage focus", () => {
    const state = inExecution();
    const designate: TaskAction = { type: 'designate-focus', reason: '지연' };
    expect(
      checkTaskAction(state, { actor: { ...director, headquartersCode: 'HQ1' }, action: designate }, t0)
        ?.code,
    ).toBe('FORBIDDEN');
    expect(checkTaskAction(state, { actor: leader, action: designate }, t0)?.code).toBe('FORBIDDEN');
    expect(checkTaskAction(state, { actor: director, action: designate }, t0)).toBeUndefined();
    expect(checkTaskAction(state, { actor: head, action: designate }, t0)).toBeUndefined();
  });

  it("keeps a returned plan's opinions and restarts the chain at its first step on resubmission", () => {
    const state = newTask();
    run(state, owner, { type: 'submit' }, 1);
    run(state, leader, { type: 'review', decision: 'approve', opinion: '좋음' }, 2);
    const returned = run(state, director, { type: 'review', decision: 'return', opinion: '보완 필요' }, 3);
    expect(state.stage).toBe('draft');
    expect(returned.mails[0]).toMatchObject({ toEmployeeNo: 'E2101', template: 'task-decision' });
    run(state, owner, { type: 'submit', note: '보완함' }, 4);
    expect(state.pending).toMatchObject({ stepIndex: 0, reviewer: { employeeNo: 'E2100' } });
    expect(state.decisions.map((d) => [d.round, d.decision, d.opinion])).toEqual([
      [1, 'submit', ''],
      [1, 'approve', '좋음'],
      [1, 'return', '보완 필요'],
      [2, 'submit', '보완함'],
    ]);
  });

  it('applies a changed plan only after the whole chain approves it, keeping completed milestones', () => {
    const state = inExecution();
    run(state, owner, { type: 'complete-milestone', seq: 1, evidence: '보고서' }, 20);
    const changed: MilestonePlan[] = [
      { ...plan[0]!, weight: 30 },
      { ...plan[1]!, dueAt: at(90), weight: 70 },
    ];
    run(state, owner, { type: 'change-plan', reason: '일정 조정', milestones: changed }, 21);
    expect(state.stage).toBe('change_review');
    expect(state.milestones[1]!.dueAt).toBe(at(60));
    run(state, leader, { type: 'review', decision: 'approve', opinion: 'ok' }, 22);
    expect(state.milestones[1]!.dueAt).toBe(at(60));
    run(state, director, { type: 'review', decision: 'approve', opinion: 'ok' }, 23);
    expect(state.stage).toBe('execution');
    expect(state.planVersion).toBe(2);
    expect(state.milestones.map((m) => [m.seq, m.dueAt, m.weight, Boolean(m.completedAt)])).toEqual([
      [1, at(30), 30, true],
      [2, at(90), 70, false],
    ]);
  });

  it('keeps the approved plan when a change is returned', () => {
    const state = inExecution();
    run(
      state,
      owner,
      { type: 'change-plan', reason: '연기', milestones: [{ ...plan[0]!, dueAt: at(45) }, plan[1]!] },
      10,
    );
    run(state, leader, { type: 'review', decision: 'return', opinion: '연기 불가' }, 11);
    expect(state.stage).toBe('execution');
    expect(state.planVersion).toBe(1);
    expect(state.milestones[0]!.dueAt).toBe(at(30));
  });

  it('needs every milestone complete before the completion report', () => {
    const state = inExecution();
    expect(
      checkTaskAction(state, { actor: owner, action: { type: 'submit-completion', summary: 'x' } }, t0),
    ).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('1, 2'),
    });
  });
});

describe('timers', () => {
  it('schedules reminder, leader escalation and director escalation per open milestone, only while the plan runs', () => {
    expect(scheduledAlarms(newTask(), settings)).toEqual([]);
    const state = inExecution();
    const alarms = scheduledAlarms(state, settings).filter((a) => 'seq' in a && a.seq === 1);
    expect(alarms).toEqual([
      { kind: 'milestone-reminder', seq: 1, at: at(27) },
      { kind: 'milestone-overdue', seq: 1, at: at(30) },
      { kind: 'milestone-director', seq: 1, at: at(33) },
    ]);
    const overdue = applyAlarm(state, { kind: 'milestone-overdue', seq: 1, at: at(30) }, settings);
    expect(overdue.mails.map((m) => [m.toEmployeeNo, m.template])).toEqual([
      ['E2101', 'task-milestone-overdue'],
      ['E2100', 'task-milestone-overdue'],
    ]);
    expect(
      scheduledAlarms(state, settings)
        .filter((a) => 'seq' in a && a.seq === 1)
        .map((a) => a.kind),
    ).toEqual(['milestone-director']);
  });

  it('escalates an overdue reviewer to their superior', () => {
    const state = newTask();
    run(state, owner, { type: 'submit' }, 0);
    expect(scheduledAlarms(state, settings)).toEqual([
      { kind: 'review-reminder', at: at(2) },
      { kind: 'review-overdue', at: at(5) },
    ]);
    const effect = applyAlarm(state, { kind: 'review-overdue', at: at(5) }, settings);
    expect(effect.mails.map((m) => m.toEmployeeNo)).toEqual(['E2100', 'E0200']);
    expect(scheduledAlarms(state, settings)).toEqual([]);
  });

  it('moves the focus report due time by a week after a missed report or a report', () => {
    const state = inExecution();
    run(state, director, { type: 'designate-focus', reason: '부진' }, 10);
    expect(state.focus.reportDueAt).toBe(at(17));
    const missed = applyAlarm(state, { kind: 'focus-missed', at: at(18) }, settings);
    expect(missed.mails.map((m) => m.toEmployeeNo)).toEqual(['E2100', 'E0200']);
    expect(state.focus).toMatchObject({ missed: 1, reportDueAt: at(24) });
    run(state, owner, { type: 'report-progress', text: '보고', progress: 20 }, 20);
    expect(state.focus.reportDueAt).toBe(at(27));
    expect(pendingStepOf(state, settings)).toEqual({
      step: 'focus-report',
      assigneeNo: 'E2101',
      dueAt: at(27),
    });
  });
});

describe('traffic light', () => {
  const base = { stage: 'execution', startedAt: at(0), createdAt: at(0), progress: 0 };
  it('is red when an open milestone is past due, yellow when progress trails time by more than the tolerance, else green', () => {
    expect(taskLight({ ...base, nowMs: t0 + 31 * DAY, progress: 90, milestones: plan })).toBe('RED');
    // Day 30 of 60: 50 % of the time gone.
    expect(taskLight({ ...base, nowMs: t0 + 29 * DAY, progress: 45, milestones: plan })).toBe('GREEN');
    expect(taskLight({ ...base, nowMs: t0 + 29 * DAY, progress: 30, milestones: plan })).toBe('YELLOW');
    const firstDone = [{ ...plan[0]!, completedAt: at(25) }, plan[1]!];
    expect(taskLight({ ...base, nowMs: t0 + 40 * DAY, progress: 0, milestones: firstDone })).toBe('YELLOW');
    expect(taskLight({ ...base, nowMs: t0 + 40 * DAY, progress: 60, milestones: firstDone })).toBe('GREEN');
    expect(taskLight({ ...base, stage: 'done', nowMs: t0 + 99 * DAY, progress: 0, milestones: plan })).toBe(
      'GREEN',
    );
  });

  it('never gets worse with more progress, and is red exactly when an open milestone is overdue', () => {
    const rank = { GREEN: 0, YELLOW: 1, RED: 2 } as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            due: fc.integer({ min: 1, max: 200 }),
            weight: fc.integer({ min: 1, max: 50 }),
            done: fc.boolean(),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.integer({ min: 0, max: 250 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (rows, nowDay, p1, p2) => {
          const milestones = rows.map((r) => ({
            dueAt: at(r.due),
            weight: r.weight,
            completedAt: r.done ? at(0) : undefined,
          }));
          const light = (progress: number) =>
            taskLight({ ...base, nowMs: t0 + nowDay * DAY, progress, milestones });
          const [low, high] = p1 <= p2 ? [p1, p2] : [p2, p1];
          expect(rank[light(high)]).toBeLessThanOrEqual(rank[light(low)]);
          const overdue = rows.some((r) => !r.done && r.due <= nowDay);
          expect(light(low) === 'RED').toBe(overdue);
        },
      ),
    );
  });
});

describe('outcome scores', () => {
  it('scores goal achievement against the outcome target (capped at 120), timeliness by weight on time, and quality', () => {
    const state = inExecution();
    state.outcomeTarget = 50;
    run(state, owner, { type: 'complete-milestone', seq: 1, evidence: 'a' }, 31); // late
    run(state, owner, { type: 'complete-milestone', seq: 2, evidence: 'b' }, 50);
    run(state, owner, { type: 'submit-completion', summary: '완료', actualValue: 70 }, 51);
    run(state, leader, { type: 'quality-review', score: 85, opinion: '양호' }, 52);
    expect(taskOutcomeScores(state)).toEqual({ goalAchievement: 120, timeliness: 60, quality: 85 });
    expect(milestoneCompletion(state.milestones)).toBe(100);
    state.outcomeTarget = undefined;
    expect(taskOutcomeScores(state).goalAchievement).toBe(100);
  });
});

describe('task mails', () => {
  it('render in Korean then English with the task id and link', () => {
    const mail = renderMail('task-decision', {
      taskId: 'PT-2026-0001',
      title: '규제 정비',
      taskUrl: '/tasks/PT-2026-0001',
      phase: 'plan',
      decision: 'return',
      reviewerNo: 'E2100',
      opinion: '목표를 구체화하세요',
    });
    expect(mail.subject).toContain('PT-2026-0001');
    expect(mail.text).toContain('목표를 구체화하세요');
    expect(mail.text.indexOf('보완 요청')).toBeLessThan(mail.text.indexOf('decided'));
  });
});
