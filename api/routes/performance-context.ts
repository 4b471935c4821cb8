import type { FastifyInstance } from 'fastify';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { createOutcomeReportActivities } from '../../data/outcome-report.ts';
import {
  PERFORMANCE_WORKFLOW_TYPE,
  performanceWorkflowId,
  type PerformanceWorkflowInput,
} from '../../domain/performance-outcomes.ts';
import { kpiChangedSignal } from '../../domain/performance.ts';
import { performanceYearStartSummary } from '../../domain/workflow-summaries.ts';
import { assertYearUnlocked } from './performance-shared.ts';

/**
 * What the performance route modules reach through the app: the year's row, the year's workflow (its
 * handle, starting it, telling it a KPI changed) and the outcome reporter.
 */
export function performanceYearContext(app: FastifyInstance) {
  const reporter = createOutcomeReportActivities({
    prisma: app.prisma,
    temporal: app.temporal,
    taskQueue: app.config.TEMPORAL_TASK_QUEUE,
  });
  const yearHandle = (year: number) => app.temporal.workflow.getHandle(performanceWorkflowId(year));

  async function yearRow(year: number) {
    return app.prisma.performanceYear.findUnique({ where: { year } });
  }

  async function assertYearOpen(year: number) {
    await assertYearUnlocked(app.prisma, year);
  }

  /** Starts the year's workflow if it is not running (the first outcome usually starts it). */
  async function ensureYearWorkflow(year: number) {
    const input: PerformanceWorkflowInput = { year };
    try {
      await app.temporal.workflow.start(PERFORMANCE_WORKFLOW_TYPE, {
        workflowId: performanceWorkflowId(year),
        taskQueue: app.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        ...performanceYearStartSummary(year),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    return yearHandle(year);
  }

  async function signalKpiChanged(year: number, unitCode: string, kpiCode: string) {
    const input: PerformanceWorkflowInput = { year };
    await app.temporal.workflow.signalWithStart(PERFORMANCE_WORKFLOW_TYPE, {
      workflowId: performanceWorkflowId(year),
      taskQueue: app.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      ...performanceYearStartSummary(year),
      signal: kpiChangedSignal,
      signalArgs: [{ unitCode, kpiCode }],
    });
  }

  return { reporter, yearHandle, yearRow, assertYearOpen, ensureYearWorkflow, signalKpiChanged };
}
