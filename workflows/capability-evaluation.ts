import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import {
  CAPABILITY_HISTORY_LIMIT,
  CAPABILITY_POLL_MS,
  closeCapabilityCycleSignal,
  type CapabilityCycleCarry,
} from '../domain/capability.ts';
import {
  capabilityCycleStatusQuery,
  ratingSubmittedSignal,
  type CapabilityCycleInput,
  type CapabilityCycleStatus,
} from '../domain/performance.ts';
import { kstMinute, timerSummary } from '../domain/workflow-summaries.ts';

const { selectCapabilityRaters, countCapabilityRatings, aggregateCapability } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// Mail retries without a cap: the outbox makes each send happen once, and an SMTP outage must only delay.
const { mailCapabilityRaters } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

const THREE_DAYS_MS = 3 * 24 * 3_600_000;

/**
 * The year's multi-source (360°) capability evaluation, a child of the performance workflow: selects raters
 * (superiors, peers, subordinates), invites them, reminds those still pending before the deadline, closes
 * at the deadline, when HR closes it in the portal or when every rating is in, and aggregates with the
 * anonymity rule of domain/scoring.ts capabilityScore.
 *
 * Ratings never reach this workflow: the API stores them in PostgreSQL. The workflow wakes on a timer
 * (every `pollMs`) or on a close signal, however many arrive (they only set a flag), counts what is stored,
 * and continues as new past `historyEventLimit` events, so its history is bounded by time, not by ratings.
 */
export async function capabilityEvaluationWorkflow(
  input: CapabilityCycleInput,
): Promise<CapabilityCycleStatus> {
  const carry: CapabilityCycleCarry = input.carry
    ? { ...input.carry, runNumber: input.carry.runNumber + 1 }
    : { stage: 'OPEN', invited: 0, submitted: 0, reminded: false, runNumber: 1 };
  const status: CapabilityCycleStatus = {
    cycleId: input.cycleId,
    stage: input.carry ? carry.stage : 'SELECTING',
    invited: carry.invited,
    submitted: carry.submitted,
    deadline: input.deadline,
  };
  let nudged = false;
  setHandler(capabilityCycleStatusQuery, () => status);
  setHandler(closeCapabilityCycleSignal, () => {
    nudged = true;
  });
  // Kept for callers of the earlier API; a burst of them is one wake-up.
  setHandler(ratingSubmittedSignal, () => {
    nudged = true;
  });

  if (!input.carry) {
    const selected = await selectCapabilityRaters({ cycleId: input.cycleId });
    status.invited = selected.invited;
    status.stage = 'OPEN';
    await mailCapabilityRaters({
      year: input.year,
      cycleId: input.cycleId,
      deadline: input.deadline,
      kind: 'invitation',
    });
  }

  const pollMs = input.pollMs ?? CAPABILITY_POLL_MS;
  const historyLimit = input.historyEventLimit ?? CAPABILITY_HISTORY_LIMIT;
  const deadline = Date.parse(input.deadline);
  const reminderAt = deadline - (input.reminderBeforeMs ?? THREE_DAYS_MS);
  let closeRequested = false;
  const allIn = () => status.invited === 0 || status.submitted >= status.invited;

  while (status.stage === 'OPEN' && !closeRequested && !allIn() && Date.now() < deadline) {
    const nextMilestone = !carry.reminded && Date.now() < reminderAt ? reminderAt : deadline;
    setCurrentDetails(
      `**${status.stage}** · ${status.submitted}/${status.invited} ratings · deadline ${kstMinute(deadline)}`,
    );
    await condition(() => nudged, Math.max(1, Math.min(pollMs, nextMilestone - Date.now())), {
      summary: timerSummary(
        `count stored ratings (${nextMilestone === deadline ? 'deadline' : 'reminder'} ${kstMinute(nextMilestone)})`,
        Date.now() + Math.min(pollMs, nextMilestone - Date.now()),
      ),
    });
    nudged = false;
    const counts = await countCapabilityRatings({ cycleId: input.cycleId });
    status.invited = counts.invited;
    status.submitted = counts.submitted;
    closeRequested = counts.closeRequested;
    if (!carry.reminded && !closeRequested && !allIn() && Date.now() >= reminderAt) {
      await mailCapabilityRaters({
        year: input.year,
        cycleId: input.cycleId,
        deadline: input.deadline,
        kind: 'reminder',
      });
      carry.reminded = true;
    }
    if (workflowInfo().historyLength > historyLimit || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof capabilityEvaluationWorkflow>({
        ...input,
        carry: { ...carry, stage: 'OPEN', invited: status.invited, submitted: status.submitted },
      });
    }
  }

  status.stage = 'CLOSED';
  status.submitted = (await countCapabilityRatings({ cycleId: input.cycleId })).submitted;
  await aggregateCapability({ year: input.year, cycleId: input.cycleId });
  status.stage = 'AGGREGATED';
  return status;
}
