import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { DirectCustomerNotice } from '../domain/task-customer-mails.ts';

// Mail retries without a cap: the outbox makes each send happen once, and an SMTP outage must only delay.
const { sendCustomerNotice } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/**
 * One mail to a task's customer that the API asks for (a welcome link, an answer to a question). A workflow
 * so that it is retried until sent; its id is the notice key, so asking twice sends once.
 */
export async function taskCustomerNoticeWorkflow(notice: DirectCustomerNotice): Promise<void> {
  await sendCustomerNotice(notice);
}
