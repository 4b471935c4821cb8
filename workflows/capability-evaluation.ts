import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import {
  capabilityCycleStatusQuery,
  ratingSubmittedSignal,
  type CapabilityCycleInput,
  type CapabilityCycleStatus,
} from '../domain/performance.ts';

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
 * at the deadline (or when every rating is in) and aggregates with the anonymity rule of
 * domain/scoring.ts capabilityScore (a rater group under the minimum is folded into the overall score).
 */
export async function capabilityEvaluationWorkflow(
  input: CapabilityCycleInput,
): Promise<CapabilityCycleStatus> {
  const status: CapabilityCycleStatus = {
    cycleId: input.cycleId,
    stage: 'SELECTING',
    invited: 0,
    submitted: 0,
    deadline: input.deadline,
  };
  let ratingArrived = false;
  setHandler(capabilityCycleStatusQuery, () => status);
  setHandler(ratingSubmittedSignal, () => {
    ratingArrived = true;
  });

  const selected = await selectCapabilityRaters({ cycleId: input.cycleId });
  status.invited = selected.invited;
  status.stage = 'OPEN';
  await mailCapabilityRaters({
    year: input.year,
    cycleId: input.cycleId,
    deadline: input.deadline,
    kind: 'invitation',
  });

  let allIn = status.invited === 0;
  /** Sleeps until `at`, waking on submitted ratings to close early once every rating is in. */
  const waitUntil = async (at: number) => {
    while (!allIn && Date.now() < at) {
      const woke = await condition(() => ratingArrived, at - Date.now());
      if (!woke) continue;
      ratingArrived = false;
      const counts = await countCapabilityRatings({ cycleId: input.cycleId });
      status.submitted = counts.submitted;
      allIn = counts.submitted >= counts.invited;
    }
  };

  const deadline = Date.parse(input.deadline);
  await waitUntil(deadline - (input.reminderBeforeMs ?? THREE_DAYS_MS));
  if (!allIn) {
    await mailCapabilityRaters({
      year: input.year,
      cycleId: input.cycleId,
      deadline: input.deadline,
      kind: 'reminder',
    });
  }
  await waitUntil(deadline);
  status.stage = 'CLOSED';
  status.submitted = (await countCapabilityRatings({ cycleId: input.cycleId })).submitted;
  await aggregateCapability({ year: input.year, cycleId: input.cycleId });
  status.stage = 'AGGREGATED';
  return status;
}
