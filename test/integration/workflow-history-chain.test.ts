import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../api/workflow-timeline.ts';
import { outcomesRecordedSignal } from '../../domain/performance-outcomes.ts';
import type { performanceWorkflow } from '../../workflows/performance.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

/**
 * The portal's workflow history follows the continue-as-new chain (issue 13 item 7): a yearly workflow
 * that continued as new shows every run in order, with a marker where the next run begins, and its timers
 * and activities with the summaries the workflow gave them.
 */
let stack: Stack;
let admin: SessionHeaders;
// A far year of its own: nothing else in the shared database records outcomes for it.
const year = 2190 + Math.floor(Math.random() * 9);
beforeAll(async () => {
  stack = await startStack();
  admin = await login(stack.app, 'E0002');
});
afterAll(async () => {
  await stack?.prisma.performanceYear.deleteMany({ where: { year } });
  await stack?.stop();
});

describe('workflow history across continue-as-new', () => {
  it('shows every run of a performance year that continued as new, oldest first, with a marker between runs', async () => {
    const workflowId = `performance-${year}-history-chain-${Date.now()}`;
    const handle = await stack.temporal.workflow.start<typeof performanceWorkflow>('performanceWorkflow', {
      workflowId,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      args: [{ year, historyEventLimit: 40 }],
    });
    const firstRunId = handle.firstExecutionRunId;
    try {
      type Page = {
        runId: string;
        runs: { runId: string; events: number }[];
        events: number;
        earlierRunsOmitted: boolean;
        timeline: TimelineEntry[];
      };
      const page = async () => {
        const response = await stack.app.inject({
          method: 'GET',
          url: `/api/admin/workflows/${workflowId}/history`,
          headers: admin,
        });
        expect(response.statusCode).toBe(200);
        return response.json() as Page;
      };
      // Wake-ups grow the history past the limit; the run continues as new, then the next one does too.
      await waitFor(async () => {
        await handle.signal(outcomesRecordedSignal, { year });
        return (await page()).runs.length >= 3;
      }, 50_000);
      // A signal still in flight may start one more run: read the page once the chain has stopped moving
      // and the last run, idle now that the signals stopped, waits on its daily sweep timer.
      const body = await waitFor(async () => {
        const latest = (await handle.describe()).runId;
        const read = await page();
        const idle = read.timeline.some((entry) => String(entry.summary).includes('daily outcome sweep'));
        return read.runId === latest && read.runs.at(-1)?.runId === latest && idle ? read : undefined;
      }, 30_000);
      const latest = (await handle.describe()).runId;
      expect(body.runs.length).toBeGreaterThanOrEqual(3);
      expect(body.runs[0]!.runId).toBe(firstRunId);
      expect(body.runs.at(-1)!.runId).toBe(body.runId);
      expect([body.runId, ...body.runs.map((run) => run.runId)]).toContain(latest);
      expect(body.earlierRunsOmitted).toBe(false);
      expect(body.events).toBe(body.runs.reduce((sum, run) => sum + run.events, 0));

      const runs = body.timeline.map((entry) => entry.run ?? 0);
      expect(runs).toEqual([...runs].sort((a, b) => a - b));
      expect(runs[0]).toBe(1);
      for (let run = 2; run <= body.runs.length; run += 1) {
        const at = body.timeline.findIndex((entry) => entry.run === run);
        // The previous run ends by continuing as new; a marker opens this one, then its own start.
        expect(body.timeline[at - 1]).toMatchObject({ kind: 'workflow.continued-as-new', run: run - 1 });
        expect(body.timeline[at]).toMatchObject({
          kind: 'run.started',
          run,
          detail: { runId: body.runs[run - 1]!.runId, previousRunId: body.runs[run - 2]!.runId },
        });
        expect(body.timeline[at]!.summary).toBe(
          `Run ${run} of ${body.runs.length} begins, continued as new from run ${run - 1}`,
        );
        expect(body.timeline[at + 1]).toMatchObject({ kind: 'workflow.started', run });
      }
      // Timers and activities read as the workflow named them.
      const summaries = body.timeline.map((entry) => entry.summary);
      expect(summaries).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^Timer \d+ set to fire at .* — daily outcome sweep · \d{4}-\d\d-\d\d \d\d:\d\d KST$/,
          ),
          `Activity applyRecordedOutcomes scheduled — applyRecordedOutcomes · ${year}`,
        ]),
      );

      // One run on its own when asked for by id: no markers.
      const first = (
        await stack.app.inject({
          method: 'GET',
          url: `/api/admin/workflows/${workflowId}/history?runId=${firstRunId}`,
          headers: admin,
        })
      ).json() as { runs: { runId: string }[]; timeline: TimelineEntry[] };
      expect(first.runs.map((run) => run.runId)).toEqual([firstRunId]);
      expect(first.timeline.some((entry) => entry.kind === 'run.started')).toBe(false);
      expect(first.timeline.at(-1)?.kind).toBe('workflow.continued-as-new');
    } finally {
      await handle.terminate('test done').catch(() => undefined);
    }
  });
});
