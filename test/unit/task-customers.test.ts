import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyAlarm,
  applyCustomerRating,
  applyTaskAction,
  checkCustomerRating,
  customerSatisfactionOf,
  defaultTaskSettings,
  initialTaskState,
  openCustomerRating,
  scheduledAlarms,
  TaskStage,
  type PolicyTaskState,
  type TaskParticipants,
} from '../../domain/policy-task.ts';
import {
  developmentNeeds,
  developmentPlanProblem,
  developmentStepProblem,
} from '../../domain/development.ts';
import { renderCustomerMail } from '../../domain/task-customer-mails.ts';

const DAY = 24 * 3600_000;
const t0 = Date.parse('2026-06-01T00:00:00.000Z');
const at = (days: number) => new Date(t0 + days * DAY).toISOString();
const settings = defaultTaskSettings;
const reviewer = { step: 'leader-review', role: 'TEAM_LEADER' as const, employeeNo: 'E2300' };
const participants: TaskParticipants = {
  ownerNo: 'E2301',
  teamCode: 'T23',
  headquartersCode: 'HQ2',
  leaderNo: 'E2300',
  directorNo: 'E0200',
  headNo: 'E0001',
  planChain: [reviewer],
  qualityReviewer: { ...reviewer, step: 'quality-review' },
  finalApprover: { ...reviewer, step: 'final-approval' },
};

function doneTask(customerCare = true): PolicyTaskState {
  const state = initialTaskState({
    taskId: 'PT-2026-0001',
    taskType: 'team',
    title: '과제',
    participants,
    milestones: [{ seq: 1, title: '중간목표', dueAt: at(30), weight: 100 }],
    createdAt: at(0),
  });
  state.customerCare = customerCare;
  state.stage = TaskStage.DONE;
  state.doneAt = at(40);
  return state;
}

describe("the customers' rating rules", () => {
  it('opens with a deadline and schedules one reminder before it, then the close', () => {
    const state = doneTask();
    const effect = openCustomerRating(state, [1, 2], at(40), settings);
    expect(effect.customerNotices).toEqual([
      expect.objectContaining({ kind: 'rating-invitation', customerIds: [1, 2], closesAt: at(54) }),
    ]);
    expect(scheduledAlarms(state, settings)).toEqual([
      { kind: 'rating-reminder', at: at(51) },
      { kind: 'rating-close', at: at(54) },
    ]);
    applyAlarm(state, { kind: 'rating-reminder', at: at(51) }, settings);
    expect(scheduledAlarms(state, settings)).toEqual([{ kind: 'rating-close', at: at(54) }]);
  });

  it('takes each customer once, 1 to 5, only while open, and closes when all rated', () => {
    const state = doneTask();
    openCustomerRating(state, [1, 2], at(40), settings);
    const now = t0 + 41 * DAY;
    expect(checkCustomerRating(state, { customerId: 3, score: 4 }, now)?.code).toBe('FORBIDDEN');
    expect(checkCustomerRating(state, { customerId: 1, score: 0 }, now)?.code).toBe('VALIDATION');
    expect(checkCustomerRating(state, { customerId: 1, score: 4.5 }, now)?.code).toBe('VALIDATION');
    expect(checkCustomerRating(state, { customerId: 1, score: 4 }, now)).toBeUndefined();
    expect(applyCustomerRating(state, { customerId: 1, score: 4 }, at(41))?.type).toBe('customer-rated');
    expect(applyCustomerRating(state, { customerId: 1, score: 4 }, at(41))).toBeUndefined();
    expect(checkCustomerRating(state, { customerId: 1, score: 2 }, now)?.code).toBe('CONFLICT');
    const closing = applyCustomerRating(state, { customerId: 2, score: 5 }, at(42));
    expect(closing).toMatchObject({ type: 'customer-rating-closed', customerSatisfaction: 4.5 });
    expect(checkCustomerRating(state, { customerId: 2, score: 5 }, now)?.code).toBe('WRONG_STAGE');
    expect(scheduledAlarms(state, settings)).toEqual([]);
    expect(checkCustomerRating(doneTask(), { customerId: 1, score: 4 }, now)?.code).toBe('WRONG_STAGE');
  });

  it('reminds only the customers who have not rated; a close with no rating reports no satisfaction', () => {
    const state = doneTask();
    openCustomerRating(state, [1, 2, 3], at(40), settings);
    applyCustomerRating(state, { customerId: 2, score: 3 }, at(41));
    const reminder = applyAlarm(state, { kind: 'rating-reminder', at: at(51) }, settings);
    expect(reminder.customerNotices?.[0]?.customerIds).toEqual([1, 3]);
    const empty = doneTask();
    openCustomerRating(empty, [1], at(40), settings);
    const closed = applyAlarm(empty, { kind: 'rating-close', at: at(54) }, settings);
    expect(closed.type).toBe('customer-rating-closed');
    expect(closed.customerSatisfaction).toBeUndefined();
  });

  it('the satisfaction is the mean of the given ratings, within 1..5', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }), (scores) => {
        const value = customerSatisfactionOf({
          scores: Object.fromEntries(scores.map((s, i) => [String(i), s])),
        });
        const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
        expect(value).toBeGreaterThanOrEqual(1);
        expect(value).toBeLessThanOrEqual(5);
        expect(Math.abs(value! - mean)).toBeLessThanOrEqual(0.005);
      }),
    );
    expect(customerSatisfactionOf({ scores: {} })).toBeNull();
  });

  it('tells customers of a completed milestone only when the task cares for customers (the workflow patch)', () => {
    for (const care of [true, false]) {
      const state = doneTask(care);
      state.stage = TaskStage.EXECUTION;
      const effect = applyTaskAction(
        state,
        {
          actor: { employeeNo: 'E2301', role: 'STAFF', unitCode: 'T23', headquartersCode: 'HQ2' },
          action: { type: 'complete-milestone', seq: 1, evidence: '내부 메모' },
        },
        at(10),
        settings,
      );
      expect(effect.customerNotices ?? []).toHaveLength(care ? 1 : 0);
      expect(JSON.stringify(effect.customerNotices ?? [])).not.toContain('내부 메모');
    }
  });

  it('renders customer mails in Korean first with the link, and nothing of the review trail', () => {
    const mail = renderCustomerMail({
      kind: 'rating-invitation',
      taskId: 'PT-2026-0001',
      title: '과제',
      customerName: '김고객',
      ratingUrl: 'http://localhost:3000/customer/rate?token=abc',
      closesAt: at(54),
    });
    expect(mail.subject).toMatch(/^\[정책과제 PT-2026-0001\] 과제가 완료되었습니다/);
    expect(mail.text.indexOf('결과 평가')).toBeLessThan(mail.text.indexOf('Please rate'));
    expect(mail.text).toContain('http://localhost:3000/customer/rate?token=abc');
  });
});

describe('development plan rules', () => {
  it('needs a goal, titled activities tied to the goals’ competencies, and bounded hours', () => {
    const goal = { competencyCode: 'COMM', goal: '소통' };
    expect(developmentPlanProblem({ goals: [], activities: [] })).toMatch(/at least one goal/);
    expect(
      developmentPlanProblem({
        goals: [goal],
        activities: [{ kind: 'TRAINING', title: '과정', competencyCode: 'LEAD', plannedHours: 4 }],
      }),
    ).toMatch(/LEAD/);
    expect(
      developmentPlanProblem({
        goals: [goal],
        activities: [{ kind: 'TRAINING', title: '과정', competencyCode: 'COMM', plannedHours: 16 }],
      }),
    ).toBeUndefined();
  });

  it('moves draft → submitted → agreed (or returned, then again), and records training only once agreed', () => {
    expect(developmentStepProblem('DRAFT', 'submit')).toBeUndefined();
    expect(developmentStepProblem('SUBMITTED', 'agree')).toBeUndefined();
    expect(developmentStepProblem('RETURNED', 'edit')).toBeUndefined();
    expect(developmentStepProblem('AGREED', 'edit')).toMatch(/AGREED/);
    expect(developmentStepProblem('SUBMITTED', 'complete')).toMatch(/agreed plan/);
    expect(developmentStepProblem('AGREED', 'complete')).toBeUndefined();
  });

  it('sums development needs per competency: people once each, hours planned and completed', () => {
    const needs = developmentNeeds([
      {
        employeeNo: 'E1',
        goals: [{ competencyCode: 'COMM' }, { competencyCode: 'COMM' }],
        activities: [{ competencyCode: 'COMM', plannedHours: 10, completedHours: 6 }],
      },
      {
        employeeNo: 'E2',
        goals: [{ competencyCode: 'COMM' }, { competencyCode: 'DATA' }],
        activities: [{ competencyCode: null, plannedHours: 5, completedHours: null }],
      },
    ]);
    expect(needs).toEqual([
      { competencyCode: 'COMM', people: 2, plannedHours: 10, completedHours: 6 },
      { competencyCode: 'DATA', people: 1, plannedHours: 0, completedHours: 0 },
    ]);
  });
});
