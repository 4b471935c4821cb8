import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import type { ActorClaim, VerifiedActor } from '../domain/actor-claim.ts';

/**
 * The trust boundary in front of Temporal (issue 15): the API signs the actor of each Update it sends
 * (HMAC over actor, action, workflow id, Update id and expiry, with ACTOR_SIGNING_SECRET), and the worker
 * checks the signature before the payload reaches workflow code. Workflow code cannot hold a secret or use
 * node:crypto, so the check runs here, in a payload codec outside the sandbox: it replaces a valid claim
 * with `actorVerified` (which the Update validator compares with the workflow id, the Update id and workflow
 * time) and drops any `actorVerified` a caller sent itself. The same history decodes the same way on replay.
 */

/** How long a signed actor may take to reach the workflow. */
export const ACTOR_CLAIM_TTL_MS = 5 * 60_000;

interface SignedFields {
  actor: unknown;
  action: string;
  workflowId: string;
  updateId: string;
  expiresAt: string;
}

/** JSON with sorted keys, so a signature does not depend on property order. */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const mac = (secret: string, fields: SignedFields) =>
  createHmac('sha256', secret).update(canonical(fields)).digest('base64url');

/** The claim the API attaches to an Update's argument next to the actor it names. */
export function signActorClaim(
  secret: string,
  fields: Omit<SignedFields, 'expiresAt'>,
  now = Date.now(),
): ActorClaim {
  const expiresAt = new Date(now + ACTOR_CLAIM_TTL_MS).toISOString();
  return {
    action: fields.action,
    workflowId: fields.workflowId,
    updateId: fields.updateId,
    expiresAt,
    signature: mac(secret, { ...fields, expiresAt }),
  };
}

function verifiedActor(
  secret: string,
  argument: { actor?: unknown; actorClaim?: unknown },
  workflowId: string | undefined,
): VerifiedActor | undefined {
  const claim = argument.actorClaim as Partial<ActorClaim> | undefined;
  if (!claim || typeof claim !== 'object') return undefined;
  const { action, updateId, expiresAt, signature } = claim;
  if (
    typeof action !== 'string' ||
    typeof updateId !== 'string' ||
    typeof expiresAt !== 'string' ||
    typeof signature !== 'string' ||
    claim.workflowId !== workflowId ||
    workflowId === undefined
  ) {
    return undefined;
  }
  const expected = Buffer.from(
    mac(secret, { actor: argument.actor, action, workflowId, updateId, expiresAt }),
  );
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return { action, workflowId, updateId, expiresAt };
}

const JSON_ENCODING = 'json/plain';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Worker-side codec: verifies signed actors in workflow payloads; everything else passes unchanged. */
export class ActorClaimCodec implements PayloadCodec {
  constructor(private readonly secret: string) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const workflowId = context?.type === 'workflow' ? context.workflowId : undefined;
    return payloads.map((payload) => this.decodeOne(payload, workflowId));
  }

  private decodeOne(payload: Payload, workflowId: string | undefined): Payload {
    const encoding = payload.metadata?.encoding;
    if (!encoding || !payload.data || decoder.decode(encoding) !== JSON_ENCODING) return payload;
    const text = decoder.decode(payload.data);
    if (!text.includes('"actorClaim"') && !text.includes('"actorVerified"')) return payload;
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return payload;
    // Whatever `actorVerified` the caller sent is dropped: only this codec sets it.
    const rest = { ...(value as Record<string, unknown>) };
    const actorClaim = rest.actorClaim;
    delete rest.actorClaim;
    delete rest.actorVerified;
    const verified = verifiedActor(this.secret, { actor: rest.actor, actorClaim }, workflowId);
    const decoded = verified ? { ...rest, actorVerified: verified } : rest;
    return { ...payload, data: encoder.encode(JSON.stringify(decoded)) };
  }
}
