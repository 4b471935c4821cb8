/**
 * The lifecycle bench's baseline (bench/lifecycle.ts): the complaint workflow's Temporal calls with empty
 * bodies. The same activities in the same order (calendar, received event + mail, assignment, assigned
 * event + mail; an event per staff step, the review-request and survey mails; on rating the rated and
 * closed events and the outcome report), the same Updates, a timer per wait of the main loop and the same
 * search-attribute upserts, so the difference to the product is what the product's bodies cost. Registered
 * only on the bench's own worker and task queue (bench/support/skeleton-worker.ts), never in workflows/.
 */
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { StageAttr } from '../../domain/search-attributes.ts';

export const SKELETON_WORKFLOW_TYPE = 'lifecycleSkeletonWorkflow';
export const skeletonStageQuery = defineQuery<string>('skeletonStage');
export const skeletonAccept = defineUpdate<string>('skeletonAccept');
export const skeletonDraft = defineUpdate<string>('skeletonDraft');
export const skeletonReview = defineUpdate<string>('skeletonReview');
export const skeletonRate = defineUpdate<string>('skeletonRate');

export interface SkeletonActivities {
  skeletonStep(name: string): Promise<void>;
}

const { skeletonStep } = proxyActivities<SkeletonActivities>({ startToCloseTimeout: '30 seconds' });

// A day ahead: like the SLA timers of a fresh complaint, it never fires during the bench.
const TIMER_MS = 24 * 60 * 60 * 1000;

export async function lifecycleSkeletonWorkflow(): Promise<string> {
  let stage = 'received';
  let changes = 0;
  const mails: Promise<void>[] = [];
  const publish = () => upsertSearchAttributes([{ key: StageAttr, value: stage }]);
  const step = (next: string, activities: string[], mail?: string) => async () => {
    stage = next;
    changes += 1;
    publish();
    for (const name of activities) await skeletonStep(name);
    if (mail) mails.push(skeletonStep(mail));
    return stage;
  };
  const inStage = (expected: string) => () => {
    if (stage !== expected) throw new Error(`not in stage ${expected}`);
  };
  setHandler(skeletonStageQuery, () => stage);
  setHandler(skeletonAccept, step('in_progress', ['accepted']), { validator: inStage('assigned') });
  setHandler(skeletonDraft, step('in_review', ['answer-drafted'], 'review-requested'), {
    validator: inStage('in_progress'),
  });
  setHandler(skeletonReview, step('awaiting_rating', ['answer-approved'], 'survey'), {
    validator: inStage('in_review'),
  });
  setHandler(skeletonRate, step('closed', ['rated', 'closed', 'outcome']), {
    validator: inStage('awaiting_rating'),
  });

  await skeletonStep('calendar');
  publish();
  await skeletonStep('received');
  mails.push(skeletonStep('received-mail'));
  await skeletonStep('assign');
  stage = 'assigned';
  publish();
  await skeletonStep('assigned');
  mails.push(skeletonStep('assigned-mail'));
  while (stage !== 'closed') {
    const seen = changes;
    await condition(() => changes !== seen, TIMER_MS);
  }
  await condition(allHandlersFinished);
  await Promise.all(mails);
  return stage;
}
