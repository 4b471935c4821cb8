import { defineSignal } from '@temporalio/workflow';

/**
 * Outcomes that complaints, tasks, innovation activities and evaluations report to the year's
 * performance workflow. `outcomeKey` is unique per outcome: recording is exactly-once by that key.
 */
interface OutcomeBase {
  outcomeKey: string;
  year: number;
  occurredAt: string;
  unitCode: string;
  employeeNo?: string;
}

export interface ComplaintClosedOutcome extends OutcomeBase {
  kind: 'complaint-closed';
  receiptNo: string;
  categoryCode: string;
  businessDaysTaken: number;
  slaMet: boolean;
  satisfaction?: number;
  withdrawn: boolean;
  /**
   * Closed as a repeat of an earlier answered complaint (§23): a handled, closed complaint whose closing
   * notice is its answer, so slaMet compares the closing time with the due time; it has no rating.
   */
  closedAsRepeated?: boolean;
}

export interface TaskDoneOutcome extends OutcomeBase {
  kind: 'task-done';
  taskId: string;
  goalAchievement: number;
  timeliness: number;
  quality: number;
  kpiCode?: string;
}

export interface InnovationScoredOutcome extends OutcomeBase {
  kind: 'innovation-scored';
  activityId: string;
  score: number;
}

export interface EvaluationSubmittedOutcome extends OutcomeBase {
  kind: 'evaluation-submitted';
  evaluationType: 'leader' | 'capability';
  subjectEmployeeNo: string;
  score: number;
}

/** The customers' rating of a completed policy task, once its rating step closed (issue 20). */
export interface TaskRatedOutcome extends OutcomeBase {
  kind: 'task-rated';
  taskId: string;
  /** Mean of the customers' ratings, 1–5. */
  satisfaction: number;
  ratings: number;
}

/** Training hours a person completed under their development plan (issue 20). */
export interface TrainingCompletedOutcome extends OutcomeBase {
  kind: 'training-completed';
  activityId: number;
  hours: number;
}

export type PerformanceOutcome =
  | ComplaintClosedOutcome
  | TaskDoneOutcome
  | InnovationScoredOutcome
  | EvaluationSubmittedOutcome
  | TaskRatedOutcome
  | TrainingCompletedOutcome;

export const recordOutcomeSignal = defineSignal<[PerformanceOutcome]>('recordOutcome');
/**
 * "Outcomes were recorded": the reporter has already stored them (PerformanceOutcome with appliedAt NULL);
 * the workflow coalesces these wake-ups and applies whatever is pending in batches.
 */
export const outcomesRecordedSignal = defineSignal<[{ year: number }]>('outcomesRecorded');

export const performanceWorkflowId = (year: number) => `performance-${year}`;
export const PERFORMANCE_WORKFLOW_TYPE = 'performanceWorkflow';
export interface PerformanceWorkflowInput {
  year: number;
}
