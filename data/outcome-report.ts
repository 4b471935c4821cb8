import { performanceYearStartSummary } from '../domain/workflow-summaries.ts';
import type { Client } from '@temporalio/client';
import type { Db } from '../platform/prisma.ts';
import {
  PERFORMANCE_WORKFLOW_TYPE,
  outcomesRecordedSignal,
  performanceWorkflowId,
  type PerformanceOutcome,
  type PerformanceWorkflowInput,
} from '../domain/performance-outcomes.ts';

/** How long a closing case waits for Temporal to take the wake-up signal before it goes on without it. */
const SIGNAL_DEADLINE_MS = 5_000;

/**
 * A closing complaint or task records its own outcome (once per outcomeKey), then wakes the year's
 * performance workflow, which applies recorded outcomes to the totals in batches. The row is the truth:
 * a failed or slow signal neither fails nor holds up the closing, since the yearly workflow also sweeps
 * on a timer. Only a client can signal-with-start, so this runs as an activity (or in the API).
 */
export function createOutcomeReportActivities({
  prisma,
  temporal,
  taskQueue,
  warn = (message: string) => console.warn(message),
}: {
  prisma: Db;
  temporal: Client;
  taskQueue: string;
  warn?: (message: string) => void;
}) {
  async function reportOutcome(outcome: PerformanceOutcome): Promise<void> {
    await prisma.$executeRaw`
      INSERT INTO "PerformanceOutcome" ("outcomeKey", year, kind, "unitCode", "employeeNo", payload, "occurredAt", "appliedAt")
      VALUES (${outcome.outcomeKey}, ${outcome.year}, ${outcome.kind}, ${outcome.unitCode}, ${outcome.employeeNo ?? null},
              ${JSON.stringify(outcome)}::jsonb, ${new Date(outcome.occurredAt)}, NULL)
      ON CONFLICT ("outcomeKey") DO NOTHING`;
    const input: PerformanceWorkflowInput = { year: outcome.year };
    try {
      await temporal.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
        temporal.workflow.signalWithStart(PERFORMANCE_WORKFLOW_TYPE, {
          workflowId: performanceWorkflowId(outcome.year),
          taskQueue,
          args: [input],
          ...performanceYearStartSummary(outcome.year),
          signal: outcomesRecordedSignal,
          signalArgs: [{ year: outcome.year }],
        }),
      );
    } catch (error) {
      warn(
        `Outcome ${outcome.outcomeKey} recorded; the performance workflow was not woken: ${String(error)}`,
      );
    }
  }
  return { reportOutcome };
}
