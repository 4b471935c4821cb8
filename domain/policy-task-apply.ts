/**
 * Applying a policy task action: what changes, what is recorded, who is mailed.
 */
import type { MailTemplates } from './mail-templates.ts';
import type { TrafficLight } from './scoring.ts';
import {
  type Decision,
  type DecisionPhase,
  type MilestonePlan,
  type MilestoneState,
  type PendingReview,
  type PolicyTaskSettings,
  type PolicyTaskState,
  type ReportRecord,
  type TaskActionRequest,
  type TaskDecision,
  TaskStage,
} from './policy-task-state.ts';
import { milestoneCompletion } from './policy-task-views.ts';

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

export const taskUrl = (taskId: string) => `/tasks/${taskId}`;

export function nextEventKey(state: PolicyTaskState): { eventKey: string; eventSeq: number } {
  state.eventSeq += 1;
  return { eventKey: `e${state.eventSeq}`, eventSeq: state.eventSeq };
}

/** Mail keys name the event that sends them (the next event key), so each is sent once. */
export const mailKey = (state: PolicyTaskState, suffix: string) =>
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

export const pendingDueAt = (pending: PendingReview, settings: PolicyTaskSettings) =>
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
