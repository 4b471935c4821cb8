/**
 * A signed actor on a workflow Update (issue 15, the Temporal trust boundary). The API attaches an
 * `actorClaim` (signed by platform/actor-claims.ts); the worker's payload codec checks the signature
 * outside the workflow sandbox and hands the workflow `actorVerified` instead. Pure: workflows import it.
 */
export interface ActorClaim {
  action: string;
  workflowId: string;
  updateId: string;
  expiresAt: string;
  signature: string;
}

/** What the worker's codec found valid; a caller cannot send it itself (the codec drops it). */
export type VerifiedActor = Omit<ActorClaim, 'signature'>;

export interface SignedActorArgs {
  actorClaim?: ActorClaim;
  actorVerified?: VerifiedActor;
}

/**
 * Why an Update's actor is not to be believed, or undefined when it is: the codec verified the signature
 * over actor, action, workflow id and Update id, and the claim has not expired by workflow time.
 */
export function unsignedActorReason(
  args: SignedActorArgs,
  expected: { action: string; workflowId: string; updateId: string | undefined; nowMs: number },
): string | undefined {
  const verified = args.actorVerified;
  if (!verified) return 'The actor of this Update is not signed by the portal API';
  if (verified.action !== expected.action) return 'The actor was signed for another action';
  if (verified.workflowId !== expected.workflowId) return 'The actor was signed for another case';
  if (verified.updateId !== expected.updateId) return 'The actor was signed for another Update';
  if (Date.parse(verified.expiresAt) < expected.nowMs) return 'The signed actor has expired';
  return undefined;
}
