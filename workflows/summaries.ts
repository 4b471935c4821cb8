import type { ActivityInput, WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { activitySummary } from '../domain/workflow-summaries.ts';

/**
 * Registered with every worker and bundle (worker/create-worker.ts): each activity gets a summary
 * (domain/workflow-summaries.ts) unless its call site gave one. User metadata is not part of a command's
 * identity, so replay is unaffected: the committed fixtures, recorded without summaries, replay against it.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity(input: ActivityInput, next) {
        if (input.options.summary) return next(input);
        return next({
          ...input,
          options: { ...input.options, summary: activitySummary(input.activityType, input.args) },
        });
      },
    },
  ],
});
