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
import {
  outcomesRecordedSignal,
  recordOutcomeSignal,
  type PerformanceOutcome,
} from '../domain/performance-outcomes.ts';
import {
  DEFAULT_HISTORY_EVENT_LIMIT,
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
  type PerformanceCarry,
  type PerformanceRunInput,
  type PerformanceStatus,
} from '../domain/performance.ts';
import {
  redWarnings,
  requireYearStage,
  yearActions,
  yearEndStep,
  YearRefusal,
  type KpiReading,
  type YearCheckContext,
  type YearEndEvent,
} from '../domain/year-end-rules.ts';
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

/** A refusal of the rules becomes the Update's rejection, with the rules' code and message. */
function checked(check: () => void) {
  try {
    check();
  } catch (error) {
    if (!(error instanceof YearRefusal)) throw error;
    throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
  }
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
  const checkContext = (): YearCheckContext => ({
    opened,
    now: Date.now(),
    yearEndRequested: yearEndRequest !== undefined,
    adjustmentsInFlight,
  });
  /** Takes a step of the year end: its stage and decision now, its record by the activity. */
  async function takeStep(event: YearEndEvent, actor: string, opinion?: string) {
    const step = yearEndStep(state, year, event, actor, opinion, nowIso());
    state.stage = step.stage;
    if (step.decision) state.decisions.push(step.decision);
    await recordYearDecision(step.record);
  }

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
  /** Before the year is loaded, validators let Updates through; their handlers check the stage here. */
  const whenOpened = async ({ stage, name }: { stage: YearStage; name: string }) => {
    if (opened) return;
    await condition(() => opened);
    checked(() => requireYearStage(state.stage, opened, stage, name));
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
      await whenOpened(yearActions.trigger);
      yearEndRequest = { actor: actor.employeeNo, reason };
      await condition(() => state.stage !== YearStage.OPEN && state.stage !== YearStage.AGGREGATING);
      return status();
    },
    {
      validator: (input) => {
        requireSignedActor(input, triggerYearEndUpdate.name);
        checked(() => yearActions.trigger.check(state, checkContext(), input));
      },
    },
  );

  setHandler(
    adjustResultUpdate,
    async ({ actor, employeeNo, finalScore, reason }) => {
      await whenOpened(yearActions.adjust);
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
        checked(() => yearActions.adjust.check(state, checkContext(), input));
      },
    },
  );

  setHandler(
    submitYearEndUpdate,
    async ({ actor, note }) => {
      await whenOpened(yearActions.submit);
      await takeStep('submitted', actor.employeeNo, note);
      return status();
    },
    {
      validator: (input) => {
        requireSignedActor(input, submitYearEndUpdate.name);
        checked(() => yearActions.submit.check(state, checkContext(), input));
      },
    },
  );

  setHandler(
    decideYearEndUpdate,
    async ({ actor, decision, opinion }) => {
      await whenOpened(yearActions.decide);
      await takeStep(decision === 'approve' ? 'approved' : 'rejected', actor.employeeNo, opinion);
      if (decision === 'approve') {
        finaliseReady = true;
        await condition(() => state.stage === YearStage.FINALISED);
      }
      return status();
    },
    {
      validator: (input) => {
        requireSignedActor(input, decideYearEndUpdate.name);
        checked(() => yearActions.decide.check(state, checkContext(), input));
      },
    },
  );

  setHandler(
    startCapabilityCycleUpdate,
    async ({ deadline }) => {
      await whenOpened(yearActions.startCapabilityCycle);
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
        checked(() => yearActions.startCapabilityCycle.check(state, checkContext(), input));
      },
    },
  );

  async function warnOnRed(kpis: KpiReading[]) {
    const { lights, redTransitions, warnings } = redWarnings(state, year, kpis, nowIso());
    state.lights = lights;
    state.redTransitions = redTransitions;
    await Promise.all(warnings.map((warning) => sendNotification(warning)));
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
      await takeStep('triggered', yearEndRequest.actor, yearEndRequest.reason);
      await aggregateYearEnd({ year });
      await takeStep('aggregated', 'system');
    }

    if (state.stage === YearStage.FINALISING && finaliseReady) {
      // Recorded before the stage moves: the head's approval answers once the year is final in the database.
      const finalised = yearEndStep(state, year, 'finalised', 'system', undefined, nowIso());
      await recordYearDecision(finalised.record);
      state.stage = finalised.stage;
      state.decisions.push(finalised.decision!);
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
