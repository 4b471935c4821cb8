import type { Client } from '@temporalio/client';
import {
  PERFORMANCE_WORKFLOW_TYPE,
  performanceWorkflowId,
  recordOutcomeSignal,
  type PerformanceOutcome,
  type PerformanceWorkflowInput,
} from '../domain/performance-outcomes.ts';

/**
 * Workflows report outcomes through this activity because only a client can signal-with-start: the
 * year's performance workflow is started by the first outcome of the year.
 */
export function createOutcomeReportActivities({
  temporal,
  taskQueue,
}: {
  temporal: Client;
  taskQueue: string;
}) {
  async function reportOutcome(outcome: PerformanceOutcome): Promise<void> {
    const input: PerformanceWorkflowInput = { year: outcome.year };
    await temporal.workflow.signalWithStart(PERFORMANCE_WORKFLOW_TYPE, {
      workflowId: performanceWorkflowId(outcome.year),
      taskQueue,
      args: [input],
      signal: recordOutcomeSignal,
      signalArgs: [outcome],
    });
  }
  return { reportOutcome };
}
