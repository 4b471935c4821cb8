/**
 * Policy task progress, traffic light, pending step, read model and outcome.
 */
import { kpiAchievement } from './scoring.ts';
import type { TrafficLight } from './scoring.ts';
import { iso } from './policy-task-alarms.ts';
import {
  type TaskEffect,
  type TaskEventRecord,
  type TaskReadModel,
  nextEventKey,
  pendingDueAt,
} from './policy-task-apply.ts';
import {
  type MilestoneState,
  type PendingStep,
  type PolicyTaskSettings,
  type PolicyTaskState,
  type TaskSnapshot,
  TaskStage,
  defaultTaskSettings,
  isTerminalTaskStage,
  runningStages,
} from './policy-task-state.ts';

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
