/** Complaint (민원) types and rules shared by the workflow, activities and API. Pure. */
import { actionsForStep as catalogueActionsForStep } from '../contracts/complaint-actions.ts';
import { HOUR_MILLIS, WORKING_DAY_MILLIS, type BusinessCalendar } from './business-calendar.ts';

export const ComplaintStage = {
  RECEIVED: 'received',
  ASSIGNED: 'assigned',
  IN_PROGRESS: 'in_progress',
  WAITING_CITIZEN: 'waiting_citizen',
  IN_REVIEW: 'in_review',
  AWAITING_RATING: 'awaiting_rating',
  CLOSED: 'closed',
  WITHDRAWN: 'withdrawn',
} as const;
export type ComplaintStage = (typeof ComplaintStage)[keyof typeof ComplaintStage];

/** Stages in which the ministry still owes the citizen an answer (the SLA clock runs, except waiting). */
export const openComplaintStages: ComplaintStage[] = [
  ComplaintStage.RECEIVED,
  ComplaintStage.ASSIGNED,
  ComplaintStage.IN_PROGRESS,
  ComplaintStage.WAITING_CITIZEN,
  ComplaintStage.IN_REVIEW,
];
export const isTerminalStage = (stage: ComplaintStage) =>
  stage === ComplaintStage.CLOSED || stage === ComplaintStage.WITHDRAWN;
/** Stages whose workflow still runs and keeps deadlines (the open ones and awaiting the rating). */
export const runningComplaintStages: ComplaintStage[] = Object.values(ComplaintStage).filter(
  (stage) => !isTerminalStage(stage),
);

export interface StaffRef {
  employeeNo: string;
  name: string;
  team: string;
}

/** Who performs an action; set by the API from the session, checked again inside the workflow. */
export interface Actor {
  kind: 'staff' | 'citizen' | 'system';
  employeeNo?: string;
  role?: string;
  unitCode?: string;
  headquartersCode?: string | null;
}

/**
 * Tests shorten time with `testSlaMillis`: the due time is then receipt + that many milliseconds, and
 * every other timer scales with it. Production never sets it.
 */
export interface ComplaintTiming {
  testSlaMillis?: number;
}

/** Workflow input: no personal data (names, addresses) — those stay in PostgreSQL. */
export interface ComplaintInput {
  receiptNo: string;
  categoryCode: string;
  teamCode: string;
  headquartersCode: string | null;
  slaDays: number;
  skill?: string;
  receivedAt: string;
  dueAt: string;
  timing?: ComplaintTiming;
}

export interface Assignment {
  handler: StaffRef;
  reason: string;
}

export interface ComplaintState {
  receiptNo: string;
  stage: ComplaintStage;
  categoryCode: string;
  teamCode: string;
  headquartersCode: string | null;
  handler?: StaffRef;
  receivedAt: string;
  dueAt: string;
  originalDueAt: string;
  slaDays: number;
  escalationLevel: 0 | 1 | 2;
  overdue: boolean;
  extensionCount: number;
  /** Free text stays in PostgreSQL (ComplaintMessage); workflow state and history hold only its id. */
  pendingExtension?: { reasonMessageId: string; days: number; newDueAt: string; requestedBy: string };
  draft?: { messageId: string; by: string; at: string };
  answerMessageId?: string;
  answeredAt?: string;
  reviewRounds: number;
  pendingConsultation?: { messageId: string; requestedAt: string };
  infoRequest?: { questionMessageId: string; requestedAt: string; deadlineAt: string; expired: boolean };
  pausedMillis: number;
  rating?: { score: number; commentMessageId?: string; at: string };
  reopenCount: number;
  closedAt?: string;
  /** Closed as a repeat of this earlier complaint of the same citizen (§23). */
  repeatOf?: string;
  /** Version of the holiday calendar pinned in this run (absent in runs timed by the bundled table). */
  calendarVersion?: number;
  /**
   * Nobody in the team could be assigned: the team leader is told, and assignment is tried again until
   * someone is available. A business condition, never a failed workflow.
   */
  awaitingHandler?: { teamCode: string; round: number; since: string; attempts: number };
  /** Counts events so that each read-model write has a stable, unique key. */
  eventSeq: number;
}

export function complaintWorkflowId(receiptNo: string): string {
  return receiptNo;
}

/** Policy values of the complaint service. */
export const complaintRules = {
  /** Reminder this many working hours before the due time (at most a quarter of the period). */
  reminderWorkingHours: 8,
  /** After the due time, the team leader is escalated to at once, the director one business day later. */
  directorEscalationWorkingHours: 8,
  /** Long cases (this many days or more) get an interim progress notice at half time. */
  interimNoticeMinDays: 14,
  surveyReminderBusinessDays: 3,
  surveyCloseBusinessDays: 7,
  reopenWindowBusinessDays: 5,
  dissatisfiedAtOrBelow: 2,
  maxInfoDeadlineDays: 14,
  /** While nobody in the team is available, assignment is tried again this often. */
  assignmentRetryMinutes: 30,
} as const;

const scaled = (timing: ComplaintTiming | undefined, fraction: number) =>
  timing?.testSlaMillis !== undefined ? Math.max(1, Math.round(timing.testSlaMillis * fraction)) : undefined;

// The schedule functions below take the calendar as an argument: in a workflow it is the calendar pinned
// in the run's state (loaded through an activity), in the API the one read from the database.

/** The due time of a complaint received at `receivedAt` (business days, Korean holidays). */
export function complaintDueAt(
  calendar: BusinessCalendar,
  receivedAt: Date,
  slaDays: number,
  timing?: ComplaintTiming,
): Date {
  if (timing?.testSlaMillis !== undefined) return new Date(receivedAt.getTime() + timing.testSlaMillis);
  return calendar.computeDueAt(receivedAt, slaDays);
}

export function reminderAt(
  calendar: BusinessCalendar,
  dueAt: Date,
  slaDays: number,
  timing?: ComplaintTiming,
): Date {
  const test = scaled(timing, 0.25);
  if (test !== undefined) return new Date(dueAt.getTime() - test);
  const hours = Math.min(complaintRules.reminderWorkingHours, (slaDays * 8) / 4);
  return calendar.subtractWorkingHours(dueAt, hours);
}

export function directorEscalationAt(
  calendar: BusinessCalendar,
  dueAt: Date,
  timing?: ComplaintTiming,
): Date {
  const test = scaled(timing, 0.5);
  if (test !== undefined) return new Date(dueAt.getTime() + test);
  return calendar.addWorkingMillis(dueAt, complaintRules.directorEscalationWorkingHours * HOUR_MILLIS);
}

export function interimNoticeAt(
  calendar: BusinessCalendar,
  receivedAt: Date,
  dueAt: Date,
  slaDays: number,
  timing?: ComplaintTiming,
): Date | undefined {
  if (slaDays < complaintRules.interimNoticeMinDays && timing?.testSlaMillis === undefined) return undefined;
  if (timing?.testSlaMillis !== undefined)
    return slaDays >= complaintRules.interimNoticeMinDays
      ? new Date(receivedAt.getTime() + timing.testSlaMillis / 2)
      : undefined;
  const half = calendar.workingMillisBetween(receivedAt, dueAt) / 2;
  return calendar.addWorkingMillis(receivedAt, half);
}

export function businessDaysLater(
  calendar: BusinessCalendar,
  from: Date,
  days: number,
  timing?: ComplaintTiming,
): Date {
  const test = scaled(timing, days / 7);
  if (test !== undefined) return new Date(from.getTime() + test);
  return calendar.addWorkingMillis(from, days * WORKING_DAY_MILLIS);
}

/** When assignment is next tried while nobody in the team is available. */
export function assignmentRetryAt(lastTriedAt: Date, timing?: ComplaintTiming): Date {
  const test = scaled(timing, 0.1);
  return new Date(lastTriedAt.getTime() + (test ?? complaintRules.assignmentRetryMinutes * 60_000));
}

/**
 * Re-timing after a calendar change: the working time still to run until `at` keeps its length, so a
 * holiday added before `at` moves it later by that working day and a removed one earlier. Instants
 * already past (and so already acted on) stay where they are.
 */
export function retimedInstant(before: BusinessCalendar, after: BusinessCalendar, now: Date, at: Date): Date {
  if (at.getTime() <= now.getTime()) return at;
  return after.addWorkingMillis(now, before.workingMillisBetween(now, at));
}

/** Extension: once up to the original period; a second time only with the citizen's consent. */
export function extensionNeedsConsent(extensionCount: number): boolean {
  return extensionCount >= 1;
}
export const MAX_EXTENSIONS = 2;

export function extendedDueAt(
  calendar: BusinessCalendar,
  dueAt: Date,
  days: number,
  timing?: ComplaintTiming,
): Date {
  return businessDaysLater(calendar, dueAt, days, timing);
}

export type Light = 'GREEN' | 'YELLOW' | 'RED';

/** Red once overdue, yellow in the last quarter of the period, green before that. */
export function complaintLight(now: Date, receivedAt: Date, dueAt: Date): Light {
  const remaining = dueAt.getTime() - now.getTime();
  if (remaining < 0) return 'RED';
  const total = Math.max(1, dueAt.getTime() - receivedAt.getTime());
  return remaining < total / 4 ? 'YELLOW' : 'GREEN';
}

/** What the person who owes a step may do next, by that step (the action catalogue's step table). */
export const actionsForStep: Readonly<Record<string, readonly string[]>> = catalogueActionsForStep;
