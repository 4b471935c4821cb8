import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';
import {
  BSC_CYCLE_CRON,
  BSC_CYCLE_SCHEDULE_ID,
  BSC_CYCLE_TIMEZONE,
  BSC_CYCLE_WORKFLOW_TYPE,
  type BscCycleInput,
} from '../domain/bsc-cycle.ts';
import {
  RETENTION_CRON,
  RETENTION_SCHEDULE_ID,
  RETENTION_TIMEZONE,
  RETENTION_WORKFLOW_TYPE,
  type RetentionInput,
} from '../domain/retention.ts';

/**
 * The portal's Temporal Schedules, created on first start and updated on every start so that a changed
 * setting or task queue takes effect. A run that overlaps the next one is skipped, not queued.
 */
async function ensureSchedule(client: Client, options: ScheduleOptions & { scheduleId: string }) {
  try {
    await client.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(options.scheduleId)
      .update((previous) => ({ ...previous, spec: options.spec, action: options.action }));
  }
}

/** The daily anonymisation run. */
export async function ensureRetentionSchedule(
  client: Client,
  options: { taskQueue: string; retentionDays: number },
) {
  const input: RetentionInput = { retentionDays: options.retentionDays, requestedBy: 'schedule' };
  await ensureSchedule(client, {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { cronExpressions: [RETENTION_CRON], timezone: RETENTION_TIMEZONE },
    action: {
      type: 'startWorkflow',
      workflowType: RETENTION_WORKFLOW_TYPE,
      taskQueue: options.taskQueue,
      args: [input],
      workflowExecutionTimeout: '6 hours',
    },
    policies: { overlap: 'SKIP', catchupWindow: '1 day' },
  });
}

/** The BSC month's morning run: KPI owner reminders and the monthly briefings (domain/bsc-cycle.ts). */
export async function ensureBscCycleSchedule(client: Client, options: { taskQueue: string }) {
  const input: BscCycleInput = { requestedBy: 'schedule' };
  await ensureSchedule(client, {
    scheduleId: BSC_CYCLE_SCHEDULE_ID,
    spec: { cronExpressions: [BSC_CYCLE_CRON], timezone: BSC_CYCLE_TIMEZONE },
    action: {
      type: 'startWorkflow',
      workflowType: BSC_CYCLE_WORKFLOW_TYPE,
      taskQueue: options.taskQueue,
      args: [input],
      workflowExecutionTimeout: '6 hours',
    },
    // A worker down over the morning still sends the day's reminders when it is back the same day.
    policies: { overlap: 'SKIP', catchupWindow: '12 hours' },
  });
}
