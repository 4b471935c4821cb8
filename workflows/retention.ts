import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { retentionCutoff, type RetentionInput, type RetentionResult } from '../domain/retention.ts';

const { anonymiseClosedComplaints } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes' },
});

const BATCH_SIZE = 200;
/** Bounds one run's history; the next daily run continues where this one stopped. */
const MAX_BATCHES = 50;

/**
 * Anonymises complaints closed longer ago than the retention period, in batches. Started daily by the
 * `portal-retention` schedule (worker/main.ts) and on demand by an admin (POST /api/admin/retention/run).
 */
export async function retentionWorkflow(input: RetentionInput): Promise<RetentionResult> {
  const asOf = input.asOf ? new Date(input.asOf) : workflowInfo().runStartTime;
  const cutoff = retentionCutoff(asOf, input.retentionDays).toISOString();
  const receiptNos: string[] = [];
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const { anonymised } = await anonymiseClosedComplaints({
      cutoff,
      batchSize: BATCH_SIZE,
      requestedBy: input.requestedBy,
    });
    receiptNos.push(...anonymised);
    if (anonymised.length < BATCH_SIZE) break;
  }
  return { cutoff, anonymised: receiptNos.length, receiptNos };
}
