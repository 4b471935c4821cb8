import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CapabilityActivities } from '../../activities/capability.ts';
import { closeCapabilityCycleSignal } from '../../domain/capability.ts';
import { ratingSubmittedSignal } from '../../domain/performance.ts';
import type { capabilityEvaluationWorkflow } from '../../workflows/capability-evaluation.ts';
import { useTimeSkippingWorker } from '../support/time-skipping.ts';
import { waitFor } from '../support/wait-for.ts';

/** What the stub activities saw, per cycle. */
const cycles = new Map<string, { counts: number; closeRequested: boolean; log: string[] }>();
const of = (cycleId: string) => {
  if (!cycles.has(cycleId)) cycles.set(cycleId, { counts: 0, closeRequested: false, log: [] });
  return cycles.get(cycleId)!;
};

const stubs: CapabilityActivities = {
  async selectCapabilityRaters({ cycleId }) {
    of(cycleId).log.push('select');
    return { invited: 18_000, raters: 2_000 };
  },
  async mailCapabilityRaters({ cycleId, kind }) {
    of(cycleId).log.push(kind);
    return { mailed: 2_000 };
  },
  async countCapabilityRatings({ cycleId }) {
    const cycle = of(cycleId);
    cycle.counts += 1;
    return {
      invited: 18_000,
      submitted: Math.min(17_999, cycle.counts * 100),
      closeRequested: cycle.closeRequested,
    };
  },
  async aggregateCapability({ cycleId }) {
    of(cycleId).log.push('aggregate');
    return { subjects: 2_000 };
  },
};

const ctx = useTimeSkippingWorker('capability-wf', stubs);
const DAY = 24 * 3_600_000;

async function start(days: number, options: { historyEventLimit?: number; pollMs?: number } = {}) {
  const cycleId = `capability-${randomUUID()}`;
  const deadline = new Date((await ctx.env.currentTimeMs()) + days * DAY).toISOString();
  const handle = await ctx.env.client.workflow.start<typeof capabilityEvaluationWorkflow>(
    'capabilityEvaluationWorkflow',
    { workflowId: cycleId, taskQueue: ctx.taskQueue, args: [{ year: 2101, cycleId, deadline, ...options }] },
  );
  return { cycleId, handle };
}

describe('360° cycle workflow: ratings stay out of its history', () => {
  it('wakes on its timer through a long cycle, reminds once, continues as new and aggregates at the deadline', async () => {
    const { cycleId, handle } = await start(60, { historyEventLimit: 60, pollMs: DAY });
    const result = await handle.result();
    expect(result).toMatchObject({ stage: 'AGGREGATED', invited: 18_000 });
    expect(of(cycleId).log).toEqual(['select', 'invitation', 'reminder', 'aggregate']);
    const latest = await handle.describe();
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
    const history = await ctx.env.client.workflow.getHandle(cycleId, latest.runId).fetchHistory();
    expect(history.events!.length).toBeLessThan(80);
  });

  it('a burst of signals is one wake-up, and HR closing (seen in the database) ends the cycle early', async () => {
    const { cycleId, handle } = await start(30);
    await waitFor(() => of(cycleId).log.includes('invitation'), 20_000, 50);
    const countsBefore = of(cycleId).counts;
    of(cycleId).closeRequested = true;
    await Promise.all([
      ...Array.from({ length: 50 }, () =>
        handle.signal(ratingSubmittedSignal, { raterNo: 'E1', subjectNo: 'E2' }),
      ),
      handle.signal(closeCapabilityCycleSignal, { by: 'E0003' }),
    ]);
    const result = await handle.result();
    expect(result.stage).toBe('AGGREGATED');
    expect(of(cycleId).log).toEqual(['select', 'invitation', 'aggregate']);
    // 51 signals, a handful of counts: no work per message.
    expect(of(cycleId).counts - countsBefore).toBeLessThanOrEqual(3);
  });
});
