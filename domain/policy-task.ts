/**
 * Policy tasks (정책과제): types, stages, review chains, the action rules, timers and the traffic light.
 * Pure and deterministic: the workflow, the activities and the API all use these, so a rule lives once.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { SignedActorArgs } from './actor-claim.ts';
import { ErrorCode } from './errors.ts';
import type { MailTemplates } from './mail-templates.ts';
import { kpiAchievement, type TrafficLight } from './scoring.ts';

export const TaskStage = {
  DRAFT: 'draft',
  PLAN_REVIEW: 'plan_review',
  EXECUTION: 'execution',
  CHANGE_REVIEW: 'change_review',
  QUALITY_REVIEW: 'quality_review',
  FINAL_APPROVAL: 'final_approval',
  DONE: 'done',
  REJECTED: 'rejected',
} as const;
export type TaskStage = (typeof TaskStage)[keyof typeof TaskStage];

export const terminalTaskStages: readonly TaskStage[] = [TaskStage.DONE, TaskStage.REJECTED];
export const isTerminalTaskStage = (stage: string) =>
  (terminalTaskStages as readonly string[]).includes(stage);
/** Stages in which the plan runs: milestone timers and focus-management reports are live. */
const runningStages: readonly TaskStage[] = [TaskStage.EXECUTION, TaskStage.CHANGE_REVIEW];

// ---------------------------------------------------------------------------------------------------------
// Review chains per task type

export type ReviewerRole = 'TEAM_LEADER' | 'DIRECTOR' | 'HEAD';
export interface ReviewStepDefinition {
  step: string;
  role: ReviewerRole;
}
export interface TaskTypeDefinition {
  nameKo: string;
  nameEn: string;
  /** Reviewers of the plan and of every change of plan, in order. */
  planChain: readonly ReviewStepDefinition[];
  qualityReviewer: ReviewStepDefinition;
  finalApprover: ReviewStepDefinition;
}

const leaderReview: ReviewStepDefinition = { step: 'leader-review', role: 'TEAM_LEADER' };
const directorReview: ReviewStepDefinition = { step: 'director-review', role: 'DIRECTOR' };

export const taskTypes: Readonly<Record<string, TaskTypeDefinition>> = {
  standard: {
    nameKo: '일반 정책과제',
    nameEn: 'Standard policy task',
    planChain: [leaderReview, directorReview],
    qualityReviewer: { step: 'quality-review', role: 'TEAM_LEADER' },
    finalApprover: { step: 'final-approval', role: 'DIRECTOR' },
  },
  team: {
    nameKo: '팀 자체과제',
    nameEn: 'Team task',
    planChain: [leaderReview],
    qualityReviewer: { step: 'quality-review', role: 'TEAM_LEADER' },
    finalApprover: { step: 'final-approval', role: 'TEAM_LEADER' },
  },
  flagship: {
    nameKo: '핵심 정책과제',
    nameEn: 'Flagship policy task',
    planChain: [leaderReview, directorReview, { step: 'head-review', role: 'HEAD' }],
    qualityReviewer: { step: 'quality-review', role: 'DIRECTOR' },
    finalApprover: { step: 'final-approval', role: 'HEAD' },
  },
};
export const TASK_TYPES = Object.keys(taskTypes);

/** A chain step resolved to the person who holds it (resolved once, when the task is created). */
export interface Reviewer {
  step: string;
  role: ReviewerRole;
  employeeNo: string;
}

/** Everyone the workflow needs to know: employee numbers and unit codes only, no names or addresses. */
export interface TaskParticipants {
  ownerNo: string;
  teamCode: string;
  headquartersCode: string;
  leaderNo: string;
  directorNo: string;
  headNo: string;
  planChain: Reviewer[];
  qualityReviewer: Reviewer;
  finalApprover: Reviewer;
}

export const reviewersOf = (p: TaskParticipants): Reviewer[] => [
  ...p.planChain,
  p.qualityReviewer,
  p.finalApprover,
];

// ---------------------------------------------------------------------------------------------------------
// Settings

export interface PolicyTaskSettings {
  milestoneReminderBeforeMs: number;
  /** After a milestone is overdue (and its team leader was told), the director is told this much later. */
  directorEscalationAfterMs: number;
  reviewReminderAfterMs: number;
  /** A reviewer who has not decided this long after the step opened is overdue; their superior is told. */
  reviewDueAfterMs: number;
  focusReportIntervalMs: number;
  focusReminderBeforeMs: number;
  /** A focus report not in this long after its due time counts as missed and escalates. */
  focusGraceMs: number;
  /** The workflow continues as new once its history has this many events (or the server suggests it). */
  historyThreshold: number;
  /** Yellow when progress trails elapsed time by more than this many percentage points. */
  lightTolerancePoints: number;
  /** How long the customers may rate a done task. */
  ratingOpenForMs: number;
  /** The one reminder to customers who have not rated goes this long before the rating closes. */
  ratingReminderBeforeMs: number;
}

const DAY = 24 * 3600_000;
export const defaultTaskSettings: Readonly<PolicyTaskSettings> = Object.freeze({
  milestoneReminderBeforeMs: 3 * DAY,
  directorEscalationAfterMs: 3 * DAY,
  reviewReminderAfterMs: 2 * DAY,
  reviewDueAfterMs: 5 * DAY,
  focusReportIntervalMs: 7 * DAY,
  focusReminderBeforeMs: 1 * DAY,
  focusGraceMs: 1 * DAY,
  historyThreshold: 2_000,
  lightTolerancePoints: 10,
  ratingOpenForMs: 14 * DAY,
  ratingReminderBeforeMs: 3 * DAY,
});

export const resolveTaskSettings = (overrides?: Partial<PolicyTaskSettings>): PolicyTaskSettings => ({
  ...defaultTaskSettings,
  ...overrides,
});

// ---------------------------------------------------------------------------------------------------------
// State

export interface MilestonePlan {
  seq: number;
  title: string;
  dueAt: string;
  weight: number;
}
export interface MilestoneState extends MilestonePlan {
  completedAt?: string;
  evidence?: string;
  reminded: boolean;
  /** 0 none, 1 team leader told, 2 director told. */
  escalation: 0 | 1 | 2;
}

export type DecisionPhase = 'plan' | 'change' | 'quality' | 'final' | 'focus';
export type Decision = 'submit' | 'approve' | 'return' | 'reject' | 'accept' | 'designate' | 'release';

/** One entry of the decision trail, kept forever. */
export interface TaskDecision {
  seq: number;
  phase: DecisionPhase;
  round: number;
  step: string;
  actorNo: string;
  role: string;
  decision: Decision;
  opinion: string;
  score?: number;
  at: string;
}

export interface PendingReview {
  phase: Exclude<DecisionPhase, 'focus'>;
  /** Index into the plan chain for plan and change reviews. */
  stepIndex: number;
  reviewer: Reviewer;
  since: string;
  reminded: boolean;
  escalated: boolean;
}

export interface ReportRecord {
  seq: number;
  kind: 'progress' | 'activity' | 'completion';
  authorNo: string;
  progress?: number;
  at: string;
}

export interface FocusState {
  active: boolean;
  since?: string;
  designatedBy?: string;
  reportDueAt?: string;
  reminded: boolean;
  missed: number;
}

/** The customers' rating of the result (issue 20): open from done until its deadline or every customer rated. */
export interface CustomerRatingState {
  openedAt: string;
  closesAt: string;
  customerIds: number[];
  /** Score (1–5) per customer id. */
  scores: Record<string, number>;
  reminded: boolean;
  closedAt?: string;
}

export interface PolicyTaskState {
  taskId: string;
  taskType: string;
  title: string;
  stage: TaskStage;
  participants: TaskParticipants;
  milestones: MilestoneState[];
  planVersion: number;
  proposedChange?: { milestones: MilestonePlan[]; reason: string; proposedAt: string };
  /** Counts submissions for review (plan and change), so opinions group by round. */
  round: number;
  pending?: PendingReview;
  decisions: TaskDecision[];
  reports: ReportRecord[];
  progress: number;
  focus: FocusState;
  createdAt: string;
  startedAt?: string;
  lastActivityAt: string;
  completion?: { actualValue?: number; submittedAt: string };
  quality?: { score: number; reviewerNo: string };
  doneAt?: string;
  kpiCode?: string;
  outcomeTarget?: number;
  /** Source of event keys; never reused, carried across continue-as-new. */
  eventSeq: number;
  /** How many times this task continued as new. */
  generation: number;
  /** Customers are told of milestones and rate the result (set once, behind a workflow patch). */
  customerCare?: boolean;
  rating?: CustomerRatingState;
}

export interface PolicyTaskInput {
  taskId: string;
  taskType: string;
  title: string;
  participants: TaskParticipants;
  milestones: MilestonePlan[];
  createdAt: string;
  kpiCode?: string;
  outcomeTarget?: number;
  settings?: Partial<PolicyTaskSettings>;
  /** Set by continue-as-new: the state and undelivered mails of the previous run. */
  carried?: { state: PolicyTaskState; outbox: TaskMail[]; customerOutbox?: CustomerNotice[] };
}

export function initialTaskState(input: PolicyTaskInput): PolicyTaskState {
  return {
    taskId: input.taskId,
    taskType: input.taskType,
    title: input.title,
    stage: TaskStage.DRAFT,
    participants: input.participants,
    milestones: input.milestones.map((m) => ({ ...m, reminded: false, escalation: 0 })),
    planVersion: 1,
    round: 0,
    decisions: [],
    reports: [],
    progress: 0,
    focus: { active: false, reminded: false, missed: 0 },
    createdAt: input.createdAt,
    lastActivityAt: input.createdAt,
    kpiCode: input.kpiCode,
    outcomeTarget: input.outcomeTarget,
    eventSeq: 0,
    generation: 0,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Messages, declared once for workflow and API

export interface TaskActor {
  employeeNo: string;
  role: string;
  unitCode: string;
  headquartersCode: string | null;
}

export type TaskAction =
  | { type: 'submit'; note?: string; milestones?: MilestonePlan[] }
  | { type: 'review'; decision: 'approve' | 'return' | 'reject'; opinion: string }
  | { type: 'final-approve'; opinion?: string }
  | { type: 'report-progress'; text: string; progress: number; kind?: 'progress' | 'activity' }
  | { type: 'complete-milestone'; seq: number; evidence: string }
  | { type: 'change-plan'; reason: string; milestones: MilestonePlan[] }
  | { type: 'designate-focus'; reason: string }
  | { type: 'release-focus'; reason: string }
  | { type: 'submit-completion'; summary: string; actualValue?: number }
  | { type: 'quality-review'; score: number; opinion: string; decision?: 'accept' | 'return' };
export type TaskActionType = TaskAction['type'];
export const TASK_ACTIONS: readonly TaskActionType[] = [
  'submit',
  'review',
  'final-approve',
  'report-progress',
  'complete-milestone',
  'change-plan',
  'designate-focus',
  'release-focus',
  'submit-completion',
  'quality-review',
];

export interface TaskActionRequest extends SignedActorArgs {
  actor: TaskActor;
  action: TaskAction;
}

export interface PendingStep {
  step: string;
  assigneeNo: string;
  dueAt: string | null;
}

export interface TaskSnapshot {
  taskId: string;
  stage: TaskStage;
  light: TrafficLight;
  progress: number;
  focus: boolean;
  pendingStep: PendingStep | null;
}

export const taskActionUpdate = defineUpdate<TaskSnapshot, [TaskActionRequest]>('taskAction');

/** A customer's rating from the mailed link; the API has checked the link and keeps the comment. */
export interface CustomerRatingRequest extends SignedActorArgs {
  /** The customer the API found behind the rating link; signed, so nobody else can rate in their name. */
  actor?: { kind: 'customer'; customerId: number };
  customerId: number;
  score: number;
}
export interface CustomerRatingSnapshot {
  taskId: string;
  rated: number;
  expected: number;
  closed: boolean;
}
export const customerRatingUpdate = defineUpdate<CustomerRatingSnapshot, [CustomerRatingRequest]>(
  'taskCustomerRating',
);
export const taskStateQuery = defineQuery<PolicyTaskState>('taskState');

export const policyTaskWorkflowId = (taskId: string) => taskId;
export const POLICY_TASK_WORKFLOW_TYPE = 'policyTaskWorkflow';

// ---------------------------------------------------------------------------------------------------------
// Rules for actions

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

// ---------------------------------------------------------------------------------------------------------
// Applying actions and timers: what changes, what is recorded, who is mailed

export type TaskMailName = Extract<keyof MailTemplates, `task-${string}`>;
export interface TaskMail<K extends TaskMailName = TaskMailName> {
  key: string;
  toEmployeeNo: string;
  template: K;
  data: MailTemplates[K];
}

/** What one event writes to the read model: the decision trail, a report, the timeline and a snapshot. */
export interface TaskEventRecord {
  taskId: string;
  eventKey: string;
  eventSeq: number;
  at: string;
  type: string;
  actorNo: string;
  detail: Record<string, unknown>;
  decision?: TaskDecision;
  report?: ReportRecord & { text: string };
  completionSummary?: string;
  milestones: MilestoneState[];
  readModel: TaskReadModel;
  audit?: { action: string; before: unknown; after: unknown; reason?: string };
  customerSatisfaction?: number;
}

export interface TaskReadModel {
  stage: TaskStage;
  light: TrafficLight;
  focus: boolean;
  progress: number;
  planVersion: number;
  pendingStep: string | null;
  pendingAssigneeNo: string | null;
  pendingDueAt: string | null;
  overdue: boolean;
  lastActivityAt: string;
  startedAt: string | null;
  doneAt: string | null;
  focusReportDueAt: string | null;
  qualityScore: number | null;
  actualValue: number | null;
}

/**
 * A notice to the task's customers (issue 20). Addresses and links are resolved by the notice activity, so
 * no customer's name or address enters workflow history; `customerIds` narrows it to some customers.
 */
export interface CustomerNotice {
  key: string;
  taskId: string;
  kind: 'milestone' | 'rating-invitation' | 'rating-reminder';
  customerIds?: number[];
  seq?: number;
  milestoneTitle?: string;
  closesAt?: string;
}

export interface TaskEffect {
  type: string;
  actorNo: string;
  detail: Record<string, unknown>;
  customerNotices?: CustomerNotice[];
  /** Set when the customers' rating closed: the mean rating for the read model. */
  customerSatisfaction?: number;
  decision?: TaskDecision;
  report?: ReportRecord & { text: string };
  completionSummary?: string;
  mails: TaskMail[];
  audit?: TaskEventRecord['audit'];
}

const taskUrl = (taskId: string) => `/tasks/${taskId}`;

function nextEventKey(state: PolicyTaskState): { eventKey: string; eventSeq: number } {
  state.eventSeq += 1;
  return { eventKey: `e${state.eventSeq}`, eventSeq: state.eventSeq };
}

/** Mail keys name the event that sends them (the next event key), so each is sent once. */
const mailKey = (state: PolicyTaskState, suffix: string) =>
  `${state.taskId}:e${state.eventSeq + 1}:${suffix}`;

function openReview(
  state: PolicyTaskState,
  phase: PendingReview['phase'],
  stepIndex: number,
  at: string,
  settings: PolicyTaskSettings,
): TaskMail[] {
  const p = state.participants;
  const reviewer =
    phase === 'quality' ? p.qualityReviewer : phase === 'final' ? p.finalApprover : p.planChain[stepIndex];
  if (!reviewer) throw new Error(`No reviewer at step ${stepIndex} of the ${phase} review`);
  state.pending = { phase, stepIndex, reviewer, since: at, reminded: false, escalated: false };
  return [
    {
      key: mailKey(state, 'review-requested'),
      toEmployeeNo: reviewer.employeeNo,
      template: 'task-review-requested',
      data: {
        taskId: state.taskId,
        title: state.title,
        step: reviewer.step,
        phase,
        dueAt: pendingDueAt(state.pending, settings),
        taskUrl: taskUrl(state.taskId),
      },
    },
  ];
}

const pendingDueAt = (pending: PendingReview, settings: PolicyTaskSettings) =>
  new Date(Date.parse(pending.since) + settings.reviewDueAfterMs).toISOString();

function ownerMail(
  state: PolicyTaskState,
  phase: DecisionPhase,
  decision: Decision,
  reviewerNo: string,
  opinion: string,
): TaskMail {
  return {
    key: mailKey(state, 'decision'),
    toEmployeeNo: state.participants.ownerNo,
    template: 'task-decision',
    data: {
      taskId: state.taskId,
      title: state.title,
      phase,
      decision,
      reviewerNo,
      opinion,
      taskUrl: taskUrl(state.taskId),
    },
  };
}

function startExecution(state: PolicyTaskState, at: string) {
  state.stage = TaskStage.EXECUTION;
  state.pending = undefined;
  state.startedAt ??= at;
}

function applyPlan(state: PolicyTaskState, plan: readonly MilestonePlan[]) {
  const previous = new Map(state.milestones.map((m) => [m.seq, m]));
  state.milestones = [...plan]
    .sort((a, b) => a.seq - b.seq)
    .map((m) => {
      const before = previous.get(m.seq);
      if (before?.completedAt) return { ...before, title: m.title, weight: m.weight };
      const sameDue = before && before.dueAt === m.dueAt;
      return {
        ...m,
        reminded: sameDue ? before.reminded : false,
        escalation: sameDue ? before.escalation : 0,
      };
    });
}

/** Changes the state for one allowed action (see checkTaskAction) and says what to record and mail. */
export function applyTaskAction(
  state: PolicyTaskState,
  request: TaskActionRequest,
  at: string,
  settings: PolicyTaskSettings,
): TaskEffect {
  const { actor, action } = request;
  const before = { stage: state.stage, focus: state.focus.active, planVersion: state.planVersion };
  state.lastActivityAt = at;
  const decide = (
    phase: DecisionPhase,
    step: string,
    role: string,
    decision: Decision,
    opinion: string,
    score?: number,
  ): TaskDecision => {
    const entry: TaskDecision = {
      seq: state.decisions.length + 1,
      phase,
      round: state.round,
      step,
      actorNo: actor.employeeNo,
      role,
      decision,
      opinion,
      ...(score === undefined ? {} : { score }),
      at,
    };
    state.decisions.push(entry);
    return entry;
  };
  const audited = (effect: Omit<TaskEffect, 'audit'>, reason?: string): TaskEffect => ({
    ...effect,
    audit: {
      action: `task.${action.type}`,
      before,
      after: { stage: state.stage, focus: state.focus.active, planVersion: state.planVersion },
      reason,
    },
  });

  switch (action.type) {
    case 'submit': {
      if (action.milestones) applyPlan(state, action.milestones);
      state.round += 1;
      state.stage = TaskStage.PLAN_REVIEW;
      const decision = decide('plan', 'submit', 'OWNER', 'submit', action.note ?? '');
      const mails = openReview(state, 'plan', 0, at, settings);
      return audited(
        { type: 'submitted', actorNo: actor.employeeNo, detail: { round: state.round }, decision, mails },
        action.note,
      );
    }
    case 'review':
    case 'final-approve': {
      const pending = state.pending!;
      const decisionKind = action.type === 'final-approve' ? 'approve' : action.decision;
      const opinion = action.opinion ?? '';
      const decision = decide(
        pending.phase,
        pending.reviewer.step,
        pending.reviewer.role,
        decisionKind,
        opinion,
      );
      const mails: TaskMail[] = [];
      if (pending.phase === 'final') {
        if (decisionKind === 'approve') {
          state.stage = TaskStage.DONE;
          state.pending = undefined;
          state.doneAt = at;
        } else {
          startExecution(state, at);
          state.completion = undefined;
          state.quality = undefined;
        }
        mails.push(ownerMail(state, 'final', decisionKind, actor.employeeNo, opinion));
      } else if (decisionKind === 'approve') {
        const nextIndex = pending.stepIndex + 1;
        if (nextIndex < state.participants.planChain.length) {
          mails.push(...openReview(state, pending.phase, nextIndex, at, settings));
        } else {
          if (pending.phase === 'change' && state.proposedChange) {
            applyPlan(state, state.proposedChange.milestones);
            state.planVersion += 1;
            state.proposedChange = undefined;
          }
          startExecution(state, at);
          mails.push(ownerMail(state, pending.phase, 'approve', actor.employeeNo, opinion));
        }
      } else if (pending.phase === 'plan') {
        state.pending = undefined;
        state.stage = decisionKind === 'reject' ? TaskStage.REJECTED : TaskStage.DRAFT;
        mails.push(ownerMail(state, 'plan', decisionKind, actor.employeeNo, opinion));
      } else {
        // A returned or rejected change leaves the approved plan in force.
        state.proposedChange = undefined;
        startExecution(state, at);
        mails.push(ownerMail(state, 'change', decisionKind, actor.employeeNo, opinion));
      }
      return audited(
        {
          type: `review-${decisionKind}`,
          actorNo: actor.employeeNo,
          detail: { phase: pending.phase, step: pending.reviewer.step },
          decision,
          mails,
        },
        opinion,
      );
    }
    case 'report-progress': {
      const seq = state.reports.length + 1;
      const report: ReportRecord = {
        seq,
        kind: action.kind ?? 'progress',
        authorNo: actor.employeeNo,
        progress: action.progress,
        at,
      };
      state.reports.push(report);
      state.progress = action.progress;
      if (state.focus.active) {
        state.focus.reportDueAt = new Date(Date.parse(at) + settings.focusReportIntervalMs).toISOString();
        state.focus.reminded = false;
      }
      return {
        type: 'progress-reported',
        actorNo: actor.employeeNo,
        detail: { progress: action.progress },
        report: { ...report, text: action.text },
        mails: [],
      };
    }
    case 'complete-milestone': {
      const milestone = state.milestones.find((m) => m.seq === action.seq)!;
      milestone.completedAt = at;
      milestone.evidence = action.evidence;
      state.progress = Math.max(state.progress, milestoneCompletion(state.milestones));
      return {
        type: 'milestone-completed',
        actorNo: actor.employeeNo,
        detail: { seq: action.seq, onTime: Date.parse(at) <= Date.parse(milestone.dueAt) },
        mails: [],
        ...(state.customerCare
          ? {
              customerNotices: [
                {
                  key: mailKey(state, 'customers-milestone'),
                  taskId: state.taskId,
                  kind: 'milestone' as const,
                  seq: milestone.seq,
                  milestoneTitle: milestone.title,
                },
              ],
            }
          : {}),
      };
    }
    case 'change-plan': {
      state.round += 1;
      state.stage = TaskStage.CHANGE_REVIEW;
      state.proposedChange = { milestones: action.milestones, reason: action.reason, proposedAt: at };
      const decision = decide('change', 'change-plan', 'OWNER', 'submit', action.reason);
      const mails = openReview(state, 'change', 0, at, settings);
      return audited(
        {
          type: 'change-proposed',
          actorNo: actor.employeeNo,
          detail: { round: state.round, milestones: action.milestones },
          decision,
          mails,
        },
        action.reason,
      );
    }
    case 'designate-focus':
    case 'release-focus': {
      const designate = action.type === 'designate-focus';
      state.focus = designate
        ? {
            active: true,
            since: at,
            designatedBy: actor.employeeNo,
            reportDueAt: new Date(Date.parse(at) + settings.focusReportIntervalMs).toISOString(),
            reminded: false,
            missed: 0,
          }
        : { ...state.focus, active: false, reportDueAt: undefined, reminded: false };
      const decision = decide(
        'focus',
        action.type,
        actor.role,
        designate ? 'designate' : 'release',
        action.reason,
      );
      const mails: TaskMail[] = [
        {
          key: mailKey(state, 'focus'),
          toEmployeeNo: state.participants.ownerNo,
          template: 'task-focus',
          data: {
            taskId: state.taskId,
            title: state.title,
            designated: designate,
            reason: action.reason,
            reportDueAt: state.focus.reportDueAt ?? null,
            taskUrl: taskUrl(state.taskId),
          },
        },
      ];
      return audited(
        {
          type: designate ? 'focus-designated' : 'focus-released',
          actorNo: actor.employeeNo,
          detail: {},
          decision,
          mails,
        },
        action.reason,
      );
    }
    case 'submit-completion': {
      const seq = state.reports.length + 1;
      const report: ReportRecord = { seq, kind: 'completion', authorNo: actor.employeeNo, progress: 100, at };
      state.reports.push(report);
      state.progress = 100;
      state.completion = { actualValue: action.actualValue, submittedAt: at };
      state.stage = TaskStage.QUALITY_REVIEW;
      const mails = openReview(state, 'quality', 0, at, settings);
      return audited({
        type: 'completion-submitted',
        actorNo: actor.employeeNo,
        detail: { actualValue: action.actualValue ?? null },
        report: { ...report, text: action.summary },
        completionSummary: action.summary,
        mails,
      });
    }
    case 'quality-review': {
      const pending = state.pending!;
      const accepted = (action.decision ?? 'accept') === 'accept';
      const decision = decide(
        'quality',
        pending.reviewer.step,
        pending.reviewer.role,
        accepted ? 'accept' : 'return',
        action.opinion,
        action.score,
      );
      const mails: TaskMail[] = [];
      if (accepted) {
        state.quality = { score: action.score, reviewerNo: actor.employeeNo };
        state.stage = TaskStage.FINAL_APPROVAL;
        mails.push(...openReview(state, 'final', 0, at, settings));
      } else {
        startExecution(state, at);
        state.completion = undefined;
        mails.push(ownerMail(state, 'quality', 'return', actor.employeeNo, action.opinion));
      }
      return audited(
        {
          type: accepted ? 'quality-reviewed' : 'quality-returned',
          actorNo: actor.employeeNo,
          detail: { score: action.score },
          decision,
          mails,
        },
        action.opinion,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Timers

export type TaskAlarm =
  | { kind: 'milestone-reminder'; seq: number; at: string }
  | { kind: 'milestone-overdue'; seq: number; at: string }
  | { kind: 'milestone-director'; seq: number; at: string }
  | { kind: 'review-reminder'; at: string }
  | { kind: 'review-overdue'; at: string }
  | { kind: 'focus-reminder'; at: string }
  | { kind: 'focus-missed'; at: string }
  | { kind: 'rating-reminder'; at: string }
  | { kind: 'rating-close'; at: string };

const iso = (ms: number) => new Date(ms).toISOString();

/** Every timer that has not fired yet, earliest first. The workflow sleeps until the first one. */
export function scheduledAlarms(state: PolicyTaskState, settings: PolicyTaskSettings): TaskAlarm[] {
  const alarms: TaskAlarm[] = [];
  if (runningStages.includes(state.stage)) {
    for (const m of state.milestones) {
      if (m.completedAt) continue;
      const due = Date.parse(m.dueAt);
      if (!m.reminded)
        alarms.push({
          kind: 'milestone-reminder',
          seq: m.seq,
          at: iso(due - settings.milestoneReminderBeforeMs),
        });
      if (m.escalation < 1) alarms.push({ kind: 'milestone-overdue', seq: m.seq, at: m.dueAt });
      if (m.escalation < 2)
        alarms.push({
          kind: 'milestone-director',
          seq: m.seq,
          at: iso(due + settings.directorEscalationAfterMs),
        });
    }
    if (state.focus.active && state.focus.reportDueAt) {
      const due = Date.parse(state.focus.reportDueAt);
      if (!state.focus.reminded)
        alarms.push({ kind: 'focus-reminder', at: iso(due - settings.focusReminderBeforeMs) });
      alarms.push({ kind: 'focus-missed', at: iso(due + settings.focusGraceMs) });
    }
  }
  if (state.rating && !state.rating.closedAt) {
    const closes = Date.parse(state.rating.closesAt);
    if (!state.rating.reminded)
      alarms.push({ kind: 'rating-reminder', at: iso(closes - settings.ratingReminderBeforeMs) });
    alarms.push({ kind: 'rating-close', at: state.rating.closesAt });
  }
  if (state.pending) {
    const since = Date.parse(state.pending.since);
    if (!state.pending.reminded)
      alarms.push({ kind: 'review-reminder', at: iso(since + settings.reviewReminderAfterMs) });
    if (!state.pending.escalated)
      alarms.push({ kind: 'review-overdue', at: iso(since + settings.reviewDueAfterMs) });
  }
  return alarms.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Whom a reviewer's overdue step is escalated to: a leader's to the director, a director's to the head. */
function superiorOf(state: PolicyTaskState, reviewer: Reviewer): string | undefined {
  if (reviewer.role === 'TEAM_LEADER') return state.participants.directorNo;
  if (reviewer.role === 'DIRECTOR') return state.participants.headNo;
  return undefined;
}

/** Fires one alarm that is due: updates the flags and says what to record and mail. */
export function applyAlarm(
  state: PolicyTaskState,
  alarm: TaskAlarm,
  settings: PolicyTaskSettings,
): TaskEffect {
  const p = state.participants;
  const base = { taskId: state.taskId, title: state.title, taskUrl: taskUrl(state.taskId) };
  const key = (suffix: string) => mailKey(state, suffix);
  switch (alarm.kind) {
    case 'milestone-reminder':
    case 'milestone-overdue':
    case 'milestone-director': {
      const m = state.milestones.find((x) => x.seq === alarm.seq)!;
      const data = { ...base, seq: m.seq, milestoneTitle: m.title, dueAt: m.dueAt };
      if (alarm.kind === 'milestone-reminder') {
        m.reminded = true;
        return {
          type: 'milestone-reminder',
          actorNo: 'system',
          detail: { seq: m.seq },
          mails: [
            { key: key('reminder'), toEmployeeNo: p.ownerNo, template: 'task-milestone-reminder', data },
          ],
        };
      }
      m.reminded = true;
      if (alarm.kind === 'milestone-overdue') {
        m.escalation = 1;
        return {
          type: 'milestone-overdue',
          actorNo: 'system',
          detail: { seq: m.seq, escalatedTo: p.leaderNo },
          mails: [
            {
              key: key('overdue-owner'),
              toEmployeeNo: p.ownerNo,
              template: 'task-milestone-overdue',
              data: { ...data, level: 'owner' },
            },
            {
              key: key('overdue-leader'),
              toEmployeeNo: p.leaderNo,
              template: 'task-milestone-overdue',
              data: { ...data, level: 'team-leader' },
            },
          ],
        };
      }
      m.escalation = 2;
      return {
        type: 'milestone-escalated-director',
        actorNo: 'system',
        detail: { seq: m.seq, escalatedTo: p.directorNo },
        mails: [
          {
            key: key('overdue-director'),
            toEmployeeNo: p.directorNo,
            template: 'task-milestone-overdue',
            data: { ...data, level: 'director' },
          },
        ],
      };
    }
    case 'review-reminder':
    case 'review-overdue': {
      const pending = state.pending!;
      const data = {
        ...base,
        step: pending.reviewer.step,
        reviewerNo: pending.reviewer.employeeNo,
        since: pending.since,
        dueAt: pendingDueAt(pending, settings),
      };
      if (alarm.kind === 'review-reminder') {
        pending.reminded = true;
        return {
          type: 'review-reminder',
          actorNo: 'system',
          detail: { step: pending.reviewer.step, reviewerNo: pending.reviewer.employeeNo },
          mails: [
            {
              key: key('review-reminder'),
              toEmployeeNo: pending.reviewer.employeeNo,
              template: 'task-review-reminder',
              data,
            },
          ],
        };
      }
      pending.reminded = true;
      pending.escalated = true;
      const superior = superiorOf(state, pending.reviewer);
      const mails: TaskMail[] = [
        {
          key: key('review-overdue-reviewer'),
          toEmployeeNo: pending.reviewer.employeeNo,
          template: 'task-review-overdue',
          data,
        },
      ];
      if (superior && superior !== pending.reviewer.employeeNo) {
        mails.push({
          key: key('review-overdue-superior'),
          toEmployeeNo: superior,
          template: 'task-review-overdue',
          data,
        });
      }
      return {
        type: 'review-overdue',
        actorNo: 'system',
        detail: {
          step: pending.reviewer.step,
          reviewerNo: pending.reviewer.employeeNo,
          escalatedTo: superior ?? null,
        },
        mails,
      };
    }
    case 'rating-reminder': {
      const rating = state.rating!;
      rating.reminded = true;
      const unrated = rating.customerIds.filter((id) => rating.scores[String(id)] === undefined);
      return {
        type: 'customer-rating-reminder',
        actorNo: 'system',
        detail: { unrated: unrated.length, closesAt: rating.closesAt },
        mails: [],
        customerNotices:
          unrated.length === 0
            ? []
            : [
                {
                  key: key('customers-rating-reminder'),
                  taskId: state.taskId,
                  kind: 'rating-reminder',
                  customerIds: unrated,
                  closesAt: rating.closesAt,
                },
              ],
      };
    }
    case 'rating-close':
      return closeCustomerRating(state, alarm.at);
    case 'focus-reminder':
    case 'focus-missed': {
      const dueAt = state.focus.reportDueAt!;
      if (alarm.kind === 'focus-reminder') {
        state.focus.reminded = true;
        return {
          type: 'focus-report-reminder',
          actorNo: 'system',
          detail: { dueAt },
          mails: [
            {
              key: key('focus-reminder'),
              toEmployeeNo: p.ownerNo,
              template: 'task-focus-report-due',
              data: { ...base, dueAt },
            },
          ],
        };
      }
      state.focus.missed += 1;
      state.focus.reminded = false;
      state.focus.reportDueAt = iso(Date.parse(dueAt) + settings.focusReportIntervalMs);
      const data = { ...base, dueAt, missed: state.focus.missed };
      return {
        type: 'focus-report-missed',
        actorNo: 'system',
        detail: { dueAt, missed: state.focus.missed, nextDueAt: state.focus.reportDueAt },
        mails: [
          {
            key: key('focus-missed-leader'),
            toEmployeeNo: p.leaderNo,
            template: 'task-focus-report-missed',
            data,
          },
          {
            key: key('focus-missed-director'),
            toEmployeeNo: p.directorNo,
            template: 'task-focus-report-missed',
            data,
          },
        ],
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Progress, traffic light, pending step, outcome

/** Weighted share (0..100) of milestones completed. */
export function milestoneCompletion(
  milestones: readonly Pick<MilestoneState, 'weight' | 'completedAt'>[],
): number {
  const total = milestones.reduce((sum, m) => sum + m.weight, 0);
  if (total <= 0) return 0;
  const done = milestones.reduce((sum, m) => sum + (m.completedAt ? m.weight : 0), 0);
  return Math.round((done / total) * 1000) / 10;
}

export interface LightInput {
  nowMs: number;
  stage: string;
  startedAt?: string | null;
  createdAt: string;
  progress: number;
  milestones: readonly Pick<MilestoneState, 'dueAt' | 'weight' | 'completedAt'>[];
}

/**
 * Red when a milestone is past due and not complete; yellow when progress (the larger of the reported
 * progress and the weighted share of completed milestones) trails the elapsed share of the planned
 * period by more than the tolerance; green otherwise. A finished task keeps green.
 */
export function taskLight(
  input: LightInput,
  tolerancePoints = defaultTaskSettings.lightTolerancePoints,
): TrafficLight {
  if (input.stage === TaskStage.DONE) return 'GREEN';
  const open = input.milestones.filter((m) => !m.completedAt);
  if (open.some((m) => Date.parse(m.dueAt) <= input.nowMs)) return 'RED';
  if (input.milestones.length === 0) return 'GREEN';
  const start = Date.parse(input.startedAt ?? input.createdAt);
  const end = Math.max(...input.milestones.map((m) => Date.parse(m.dueAt)));
  const expected =
    end <= start ? 100 : Math.min(100, Math.max(0, ((input.nowMs - start) / (end - start)) * 100));
  const actual = Math.max(input.progress, milestoneCompletion(input.milestones));
  return actual + tolerancePoints < expected ? 'YELLOW' : 'GREEN';
}

export function lightOf(state: PolicyTaskState, nowMs: number, settings: PolicyTaskSettings): TrafficLight {
  return taskLight({ ...state, nowMs }, settings.lightTolerancePoints);
}

/** Who holds the task now and what they are to do, for the inbox. */
export function pendingStepOf(state: PolicyTaskState, settings: PolicyTaskSettings): PendingStep | null {
  if (isTerminalTaskStage(state.stage)) return null;
  if (state.pending) {
    return {
      step: state.pending.reviewer.step,
      assigneeNo: state.pending.reviewer.employeeNo,
      dueAt: pendingDueAt(state.pending, settings),
    };
  }
  const owner = state.participants.ownerNo;
  if (state.stage === TaskStage.DRAFT) {
    return { step: state.round > 0 ? 'revise-plan' : 'submit-plan', assigneeNo: owner, dueAt: null };
  }
  const next = state.milestones
    .filter((m) => !m.completedAt)
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  const focusDue = state.focus.active ? state.focus.reportDueAt : undefined;
  if (focusDue && (!next || Date.parse(focusDue) <= Date.parse(next.dueAt))) {
    return { step: 'focus-report', assigneeNo: owner, dueAt: focusDue };
  }
  if (next) return { step: `milestone-${next.seq}`, assigneeNo: owner, dueAt: next.dueAt };
  const last = state.milestones.reduce((max, m) => Math.max(max, Date.parse(m.dueAt)), 0);
  return { step: 'submit-completion', assigneeNo: owner, dueAt: last > 0 ? iso(last) : null };
}

export function isOverdue(state: PolicyTaskState, nowMs: number, settings: PolicyTaskSettings): boolean {
  if (isTerminalTaskStage(state.stage)) return false;
  if (state.pending && Date.parse(pendingDueAt(state.pending, settings)) <= nowMs) return true;
  return (
    runningStages.includes(state.stage) &&
    state.milestones.some((m) => !m.completedAt && Date.parse(m.dueAt) <= nowMs)
  );
}

export function readModelOf(
  state: PolicyTaskState,
  nowMs: number,
  settings: PolicyTaskSettings,
): TaskReadModel {
  const pendingStep = pendingStepOf(state, settings);
  return {
    stage: state.stage,
    light: lightOf(state, nowMs, settings),
    focus: state.focus.active,
    progress: Math.max(state.progress, milestoneCompletion(state.milestones)),
    planVersion: state.planVersion,
    pendingStep: pendingStep?.step ?? null,
    pendingAssigneeNo: pendingStep?.assigneeNo ?? null,
    pendingDueAt: pendingStep?.dueAt ?? null,
    overdue: isOverdue(state, nowMs, settings),
    lastActivityAt: state.lastActivityAt,
    startedAt: state.startedAt ?? null,
    doneAt: state.doneAt ?? null,
    focusReportDueAt: state.focus.active ? (state.focus.reportDueAt ?? null) : null,
    qualityScore: state.quality?.score ?? null,
    actualValue: state.completion?.actualValue ?? null,
  };
}

export function snapshotOf(
  state: PolicyTaskState,
  nowMs: number,
  settings: PolicyTaskSettings,
): TaskSnapshot {
  return {
    taskId: state.taskId,
    stage: state.stage,
    light: lightOf(state, nowMs, settings),
    progress: Math.max(state.progress, milestoneCompletion(state.milestones)),
    focus: state.focus.active,
    pendingStep: pendingStepOf(state, settings),
  };
}

/** The wrapper every effect gets before it is written: an event key and the read-model snapshot. */
export function toEventRecord(
  state: PolicyTaskState,
  effect: TaskEffect,
  at: string,
  settings: PolicyTaskSettings,
): TaskEventRecord {
  const { eventKey, eventSeq } = nextEventKey(state);
  return {
    taskId: state.taskId,
    eventKey,
    eventSeq,
    at,
    type: effect.type,
    actorNo: effect.actorNo,
    detail: effect.detail,
    decision: effect.decision,
    report: effect.report,
    completionSummary: effect.completionSummary,
    milestones: state.milestones,
    readModel: readModelOf(state, Date.parse(at), settings),
    audit: effect.audit,
    ...(effect.customerSatisfaction === undefined
      ? {}
      : { customerSatisfaction: effect.customerSatisfaction }),
  };
}

export interface TaskOutcomeScores {
  goalAchievement: number;
  timeliness: number;
  quality: number;
}

/**
 * Scores reported to the year's performance workflow. Goal achievement: the outcome measure against its
 * target (capped at 120) when both are known, else the weighted share of completed milestones.
 * Timeliness: the weighted share of milestones completed by their due time. Quality: the quality score.
 */
export function taskOutcomeScores(state: PolicyTaskState): TaskOutcomeScores {
  const actual = state.completion?.actualValue;
  const goalAchievement =
    state.outcomeTarget !== undefined && actual !== undefined
      ? kpiAchievement({ direction: 'HIGHER_IS_BETTER', target: state.outcomeTarget, actual }, 120)
      : milestoneCompletion(state.milestones);
  const total = state.milestones.reduce((sum, m) => sum + m.weight, 0);
  const onTime = state.milestones.reduce(
    (sum, m) => sum + (m.completedAt && Date.parse(m.completedAt) <= Date.parse(m.dueAt) ? m.weight : 0),
    0,
  );
  return {
    goalAchievement: Math.round(goalAchievement * 10) / 10,
    timeliness: total > 0 ? Math.round((onTime / total) * 1000) / 10 : 0,
    quality: state.quality?.score ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The customers' rating of the result (issue 20)

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

function closeCustomerRating(state: PolicyTaskState, at: string): TaskEffect {
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
