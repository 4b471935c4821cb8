import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import {
  RETENTION_CRON,
  RETENTION_SCHEDULE_ID,
  RETENTION_TIMEZONE,
  RETENTION_WORKFLOW_TYPE,
  type RetentionInput,
} from '../domain/retention.ts';

/**
 * The daily anonymisation run as a Temporal Schedule, created on first start and updated on every start
 * so that a changed RETENTION_DAYS_AFTER_CLOSE or task queue takes effect.
 */
export async function ensureRetentionSchedule(
  client: Client,
  options: { taskQueue: string; retentionDays: number },
) {
  const input: RetentionInput = { retentionDays: options.retentionDays, requestedBy: 'schedule' };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: RETENTION_WORKFLOW_TYPE,
    taskQueue: options.taskQueue,
    args: [input],
    workflowExecutionTimeout: '6 hours',
  };
  const spec = { cronExpressions: [RETENTION_CRON], timezone: RETENTION_TIMEZONE };
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec,
      action,
      // A run that overlaps the next one (a huge backlog) is skipped, not queued.
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(RETENTION_SCHEDULE_ID)
      .update((previous) => ({ ...previous, spec, action }));
  }
}
