import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SignedActorArgs } from './actor-claim.ts';
import type { PerformanceOutcome, PerformanceWorkflowInput } from './performance-outcomes.ts';
import type { BonusGrade, ScoringConfigOverrides, TrafficLight } from './scoring.ts';
import type { CapabilityCycleCarry } from './capability.ts';

/**
 * The year's performance workflow: its stages, its carried state, and every signal, query and update,
 * declared once for the workflow and the API.
 */

/** The staff roles of the schema, restated so domain code stays free of the database client. */
export type StaffRole = 'STAFF' | 'TEAM_LEADER' | 'DIRECTOR' | 'HR' | 'HEAD' | 'ADMIN';

export const YearStage = {
  /** Outcomes are recorded and KPIs kept current. */
  OPEN: 'OPEN',
  AGGREGATING: 'AGGREGATING',
  HR_REVIEW: 'HR_REVIEW',
  HEAD_APPROVAL: 'HEAD_APPROVAL',
  FINALISING: 'FINALISING',
  /** Results are final and the year is locked. */
  FINALISED: 'FINALISED',
} as const;
export type YearStage = (typeof YearStage)[keyof typeof YearStage];

/** Who acts on the year; the API fills it from the session, the workflow re-checks the role. */
export interface PerformanceActor {
  employeeNo: string;
  role: StaffRole;
}

export const HR_ROLES: readonly StaffRole[] = ['HR', 'ADMIN'];
export const HEAD_ROLES: readonly StaffRole[] = ['HEAD'];

export interface YearDecision {
  at: string;
  actor: string;
  action: 'triggered' | 'submitted' | 'approved' | 'rejected' | 'finalised';
  opinion?: string;
}

/** What survives continue-as-new: only what the next run needs, never the outcomes already recorded. */
export interface PerformanceCarry {
  stage: YearStage;
  recordedCount: number;
  duplicateCount: number;
  runNumber: number;
  /** The most recent outcome keys, oldest first; bounded by RECENT_KEYS_CARRIED. */
  recentKeys: string[];
  /** Outcomes received but not yet recorded (normally empty: runs drain before continuing). */
  pending: PerformanceOutcome[];
  /** Units whose KPIs must be recomputed (a kpiChanged signal not yet handled). */
  dirtyUnits?: string[];
  lights: Record<string, TrafficLight>;
  /** How many times each KPI has turned red; part of the warning mail's key. */
  redTransitions: Record<string, number>;
  decisions: YearDecision[];
  capabilityCycleId?: string;
}

export interface PerformanceRunInput extends PerformanceWorkflowInput {
  carry?: PerformanceCarry;
  /** Continue as new once history passes this many events (Temporal's hard limit is 51,200). */
  historyEventLimit?: number;
}

/** Deduplication window inside the workflow; the database primary key is the final guard. */
export const RECENT_KEYS_WINDOW = 5_000;
export const RECENT_KEYS_CARRIED = 2_000;
export const OUTCOME_BATCH_SIZE = 500;
export const DEFAULT_HISTORY_EVENT_LIMIT = 8_000;

export interface PerformanceStatus {
  year: number;
  stage: YearStage;
  runNumber: number;
  recordedCount: number;
  duplicateCount: number;
  pendingCount: number;
  yearEndAt: string;
  lights: Record<string, TrafficLight>;
  redTransitions: Record<string, number>;
  decisions: YearDecision[];
  capabilityCycleId?: string;
}

/** Midnight at the end of 31 December, Korea time (UTC+9, no daylight saving). */
export function yearEndAt(year: number): Date {
  return new Date(Date.UTC(year + 1, 0, 1) - 9 * 3_600_000);
}

export interface TriggerYearEndInput extends SignedActorArgs {
  actor: PerformanceActor;
  reason?: string;
}
export interface AdjustResultInput extends SignedActorArgs {
  actor: PerformanceActor;
  employeeNo: string;
  finalScore: number;
  reason: string;
}
export interface SubmitYearEndInput extends SignedActorArgs {
  actor: PerformanceActor;
  note?: string;
}
export interface DecideYearEndInput extends SignedActorArgs {
  actor: PerformanceActor;
  decision: 'approve' | 'reject';
  opinion?: string;
}
export interface StartCapabilityCycleInput extends SignedActorArgs {
  actor: PerformanceActor;
  /** ISO time the ratings close. */
  deadline: string;
}

export interface AdjustmentResult {
  employeeNo: string;
  before: number | null;
  after: number;
  grade: BonusGrade | null;
  rank: number | null;
}

export const performanceStatusQuery = defineQuery<PerformanceStatus>('performanceStatus');
/** A KPI's value changed outside the outcome stream (approved manual entry, edited target). */
export const kpiChangedSignal = defineSignal<[{ unitCode: string; kpiCode: string }]>('kpiChanged');
export const triggerYearEndUpdate = defineUpdate<PerformanceStatus, [TriggerYearEndInput]>('triggerYearEnd');
export const adjustResultUpdate = defineUpdate<AdjustmentResult, [AdjustResultInput]>('adjustResult');
export const submitYearEndUpdate = defineUpdate<PerformanceStatus, [SubmitYearEndInput]>('submitYearEnd');
export const decideYearEndUpdate = defineUpdate<PerformanceStatus, [DecideYearEndInput]>('decideYearEnd');
export const startCapabilityCycleUpdate = defineUpdate<{ cycleId: string }, [StartCapabilityCycleInput]>(
  'startCapabilityCycle',
);

/** Minimum length of an adjustment reason or a rejection opinion, so "ok" does not pass as a reason. */
export const MIN_REASON_LENGTH = 5;

// ---------------------------------------------------------------------------------------------------------
// Per-year configuration: the scoring overrides plus the bonus base amounts per pay grade

export interface PerformanceYearConfig {
  scoring: ScoringConfigOverrides;
  /** Bonus base amount (won) per pay grade; payout = base × the grade's rate. */
  baseAmounts: Record<string, number>;
}

export const defaultBaseAmounts: Readonly<Record<string, number>> = Object.freeze({
  '3급': 6_000_000,
  '4급': 5_000_000,
  '5급': 4_000_000,
  '6급': 3_200_000,
  '7급': 2_600_000,
});
export const DEFAULT_BASE_AMOUNT = 3_000_000;

// ---------------------------------------------------------------------------------------------------------
// Multi-source (360°) capability evaluation cycle

export interface CapabilityCycleInput {
  year: number;
  cycleId: string;
  deadline: string;
  /** Reminder this long before the deadline. */
  reminderBeforeMs?: number;
  /** How often the open cycle wakes to count stored ratings (default CAPABILITY_POLL_MS). */
  pollMs?: number;
  /** Continue as new past this many history events (default CAPABILITY_HISTORY_LIMIT). */
  historyEventLimit?: number;
  carry?: CapabilityCycleCarry;
}
export interface CapabilityCycleStatus {
  cycleId: string;
  stage: 'SELECTING' | 'OPEN' | 'CLOSED' | 'AGGREGATED';
  invited: number;
  submitted: number;
  deadline: string;
}
export const capabilityCycleStatusQuery = defineQuery<CapabilityCycleStatus>('capabilityCycleStatus');
export const ratingSubmittedSignal =
  defineSignal<[{ raterNo: string; subjectNo: string }]>('ratingSubmitted');
export const capabilityCycleWorkflowId = (year: number) => `capability-${year}`;

// ---------------------------------------------------------------------------------------------------------
// Innovation activities (혁신관리)

export const InnovationStage = {
  PROPOSED: 'PROPOSED',
  REVIEWED: 'REVIEWED',
  ADOPTED: 'ADOPTED',
  IMPLEMENTED: 'IMPLEMENTED',
  SCORED: 'SCORED',
  REJECTED: 'REJECTED',
} as const;
export type InnovationStage = (typeof InnovationStage)[keyof typeof InnovationStage];

/** The only moves an innovation activity can make: action → (from, to). */
export const innovationTransitions = {
  review: { from: 'PROPOSED', to: 'REVIEWED' },
  adopt: { from: 'REVIEWED', to: 'ADOPTED' },
  reject: { from: 'REVIEWED', to: 'REJECTED' },
  implement: { from: 'ADOPTED', to: 'IMPLEMENTED' },
  score: { from: 'IMPLEMENTED', to: 'SCORED' },
} as const satisfies Record<string, { from: InnovationStage; to: InnovationStage }>;
export type InnovationAction = keyof typeof innovationTransitions;
