/**
 * Policy task (정책과제) state: stages, task types and review chains, settings, the state and its actions, the
 * Updates and the query. Pure and deterministic.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { SignedActorArgs } from './actor-claim.ts';
import type { TrafficLight } from './scoring.ts';
import type { CustomerNotice, TaskMail } from './policy-task-apply.ts';

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
export const runningStages: readonly TaskStage[] = [TaskStage.EXECUTION, TaskStage.CHANGE_REVIEW];

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
