/**
 * Policy task customers' rating of the result (issue 20).
 */
import { ErrorCode } from './errors.ts';
import { iso } from './policy-task-alarms.ts';
import { type TaskEffect, mailKey } from './policy-task-apply.ts';
import type { TaskRejection } from './policy-task-checks.ts';
import type {
  CustomerRatingRequest,
  CustomerRatingSnapshot,
  CustomerRatingState,
  PolicyTaskSettings,
  PolicyTaskState,
} from './policy-task-state.ts';

/** Opens the rating step when the task is done and it has customers: each is mailed a rating link. */
export function openCustomerRating(
  state: PolicyTaskState,
  customerIds: readonly number[],
  at: string,
  settings: PolicyTaskSettings,
): TaskEffect {
  const closesAt = iso(Date.parse(at) + settings.ratingOpenForMs);
  state.rating = { openedAt: at, closesAt, customerIds: [...customerIds], scores: {}, reminded: false };
  return {
    type: 'customer-rating-opened',
    actorNo: 'system',
    detail: { customers: customerIds.length, closesAt },
    mails: [],
    customerNotices: [
      {
        key: mailKey(state, 'customers-rating'),
        taskId: state.taskId,
        kind: 'rating-invitation',
        customerIds: [...customerIds],
        closesAt,
      },
    ],
  };
}

/** Why a customer's rating cannot count now, or undefined. A repeat of the same score is accepted (a retry). */
export function checkCustomerRating(
  state: PolicyTaskState,
  request: CustomerRatingRequest,
  nowMs: number,
): TaskRejection | undefined {
  const rating = state.rating;
  if (!rating) {
    return { code: ErrorCode.WRONG_STAGE, message: 'The task is not open for rating' };
  }
  if (rating.closedAt || Date.parse(rating.closesAt) <= nowMs) {
    return { code: ErrorCode.WRONG_STAGE, message: 'The rating of this task has closed' };
  }
  if (!rating.customerIds.includes(request.customerId)) {
    return {
      code: ErrorCode.FORBIDDEN,
      message: 'Only the customers of the task when it was done may rate it',
    };
  }
  if (!(Number.isInteger(request.score) && request.score >= 1 && request.score <= 5)) {
    return { code: ErrorCode.VALIDATION, message: 'The rating is a whole number from 1 to 5' };
  }
  const given = rating.scores[String(request.customerId)];
  if (given !== undefined && given !== request.score) {
    return { code: ErrorCode.CONFLICT, message: 'This customer has already rated the task' };
  }
  return undefined;
}

/** Records one rating (nothing when it repeats one already counted); the last expected rating closes the step. */
export function applyCustomerRating(
  state: PolicyTaskState,
  request: CustomerRatingRequest,
  at: string,
): TaskEffect | undefined {
  const rating = state.rating!;
  if (rating.scores[String(request.customerId)] !== undefined) return undefined;
  rating.scores[String(request.customerId)] = request.score;
  if (Object.keys(rating.scores).length >= rating.customerIds.length) return closeCustomerRating(state, at);
  return {
    type: 'customer-rated',
    actorNo: 'customer',
    detail: { customerId: request.customerId, score: request.score },
    mails: [],
  };
}

export function closeCustomerRating(state: PolicyTaskState, at: string): TaskEffect {
  const rating = state.rating!;
  rating.closedAt = at;
  const satisfaction = customerSatisfactionOf(rating);
  return {
    type: 'customer-rating-closed',
    actorNo: 'system',
    detail: { ratings: Object.keys(rating.scores).length, satisfaction },
    mails: [],
    ...(satisfaction === null ? {} : { customerSatisfaction: satisfaction }),
  };
}

/** Mean rating (1–5, two decimals) of the customers who rated; null when nobody did. */
export function customerSatisfactionOf(rating: Pick<CustomerRatingState, 'scores'>): number | null {
  const scores = Object.values(rating.scores);
  if (scores.length === 0) return null;
  return Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 100) / 100;
}

export const customerRatingSnapshot = (state: PolicyTaskState): CustomerRatingSnapshot => ({
  taskId: state.taskId,
  rated: Object.keys(state.rating?.scores ?? {}).length,
  expected: state.rating?.customerIds.length ?? 0,
  closed: Boolean(state.rating?.closedAt),
});
