import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { KpiReading } from '../activities/performance.ts';
import { ErrorCode } from '../domain/errors.ts';
import { Action, permits } from '../domain/policy.ts';
import {
  outcomesRecordedSignal,
  recordOutcomeSignal,
  type PerformanceOutcome,
} from '../domain/performance-outcomes.ts';
import {
  DEFAULT_HISTORY_EVENT_LIMIT,
  HEAD_ROLES,
  HR_ROLES,
  MIN_REASON_LENGTH,
  OUTCOME_BATCH_SIZE,
  RECENT_KEYS_CARRIED,
  RECENT_KEYS_WINDOW,
  YearStage,
  adjustResultUpdate,
  capabilityCycleWorkflowId,
  decideYearEndUpdate,
  kpiChangedSignal,
  performanceStatusQuery,
  startCapabilityCycleUpdate,
  submitYearEndUpdate,
  triggerYearEndUpdate,
  yearEndAt,
  type PerformanceActor,
  type PerformanceCarry,
  type PerformanceRunInput,
  type PerformanceStatus,
  type StaffRole,
} from '../domain/performance.ts';
import { capabilityEvaluationWorkflow } from './capability-evaluation.ts';
import { requireSignedActor } from './signed-actor.ts';
import { kstMinute, timerSummary } from '../domain/workflow-summaries.ts';

const {
  openPerformanceYear,
  recordOutcomes,
  applyRecordedOutcomes,
  recomputeKpis,
  refreshUnitLights,
  recordYearDecision,
  applyAdjustment,
} = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Aggregation scans the whole year's outcomes; it may take minutes on a large ministry.
const { aggregateYearEnd } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

// Mail retries without a cap: the outbox makes each send happen once, and an SMTP outage must only delay.
const { sendNotification } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});
const { notifyYearEndResults } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/** Outcomes applied to the unit totals per activity call. */
const APPLY_BATCH_SIZE = 2_000;
/**
 * A wake-up signal may be lost (the reporter goes on without it), so the yearly workflow also sweeps. Every
 * batch applies all recorded outcomes, not only the signalled ones, so a lost signal waits at most for the
 * next closing's signal; the daily sweep covers a quiet day. (A 10-minute sweep cost 52,560 activity
 * round trips a year for nothing, and a time-skipped year no longer finished in two minutes.)
 */
const OUTCOME_SWEEP_MILLIS = 24 * 3_600_000;
/** Signals arriving within this time of the last application wait and are applied together. */
const MIN_APPLY_INTERVAL_MILLIS = 2_000;
/** Continue as new well before Temporal's limit of signals per run (10,000 by default). */
const SIGNALS_PER_RUN = 4_000;

function fail(type: ErrorCode, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

function requireRole(actor: PerformanceActor, roles: readonly StaffRole[], action: string) {
  if (!roles.includes(actor.role))
    fail(ErrorCode.FORBIDDEN, `${action} needs one of the roles ${roles.join(', ')}`);
}

/** Activity failures carrying one of our codes surface to the caller of an Update as that code. */
function rethrowTyped(error: unknown): never {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type) {
    throw ApplicationFailure.create({
      type: error.cause.type,
      message: error.cause.message,
      nonRetryable: true,
    });
  }
  throw error;
}

/**
 * The year's performance workflow (id `performance-<year>`): records every outcome exactly once, keeps KPIs
 * and lights current and warns on red, then runs the year end: aggregation, HR review, the head's
 * approval, finalisation. It continues as new long before Temporal's history limit.
 */
export async function performanceWorkflow(input: PerformanceRunInput): Promise<PerformanceStatus> {
  const { year } = input;
  const historyLimit = input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT;
  const endAt = yearEndAt(year).getTime();

  // Handlers are registered before the first await, so nothing sent at start is rejected; a fresh
  // start then loads the stage and the lights already known from the database.
  const state: PerformanceCarry = input.carry
    ? { ...input.carry, runNumber: input.carry.runNumber + 1 }
    : {
        stage: YearStage.OPEN,
        recordedCount: 0,
        duplicateCount: 0,
        runNumber: 1,
        recentKeys: [],
        pending: [],
        lights: {},
        redTransitions: {},
        decisions: [],
      };
  let opened = input.carry !== undefined;

  // Bounded dedupe window, oldest first (a Set iterates in insertion order).
  const recentKeys = new Set(state.recentKeys);
  const pending: PerformanceOutcome[] = [...state.pending];
  for (const outcome of pending) recentKeys.add(outcome.outcomeKey);
  const remember = (key: string) => {
    recentKeys.add(key);
    if (recentKeys.size > RECENT_KEYS_WINDOW) {
      const oldest = recentKeys.values().next().value;
      if (oldest !== undefined) recentKeys.delete(oldest);
    }
  };
  const dirtyUnits = new Set<string>(state.dirtyUnits ?? []);
  // Newer runs apply outcomes the reporters recorded themselves, woken by coalesced signals or a sweep
  // timer; every run starts with a sweep, so nothing recorded while a run continued as new waits long.
  const coalescing = patched('coalesced-outcomes');
  let outcomesWaiting = coalescing;
  let signalsThisRun = 0;
  let lastAppliedAt = 0;
  let yearEndRequest: { actor: string; reason?: string } | undefined;
  let finaliseReady = state.stage === YearStage.FINALISING;
  let adjustmentsInFlight = 0;
  const nowIso = () => new Date(Date.now()).toISOString();
  const decisionKey = () => `${year}:decision:${state.decisions.length}`;

  const status = (): PerformanceStatus => ({
    year,
    stage: state.stage,
    runNumber: state.runNumber,
    recordedCount: state.recordedCount,
    duplicateCount: state.duplicateCount,
    pendingCount: pending.length,
    yearEndAt: new Date(endAt).toISOString(),
    lights: state.lights,
    redTransitions: state.redTransitions,
    decisions: state.decisions,
    capabilityCycleId: state.capabilityCycleId,
  });
  const requireStage = (stage: YearStage, action: string) => {
    if (opened && state.stage !== stage)
      fail(ErrorCode.WRONG_STAGE, `${action} is not possible while the year is ${state.stage}`);
  };

  /** Before the year is loaded, validators let Updates through; their handlers check the stage here. */
  const whenOpened = async (stage: YearStage, action: string) => {
    if (opened) return;
    await condition(() => opened);
    requireStage(stage, action);
  };

  setHandler(performanceStatusQuery, status);

  setHandler(outcomesRecordedSignal, () => {
    signalsThisRun += 1;
    if (state.stage !== YearStage.FINALISED) outcomesWaiting = true;
  });

  setHandler(recordOutcomeSignal, (outcome) => {
    signalsThisRun += 1;
    if (outcome.year !== year || state.stage === YearStage.FINALISED) return;
    if (recentKeys.has(outcome.outcomeKey)) {
      state.duplicateCount += 1;
      return;
    }
    remember(outcome.outcomeKey);
    pending.push(outcome);
  });

  setHandler(kpiChangedSignal, ({ unitCode }) => {
    if (state.stage !== YearStage.FINALISED) dirtyUnits.add(unitCode);
  });

  setHandler(
    triggerYearEndUpdate,
    async ({ actor, reason }) => {
      await whenOpened(YearStage.OPEN, 'Starting the year end');
      yearEndRequest = { actor: actor.employeeNo, reason };
      await condition(() => state.stage !== YearStage.OPEN && state.stage !== YearStage.AGGREGATING);
      return status();
    },
    {
      validator: (input) => {
        requireSignedActor(input, triggerYearEndUpdate.name);
        const { actor } = input;
        requireRole(actor, HR_ROLES, 'Starting the year end');
        requireStage(YearStage.OPEN, 'Starting the year end');
        if (yearEndRequest) fail(ErrorCode.WRONG_STAGE, 'The year end has already been requested');
      },
    },
  );

  setHandler(
    adjustResultUpdate,
    async ({ actor, employeeNo, finalScore, reason }) => {
      await whenOpened(YearStage.HR_REVIEW, 'Adjusting a result');
      adjustmentsInFlight += 1;
      try {
        return await applyAdjustment({
          year,
          key: `${year}:adjustment:${uuid4()}`,
          actor: actor.employeeNo,
          employeeNo,
          finalScore,
          reason: reason.trim(),
        });
      } catch (error) {
        rethrowTyped(error);
      } finally {
        adjustmentsInFlight -= 1;
      }
    },
    {
      validator: (input) => {
        requireSignedActor(input, adjustResultUpdate.name);
        const { actor, employeeNo, finalScore, reason } = input;
        requireRole(actor, HR_ROLES, 'Adjusting a result');
        if (!permits(actor, Action.YEAR_END_ADJUST, { subjectNo: employeeNo })) {
          fail(ErrorCode.FORBIDDEN, 'Nobody adjusts their own result');
        }
        requireStage(YearStage.HR_REVIEW, 'Adjusting a result');
        if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
          fail(
            ErrorCode.VALIDATION,
            `An adjustment needs a reason of at least ${MIN_REASON_LENGTH} characters`,
          );
        }
        if (!Number.isFinite(finalScore) || finalScore < 0 || finalScore > 120) {
          fail(ErrorCode.VALIDATION, 'finalScore must be a number within 0..120');
        }
      },
    },
  );

  setHandler(
    submitYearEndUpdate,
    async ({ actor, note }) => {
      await whenOpened(YearStage.HR_REVIEW, 'Submitting results for approval');
      state.stage = YearStage.HEAD_APPROVAL;
      const key = decisionKey();
      state.decisions.push({ at: nowIso(), actor: actor.employeeNo, action: 'submitted', opinion: note });
      await recordYearDecision({
        year,
        decisionKey: key,
        stage: state.stage,
        actor: actor.employeeNo,
        action: 'submitted',
        opinion: note,
      });
      return status();
    },
    {
      validator: (input) => {
        requireSignedActor(input, submitYearEndUpdate.name);
        const { actor } = input;
        requireRole(actor, HR_ROLES, 'Submitting results for approval');
        requireStage(YearStage.HR_REVIEW, 'Submitting results for approval');
        if (adjustmentsInFlight > 0) fail(ErrorCode.WRONG_STAGE, 'An adjustment is still being applied');
      },
    },
  );

  setHandler(
    decideYearEndUpdate,
    async ({ actor, decision, opinion }) => {
      await whenOpened(YearStage.HEAD_APPROVAL, 'Deciding on the year-end results');
      const key = decisionKey();
      if (decision === 'approve') {
        state.stage = YearStage.FINALISING;
        state.decisions.push({ at: nowIso(), actor: actor.employeeNo, action: 'approved', opinion });
        await recordYearDecision({
          year,
          decisionKey: key,
          stage: state.stage,
          actor: actor.employeeNo,
          action: 'approved',
          opinion,
        });
        finaliseReady = true;
        await condition(() => state.stage === YearStage.FINALISED);
      } else {
        state.stage = YearStage.HR_REVIEW;
        state.decisions.push({ at: nowIso(), actor: actor.employeeNo, action: 'rejected', opinion });
        await recordYearDecision({
          year,
          decisionKey: key,
          stage: state.stage,
          actor: actor.employeeNo,
          action: 'rejected',
          opinion,
        });
      }
      return status();
    },
    {
      validator: (input) => {
        requireSignedActor(input, decideYearEndUpdate.name);
        const { actor, decision, opinion } = input;
        requireRole(actor, HEAD_ROLES, 'Deciding on the year-end results');
        requireStage(YearStage.HEAD_APPROVAL, 'Deciding on the year-end results');
        if (decision !== 'approve' && decision !== 'reject')
          fail(ErrorCode.VALIDATION, 'decision must be approve or reject');
        if (decision === 'reject' && (opinion ?? '').trim().length < MIN_REASON_LENGTH) {
          fail(
            ErrorCode.VALIDATION,
            `A rejection needs an opinion of at least ${MIN_REASON_LENGTH} characters`,
          );
        }
      },
    },
  );

  setHandler(
    startCapabilityCycleUpdate,
    async ({ deadline }) => {
      await whenOpened(YearStage.OPEN, 'Starting the 360° evaluation');
      const cycleId = capabilityCycleWorkflowId(year);
      state.capabilityCycleId = cycleId;
      // Abandoned, not terminated, when this run continues as new: the cycle outlives any one run.
      await startChild(capabilityEvaluationWorkflow, {
        workflowId: cycleId,
        args: [{ year, cycleId, deadline }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `360° 역량평가 ${year} · capability cycle, deadline ${kstMinute(deadline)}`,
      });
      return { cycleId };
    },
    {
      validator: (input) => {
        requireSignedActor(input, startCapabilityCycleUpdate.name);
        const { actor, deadline } = input;
        requireRole(actor, HR_ROLES, 'Starting the 360° evaluation');
        requireStage(YearStage.OPEN, 'Starting the 360° evaluation');
        if (state.capabilityCycleId)
          fail(ErrorCode.CONFLICT, 'The 360° evaluation of this year has already started');
        const at = Date.parse(deadline);
        if (!Number.isFinite(at) || at <= Date.now())
          fail(ErrorCode.VALIDATION, 'deadline must be a future time');
      },
    },
  );

  async function warnOnRed(kpis: KpiReading[]) {
    const mails: Promise<unknown>[] = [];
    for (const kpi of kpis) {
      if (kpi.light === null) continue;
      const previous = state.lights[kpi.kpiCode];
      state.lights[kpi.kpiCode] = kpi.light;
      if (kpi.light !== 'RED' || previous === 'RED') continue;
      const transition = (state.redTransitions[kpi.kpiCode] ?? 0) + 1;
      state.redTransitions[kpi.kpiCode] = transition;
      const recipients = [...new Set([kpi.ownerNo, kpi.managerNo].filter((no): no is string => !!no))];
      for (const employeeNo of recipients) {
        mails.push(
          sendNotification({
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
              at: new Date(Date.now()).toISOString(),
            },
          }),
        );
      }
    }
    await Promise.all(mails);
  }

  /**
   * Applies the outcomes recorded by their reporters, a batch per activity call, however many signals woke
   * it; outcomes that cannot be applied are parked by the activity and block nothing.
   */
  async function applyRecorded(units: Set<string>) {
    if (!outcomesWaiting) return;
    const wait = lastAppliedAt + MIN_APPLY_INTERVAL_MILLIS - Date.now();
    if (wait > 0) await sleep(wait, { summary: 'let outcome signals coalesce' });
    lastAppliedAt = Date.now();
    outcomesWaiting = false;
    for (;;) {
      const result = await applyRecordedOutcomes({ year, limit: APPLY_BATCH_SIZE });
      state.recordedCount += result.applied;
      for (const unitCode of result.unitCodes) units.add(unitCode);
      if (!result.more) return;
      if (continueDue()) {
        outcomesWaiting = true;
        return;
      }
    }
  }

  /** Records one batch and recomputes the KPIs it touched (plus units flagged by kpiChanged). */
  async function processBatch() {
    const batch = pending.splice(0, OUTCOME_BATCH_SIZE);
    const units = new Set(dirtyUnits);
    dirtyUnits.clear();
    await applyRecorded(units);
    if (batch.length > 0) {
      const recorded = await recordOutcomes({ outcomes: batch });
      state.recordedCount += recorded.inserted;
      state.duplicateCount += batch.length - recorded.inserted;
      for (const unitCode of recorded.unitCodes) units.add(unitCode);
    }
    if (units.size === 0) return;
    const affected = [...units].sort();
    const { kpis } = await recomputeKpis({ year, unitCodes: affected });
    await warnOnRed(kpis);
    // Manual KPIs are not derived from outcomes; their lights still need the scoring module.
    for (const unitCode of affected.filter((code) => !kpis.some((kpi) => kpi.unitCode === code))) {
      await warnOnRed((await refreshUnitLights({ year, unitCode })).kpis);
    }
  }

  if (!opened) {
    const loaded = await openPerformanceYear({ year });
    state.stage = loaded.stage;
    state.lights = { ...loaded.lights, ...state.lights };
    opened = true;
  }

  const continueDue = () =>
    workflowInfo().historyLength > historyLimit ||
    workflowInfo().continueAsNewSuggested ||
    signalsThisRun >= SIGNALS_PER_RUN;

  if (state.stage === YearStage.FINALISED) return status();

  for (;;) {
    const ready = () =>
      pending.length > 0 ||
      outcomesWaiting ||
      dirtyUnits.size > 0 ||
      (state.stage === YearStage.OPEN && yearEndRequest !== undefined) ||
      (state.stage === YearStage.FINALISING && finaliseReady) ||
      continueDue();
    if (state.stage === YearStage.OPEN) {
      const untilYearEnd = Math.max(1, endAt - Date.now());
      const timeout = coalescing ? Math.min(untilYearEnd, OUTCOME_SWEEP_MILLIS) : untilYearEnd;
      setCurrentDetails(
        `**${state.stage}** · run ${state.runNumber} · ${state.recordedCount} outcomes applied · year end ${kstMinute(endAt)}`,
      );
      const woke = await condition(ready, timeout, {
        summary:
          timeout === untilYearEnd
            ? timerSummary(`year end ${year}`, endAt)
            : timerSummary('daily outcome sweep', Date.now() + timeout),
      });
      if (!woke && Date.now() >= endAt)
        yearEndRequest ??= { actor: 'system', reason: 'year-end timer (31 Dec 24:00 KST)' };
      else if (!woke && coalescing) outcomesWaiting = true;
    } else {
      setCurrentDetails(`**${state.stage}** · run ${state.runNumber} · ${state.decisions.length} decisions`);
      await condition(ready);
    }

    if (pending.length > 0 || outcomesWaiting || dirtyUnits.size > 0) await processBatch();

    if (state.stage === YearStage.OPEN && yearEndRequest) {
      // Everything received before the year end counts.
      outcomesWaiting = coalescing;
      while (pending.length > 0 || outcomesWaiting) await processBatch();
      state.stage = YearStage.AGGREGATING;
      state.decisions.push({
        at: nowIso(),
        actor: yearEndRequest.actor,
        action: 'triggered',
        opinion: yearEndRequest.reason,
      });
      await recordYearDecision({
        year,
        decisionKey: `${year}:triggered`,
        stage: state.stage,
        actor: yearEndRequest.actor,
        action: 'triggered',
        opinion: yearEndRequest.reason,
      });
      await aggregateYearEnd({ year });
      state.stage = YearStage.HR_REVIEW;
      await recordYearDecision({
        year,
        decisionKey: `${year}:aggregated`,
        stage: state.stage,
        actor: 'system',
        action: 'aggregated',
      });
    }

    if (state.stage === YearStage.FINALISING && finaliseReady) {
      await recordYearDecision({
        year,
        decisionKey: `${year}:finalised`,
        stage: YearStage.FINALISED,
        actor: 'system',
        action: 'finalised',
      });
      state.stage = YearStage.FINALISED;
      state.decisions.push({ at: nowIso(), actor: 'system', action: 'finalised' });
      await notifyYearEndResults({ year });
      return status();
    }

    if (continueDue()) {
      // Drain to one batch at most, wait for in-flight Updates, then carry only what the next run needs.
      while (pending.length > OUTCOME_BATCH_SIZE) await processBatch();
      await condition(allHandlersFinished);
      const carry: PerformanceCarry = {
        ...state,
        recentKeys: [...recentKeys].slice(-RECENT_KEYS_CARRIED),
        pending: [...pending],
      };
      carry.dirtyUnits = [...dirtyUnits];
      await continueAsNew<typeof performanceWorkflow>({
        year,
        carry,
        historyEventLimit: input.historyEventLimit,
      });
    }
  }
}
