import { ApplicationFailure, currentUpdateInfo, workflowInfo } from '@temporalio/workflow';
import { unsignedActorReason, type SignedActorArgs } from '../domain/actor-claim.ts';
import { ErrorCode } from '../domain/errors.ts';

/**
 * Refuses an Update whose actor the portal API did not sign for this workflow, this action and this very
 * Update (issue 15). Called first in every Update validator: validators run only when an Update arrives,
 * never on replay, so histories recorded before signing replay unchanged.
 */
export function requireSignedActor(args: SignedActorArgs, action: string): void {
  const unsigned = unsignedActorReason(args, {
    action,
    workflowId: workflowInfo().workflowId,
    updateId: currentUpdateInfo()?.id,
    nowMs: Date.now(),
  });
  if (unsigned) {
    throw ApplicationFailure.create({ type: ErrorCode.FORBIDDEN, message: unsigned, nonRetryable: true });
  }
}
