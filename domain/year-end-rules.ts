/**
 * The year's performance rules as pure functions: who may move the year end on in which stage (`checks`),
 * what each step of the year end changes and records (`yearEndStep`), and which KPIs turning red warn whom
 * (`redWarnings`). The workflow (workflows/performance.ts) wires them to Updates, signals and activities.
 */
import { ErrorCode } from './errors.ts';
import { Action, permits } from './policy.ts';
import {
  HEAD_ROLES,
  HR_ROLES,
  MIN_REASON_LENGTH,
  YearStage,
  type PerformanceActor,
  type PerformanceCarry,
  type StaffRole,
  type YearDecision,
} from './performance.ts';
import type { TrafficLight } from './scoring.ts';
import type { MailTemplates } from './mail-templates.ts';

/** An Update refused: rejected with this code and message. */
export class YearRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'YearRefusal';
  }
}
const refuse = (code: ErrorCode, message: string): never => {
  throw new YearRefusal(code, message);
};

/** What a check needs besides the year's state: the run's own bookkeeping and its clock. */
export interface YearCheckContext {
  /** Whether the run has loaded the year from the database; until then the handlers check the stage. */
  opened: boolean;
  now: number;
  /** The year end was requested and waits for the main loop. */
  yearEndRequested?: boolean;
  /** HR adjustments still being written. */
  adjustmentsInFlight?: number;
}

function requireRole(actor: PerformanceActor, roles: readonly StaffRole[], action: string) {
  if (!roles.includes(actor.role))
    refuse(ErrorCode.FORBIDDEN, `${action} needs one of the roles ${roles.join(', ')}`);
}
/** Before the year is loaded the stage is not known yet; the handler checks again once it is. */
export function requireYearStage(stage: YearStage, opened: boolean, expected: YearStage, action: string) {
  if (opened && stage !== expected)
    refuse(ErrorCode.WRONG_STAGE, `${action} is not possible while the year is ${stage}`);
}

type Stage = Pick<PerformanceCarry, 'stage' | 'capabilityCycleId'>;

export const yearActions = {
  trigger: {
    name: 'Starting the year end',
    stage: YearStage.OPEN,
    check(state: Stage, context: YearCheckContext, { actor }: { actor: PerformanceActor }) {
      requireRole(actor, HR_ROLES, 'Starting the year end');
      requireYearStage(state.stage, context.opened, YearStage.OPEN, 'Starting the year end');
      if (context.yearEndRequested) refuse(ErrorCode.WRONG_STAGE, 'The year end has already been requested');
    },
  },
  adjust: {
    name: 'Adjusting a result',
    stage: YearStage.HR_REVIEW,
    check(
      state: Stage,
      context: YearCheckContext,
      input: { actor: PerformanceActor; employeeNo: string; finalScore: number; reason: string },
    ) {
      requireRole(input.actor, HR_ROLES, 'Adjusting a result');
      if (!permits(input.actor, Action.YEAR_END_ADJUST, { subjectNo: input.employeeNo }))
        refuse(ErrorCode.FORBIDDEN, 'Nobody adjusts their own result');
      requireYearStage(state.stage, context.opened, YearStage.HR_REVIEW, 'Adjusting a result');
      if (typeof input.reason !== 'string' || input.reason.trim().length < MIN_REASON_LENGTH)
        refuse(
          ErrorCode.VALIDATION,
          `An adjustment needs a reason of at least ${MIN_REASON_LENGTH} characters`,
        );
      if (!Number.isFinite(input.finalScore) || input.finalScore < 0 || input.finalScore > 120)
        refuse(ErrorCode.VALIDATION, 'finalScore must be a number within 0..120');
    },
  },
  submit: {
    name: 'Submitting results for approval',
    stage: YearStage.HR_REVIEW,
    check(state: Stage, context: YearCheckContext, { actor }: { actor: PerformanceActor }) {
      requireRole(actor, HR_ROLES, 'Submitting results for approval');
      requireYearStage(state.stage, context.opened, YearStage.HR_REVIEW, 'Submitting results for approval');
      if ((context.adjustmentsInFlight ?? 0) > 0)
        refuse(ErrorCode.WRONG_STAGE, 'An adjustment is still being applied');
    },
  },
  decide: {
    name: 'Deciding on the year-end results',
    stage: YearStage.HEAD_APPROVAL,
    check(
      state: Stage,
      context: YearCheckContext,
      { actor, decision, opinion }: { actor: PerformanceActor; decision: string; opinion?: string },
    ) {
      requireRole(actor, HEAD_ROLES, 'Deciding on the year-end results');
      requireYearStage(
        state.stage,
        context.opened,
        YearStage.HEAD_APPROVAL,
        'Deciding on the year-end results',
      );
      if (decision !== 'approve' && decision !== 'reject')
        refuse(ErrorCode.VALIDATION, 'decision must be approve or reject');
      if (decision === 'reject' && (opinion ?? '').trim().length < MIN_REASON_LENGTH)
        refuse(
          ErrorCode.VALIDATION,
          `A rejection needs an opinion of at least ${MIN_REASON_LENGTH} characters`,
        );
    },
  },
  startCapabilityCycle: {
    name: 'Starting the 360° evaluation',
    stage: YearStage.OPEN,
    check(
      state: Stage,
      context: YearCheckContext,
      { actor, deadline }: { actor: PerformanceActor; deadline: string },
    ) {
      requireRole(actor, HR_ROLES, 'Starting the 360° evaluation');
      requireYearStage(state.stage, context.opened, YearStage.OPEN, 'Starting the 360° evaluation');
      if (state.capabilityCycleId)
        refuse(ErrorCode.CONFLICT, 'The 360° evaluation of this year has already started');
      const at = Date.parse(deadline);
      if (!Number.isFinite(at) || at <= context.now)
        refuse(ErrorCode.VALIDATION, 'deadline must be a future time');
    },
  },
};

/** A year decision as the activity records it (PerformanceYear and its audit row). */
export interface YearDecisionRecord {
  year: number;
  decisionKey: string;
  stage: YearStage;
  actor: string;
  action: string;
  opinion?: string;
}

export type YearEndEvent = 'triggered' | 'aggregated' | 'submitted' | 'approved' | 'rejected' | 'finalised';

/** Where each step of the year end leads, and whether it joins the year's decision log. */
const yearEndSteps: Record<YearEndEvent, { to: YearStage; logged: boolean; fixedKey: boolean }> = {
  triggered: { to: YearStage.AGGREGATING, logged: true, fixedKey: true },
  aggregated: { to: YearStage.HR_REVIEW, logged: false, fixedKey: true },
  submitted: { to: YearStage.HEAD_APPROVAL, logged: true, fixedKey: false },
  approved: { to: YearStage.FINALISING, logged: true, fixedKey: false },
  rejected: { to: YearStage.HR_REVIEW, logged: true, fixedKey: false },
  finalised: { to: YearStage.FINALISED, logged: true, fixedKey: true },
};

/**
 * One step of the year end: the stage it leads to, the decision it adds to the log (if any) and the record
 * the activity writes. Decisions people take are keyed by their place in the log, so a retried activity
 * writes each once; the system's steps have a key of their own.
 */
export function yearEndStep(
  state: Pick<PerformanceCarry, 'decisions'>,
  year: number,
  event: YearEndEvent,
  actor: string,
  opinion: string | undefined,
  at: string,
): { stage: YearStage; decision?: YearDecision; record: YearDecisionRecord } {
  const step = yearEndSteps[event];
  const decisionKey = step.fixedKey ? `${year}:${event}` : `${year}:decision:${state.decisions.length}`;
  // An absent opinion is left out (as JSON leaves out an undefined one).
  const withOpinion = opinion === undefined ? {} : { opinion };
  return {
    stage: step.to,
    ...(step.logged
      ? { decision: { at, actor, action: event as YearDecision['action'], ...withOpinion } }
      : {}),
    record: { year, decisionKey, stage: step.to, actor, action: event, ...withOpinion },
  };
}

/** A KPI as recomputed: its light and who answers for it. */
export interface KpiReading {
  kpiCode: string;
  kpiName: string;
  unitCode: string;
  actual: number | null;
  target: number;
  achievement: number | null;
  light: TrafficLight | null;
  ownerNo: string | null;
  /** The head of the unit above (director for a team KPI, head of ministry for a headquarters KPI). */
  managerNo: string | null;
}

export interface RedWarning {
  key: string;
  to: { kind: 'staff'; employeeNo: string };
  template: 'kpi-red-warning';
  data: MailTemplates['kpi-red-warning'];
}

/**
 * The lights after a recomputation, and a warning to the KPI's owner and the manager above each time a KPI
 * turns red (not while it stays red); the transition count keeps each turn's mails apart.
 */
export function redWarnings(
  state: Pick<PerformanceCarry, 'lights' | 'redTransitions'>,
  year: number,
  kpis: readonly KpiReading[],
  at: string,
): { lights: Record<string, TrafficLight>; redTransitions: Record<string, number>; warnings: RedWarning[] } {
  const lights = { ...state.lights };
  const redTransitions = { ...state.redTransitions };
  const warnings: RedWarning[] = [];
  for (const kpi of kpis) {
    if (kpi.light === null) continue;
    const previous = lights[kpi.kpiCode];
    lights[kpi.kpiCode] = kpi.light;
    if (kpi.light !== 'RED' || previous === 'RED') continue;
    const transition = (redTransitions[kpi.kpiCode] ?? 0) + 1;
    redTransitions[kpi.kpiCode] = transition;
    const recipients = [...new Set([kpi.ownerNo, kpi.managerNo].filter((no): no is string => !!no))];
    for (const employeeNo of recipients) {
      warnings.push({
        key: `performance-${year}:kpi-red:${kpi.kpiCode}:${transition}:${employeeNo}`,
        to: { kind: 'staff', employeeNo },
        template: 'kpi-red-warning',
        data: {
          year,
          kpiCode: kpi.kpiCode,
          kpiName: kpi.kpiName,
          unitCode: kpi.unitCode,
          actual: kpi.actual,
          target: kpi.target,
          achievement: kpi.achievement,
          scorecardUrl: `/performance/${year}/scorecards/${kpi.unitCode}`,
          transition,
          at,
        },
      });
    }
  }
  return { lights, redTransitions, warnings };
}
