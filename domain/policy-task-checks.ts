/**
 * Policy task rules for actions: in which stages an action is allowed, for whom, with what input.
 */
import { ErrorCode } from './errors.ts';
import {
  type MilestonePlan,
  type PolicyTaskState,
  type TaskActionRequest,
  type TaskActionType,
  type TaskActor,
  TaskStage,
  reviewersOf,
} from './policy-task-state.ts';

export interface TaskRejection {
  code:
    | typeof ErrorCode.WRONG_STAGE
    | typeof ErrorCode.FORBIDDEN
    | typeof ErrorCode.VALIDATION
    | typeof ErrorCode.CONFLICT;
  message: string;
}

const stagesFor: Record<TaskActionType, readonly TaskStage[]> = {
  submit: [TaskStage.DRAFT],
  review: [TaskStage.PLAN_REVIEW, TaskStage.CHANGE_REVIEW, TaskStage.FINAL_APPROVAL],
  'final-approve': [TaskStage.FINAL_APPROVAL],
  'report-progress': [TaskStage.EXECUTION, TaskStage.CHANGE_REVIEW, TaskStage.QUALITY_REVIEW],
  'complete-milestone': [TaskStage.EXECUTION, TaskStage.CHANGE_REVIEW],
  'change-plan': [TaskStage.EXECUTION],
  'designate-focus': [TaskStage.EXECUTION, TaskStage.CHANGE_REVIEW],
  'release-focus': [TaskStage.EXECUTION, TaskStage.CHANGE_REVIEW, TaskStage.QUALITY_REVIEW],
  'submit-completion': [TaskStage.EXECUTION],
  'quality-review': [TaskStage.QUALITY_REVIEW],
};

export const stagesAllowing = (action: TaskActionType) => stagesFor[action];

const isOwnerAction = (type: TaskActionType) =>
  type === 'submit' ||
  type === 'report-progress' ||
  type === 'complete-milestone' ||
  type === 'change-plan' ||
  type === 'submit-completion';

const MAX_TEXT = 4000;
const blank = (text: string | undefined) => text === undefined || text.trim().length === 0;

/** A plan is 1–20 milestones with distinct sequence numbers, titles, valid due times and weights summing to 100. */
export function checkMilestonePlan(
  milestones: readonly MilestonePlan[],
  nowMs: number,
  completedSeqs: ReadonlySet<number> = new Set(),
): string | undefined {
  if (milestones.length === 0 || milestones.length > 20) return 'A plan needs 1 to 20 milestones';
  const seqs = new Set<number>();
  let total = 0;
  for (const m of milestones) {
    if (!Number.isInteger(m.seq) || m.seq < 1)
      return `Milestone sequence numbers are positive integers (got ${m.seq})`;
    if (seqs.has(m.seq)) return `Milestone ${m.seq} appears twice`;
    seqs.add(m.seq);
    if (blank(m.title)) return `Milestone ${m.seq} needs a title`;
    const due = Date.parse(m.dueAt);
    if (Number.isNaN(due)) return `Milestone ${m.seq} has an invalid due time`;
    if (!completedSeqs.has(m.seq) && due <= nowMs) return `Milestone ${m.seq} is due in the past`;
    if (!(m.weight > 0)) return `Milestone ${m.seq} needs a positive weight`;
    total += m.weight;
  }
  if (Math.abs(total - 100) > 0.01) return `Milestone weights must add up to 100 (they add up to ${total})`;
  for (const seq of completedSeqs) {
    if (!seqs.has(seq)) return `Completed milestone ${seq} cannot be removed from the plan`;
  }
  return undefined;
}

/** The director of the task's headquarters, or the head of ministry. */
const mayManageFocus = (state: PolicyTaskState, actor: TaskActor) =>
  actor.role === 'HEAD' ||
  (actor.role === 'DIRECTOR' && actor.headquartersCode === state.participants.headquartersCode);

/**
 * Why an action is not allowed now, or undefined when it is. Checked in the Update validator (and again in
 * the handler, which may run after another update changed the state). Stage first (409), then who (403),
 * then the input (422).
 */
export function checkTaskAction(
  state: PolicyTaskState,
  request: TaskActionRequest,
  nowMs: number,
): TaskRejection | undefined {
  const { actor, action } = request;
  if (!stagesFor[action.type]?.includes(state.stage)) {
    return {
      code: ErrorCode.WRONG_STAGE,
      message: `'${action.type}' is not possible while the task is in stage '${state.stage}'`,
    };
  }
  const forbidden = (message: string): TaskRejection => ({ code: ErrorCode.FORBIDDEN, message });
  const invalid = (message: string): TaskRejection => ({ code: ErrorCode.VALIDATION, message });

  if (isOwnerAction(action.type) && actor.employeeNo !== state.participants.ownerNo) {
    return forbidden(`Only the task owner (${state.participants.ownerNo}) may '${action.type}'`);
  }
  if (action.type === 'review' || action.type === 'final-approve' || action.type === 'quality-review') {
    const pending = state.pending;
    if (!pending || pending.reviewer.employeeNo !== actor.employeeNo) {
      const inChain = reviewersOf(state.participants).some((r) => r.employeeNo === actor.employeeNo);
      return forbidden(
        inChain
          ? `The pending step '${pending?.reviewer.step ?? '-'}' belongs to ${pending?.reviewer.employeeNo ?? 'nobody'}`
          : `${actor.employeeNo} is not in this task's review chain`,
      );
    }
  }
  if (
    (action.type === 'designate-focus' || action.type === 'release-focus') &&
    !mayManageFocus(state, actor)
  ) {
    return forbidden("Only the director of the task's headquarters (or the head) manages focus tasks");
  }

  switch (action.type) {
    case 'submit':
      if (action.note !== undefined && action.note.length > MAX_TEXT) return invalid('The note is too long');
      if (action.milestones) return mapInvalid(checkMilestonePlan(action.milestones, nowMs));
      return mapInvalid(checkMilestonePlan(state.milestones, nowMs));
    case 'review':
      if (blank(action.opinion)) return invalid('A review needs an opinion');
      if (action.opinion.length > MAX_TEXT) return invalid('The opinion is too long');
      if (state.stage === TaskStage.FINAL_APPROVAL && action.decision === 'reject') {
        return invalid('A completed task is approved or returned, not rejected');
      }
      return undefined;
    case 'final-approve':
      return action.opinion !== undefined && action.opinion.length > MAX_TEXT
        ? invalid('The opinion is too long')
        : undefined;
    case 'report-progress':
      if (blank(action.text)) return invalid('A report needs text');
      if (action.text.length > MAX_TEXT) return invalid('The report is too long');
      if (!(action.progress >= 0 && action.progress <= 100))
        return invalid('Progress is a percentage from 0 to 100');
      return undefined;
    case 'complete-milestone': {
      const milestone = state.milestones.find((m) => m.seq === action.seq);
      if (!milestone) return invalid(`The plan has no milestone ${action.seq}`);
      if (milestone.completedAt)
        return { code: ErrorCode.CONFLICT, message: `Milestone ${action.seq} is already complete` };
      if (blank(action.evidence)) return invalid('Completing a milestone needs evidence');
      if (action.evidence.length > MAX_TEXT) return invalid('The evidence is too long');
      return undefined;
    }
    case 'change-plan': {
      if (blank(action.reason)) return invalid('A change of plan needs a reason');
      const completed = new Set(state.milestones.filter((m) => m.completedAt).map((m) => m.seq));
      return mapInvalid(checkMilestonePlan(action.milestones, nowMs, completed));
    }
    case 'designate-focus':
      if (state.focus.active)
        return { code: ErrorCode.CONFLICT, message: 'The task is already under focus management' };
      return blank(action.reason) ? invalid('Designating a focus task needs a reason') : undefined;
    case 'release-focus':
      if (!state.focus.active)
        return { code: ErrorCode.CONFLICT, message: 'The task is not under focus management' };
      return blank(action.reason) ? invalid('Releasing a focus task needs a reason') : undefined;
    case 'submit-completion': {
      const open = state.milestones.filter((m) => !m.completedAt).map((m) => m.seq);
      if (open.length > 0) {
        return { code: ErrorCode.CONFLICT, message: `Milestones not complete yet: ${open.join(', ')}` };
      }
      if (blank(action.summary)) return invalid('A completion report needs a summary');
      if (action.summary.length > MAX_TEXT) return invalid('The summary is too long');
      if (action.actualValue !== undefined && !Number.isFinite(action.actualValue))
        return invalid('The actual value must be a number');
      return undefined;
    }
    case 'quality-review':
      if (!(Number.isFinite(action.score) && action.score >= 0 && action.score <= 100)) {
        return invalid('The quality score is from 0 to 100');
      }
      if (blank(action.opinion)) return invalid('A quality review needs an opinion');
      return action.opinion.length > MAX_TEXT ? invalid('The opinion is too long') : undefined;
  }
}

const mapInvalid = (message: string | undefined): TaskRejection | undefined =>
  message === undefined ? undefined : { code: ErrorCode.VALIDATION, message };
