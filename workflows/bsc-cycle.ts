import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { BscCycleInput, BscCycleResult } from '../domain/bsc-cycle.ts';

const { planBscCycleDay, remindKpiOwners, listBriefingUnits } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes' },
});
const { publishUnitBriefing } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes' },
});

/** Units briefed at once: PDF and XLSX rendering is CPU work on the worker, kept to a few at a time. */
const BRIEFING_CONCURRENCY = 4;

/**
 * One day of the BSC month (domain/bsc-cycle.ts), started every morning by the `portal-bsc-cycle` schedule
 * (worker/schedules.ts): asks what the day calls for (the calendar is read in the activity), reminds KPI
 * owners on the lead and closing days, and on the first business day publishes every unit's briefing of
 * the month before, one activity per unit so a failing unit is retried alone.
 */
export async function bscCycleWorkflow(input: BscCycleInput): Promise<BscCycleResult> {
  const asOf = input.asOf ?? workflowInfo().runStartTime.toISOString();
  const plan = await planBscCycleDay({ asOf });
  let reminded = 0;
  if (plan.reminder) reminded = (await remindKpiOwners(plan.reminder)).reminded;
  const briefed: string[] = [];
  if (plan.briefing) {
    const { year, month } = plan.briefing;
    const units = await listBriefingUnits({ year });
    for (let start = 0; start < units.length; start += BRIEFING_CONCURRENCY) {
      const batch = units.slice(start, start + BRIEFING_CONCURRENCY);
      await Promise.all(batch.map((unitCode) => publishUnitBriefing({ year, month, unitCode })));
      briefed.push(...batch);
    }
  }
  return { plan, reminded, briefed };
}
