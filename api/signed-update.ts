import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { SignedActorArgs } from '../domain/actor-claim.ts';
import { signActorClaim } from '../platform/actor-claims.ts';

/**
 * Sends an Update the way every Update leaves the API: its actor signed for this workflow, this action
 * and this Update id (platform/actor-claims.ts), so the worker believes the actor and nobody who reaches
 * Temporal directly can act in someone else's name. Without an id of the caller's (an Idempotency-Key),
 * each call is a new Update.
 */
export function executeSignedUpdate<Ret, Arg extends SignedActorArgs & { actor?: unknown }>(
  secret: string,
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, [Arg]>,
  args: Arg,
  updateId: string = randomUUID(),
): Promise<Ret> {
  const actorClaim = signActorClaim(secret, {
    actor: args.actor,
    action: update.name,
    workflowId: handle.workflowId,
    updateId,
  });
  return handle.executeUpdate(update, { args: [{ ...args, actorClaim }], updateId });
}
