import { createHash } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import type { Db } from './prisma.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
}

const GENESIS = '0'.repeat(64);
// Serialises appends so that each entry chains to the one before it.
const AUDIT_CHAIN_LOCK = 7_310_001;
const CHECKPOINT_ID = 1;

/** JSON with sorted keys, so a hash does not depend on property order or on how PostgreSQL returns jsonb. */
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

export function auditHash(prevHash: string, entry: AuditEntry & { at: Date; seq: bigint }): string {
  const body = canonical({
    seq: entry.seq.toString(),
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    before: entry.before ?? null,
    after: entry.after ?? null,
    reason: entry.reason ?? null,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

type Tx = Prisma.TransactionClient;

const toJson = (v: unknown) =>
  v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue);

/** Appends one entry inside the caller's transaction (so the entry exists iff the change does). */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  // The checkpoint is the head of the chain: entries deleted from the end leave a gap the next append
  // cannot paper over. Before the first append (or on a log older than checkpoints) the last row is.
  const last =
    (await tx.auditCheckpoint.findUnique({
      where: { id: CHECKPOINT_ID },
      select: { seq: true, hash: true },
    })) ?? (await tx.auditLog.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } }));
  const seq = (last?.seq ?? 0n) + 1n;
  const at = new Date();
  const prevHash = last?.hash ?? GENESIS;
  const hash = auditHash(prevHash, {
    ...entry,
    before: toJson(entry.before),
    after: toJson(entry.after),
    at,
    seq,
  });
  await tx.auditLog.create({
    data: {
      seq,
      at,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      before: toJson(entry.before),
      after: toJson(entry.after),
      reason: entry.reason,
      prevHash,
      hash,
    },
  });
  await tx.auditCheckpoint.upsert({
    where: { id: CHECKPOINT_ID },
    create: { id: CHECKPOINT_ID, seq, hash },
    update: { seq, hash },
  });
}

/**
 * Appends an entry for an update unless its before and after are the same as stored JSON (an update that
 * set what was already there leaves no entry). Returns whether it appended.
 */
export async function appendAuditOfChange(
  tx: Tx,
  entry: AuditEntry & { before: unknown; after: unknown },
): Promise<boolean> {
  if (canonical(toJson(entry.before)) === canonical(toJson(entry.after))) return false;
  await appendAudit(tx, entry);
  return true;
}

export async function recordAudit(prisma: Db, entry: AuditEntry): Promise<void> {
  await prisma.$transaction((tx) => appendAudit(tx, entry));
}

/**
 * Walks the chain in order; the first entry whose link or hash does not match is where it broke. The
 * chain must then reach the checkpoint: if entries were cut from the end, brokenAt is the first missing.
 */
export async function verifyAuditChain(
  prisma: Db,
): Promise<{ ok: boolean; entries: number; brokenAt: string | null }> {
  const checkpoint = await prisma.auditCheckpoint.findUnique({ where: { id: CHECKPOINT_ID } });
  const chain = await walkAuditChain(prisma);
  if (!chain.ok || !checkpoint) return { ok: chain.ok, entries: chain.entries, brokenAt: chain.brokenAt };
  if (chain.lastSeq < checkpoint.seq) {
    return { ok: false, entries: chain.entries, brokenAt: (chain.lastSeq + 1n).toString() };
  }
  if (chain.lastSeq === checkpoint.seq && chain.lastHash !== checkpoint.hash) {
    return { ok: false, entries: chain.entries, brokenAt: checkpoint.seq.toString() };
  }
  return { ok: true, entries: chain.entries, brokenAt: null };
}

async function walkAuditChain(
  prisma: Db,
): Promise<{ ok: boolean; entries: number; brokenAt: string | null; lastSeq: bigint; lastHash: string }> {
  let prevHash = GENESIS;
  let expectedSeq = 1n;
  let entries = 0;
  let cursor: bigint | undefined;
  for (;;) {
    const page = await prisma.auditLog.findMany({
      orderBy: { seq: 'asc' },
      take: 1000,
      ...(cursor !== undefined ? { cursor: { seq: cursor }, skip: 1 } : {}),
    });
    for (const row of page) {
      const recomputed = auditHash(prevHash, {
        actor: row.actor,
        action: row.action,
        subject: row.subject,
        before: row.before ?? undefined,
        after: row.after ?? undefined,
        reason: row.reason ?? undefined,
        at: row.at,
        seq: row.seq,
      });
      if (row.seq !== expectedSeq || row.prevHash !== prevHash || row.hash !== recomputed) {
        const brokenAt = (row.seq !== expectedSeq ? expectedSeq : row.seq).toString();
        return { ok: false, entries, brokenAt, lastSeq: expectedSeq - 1n, lastHash: prevHash };
      }
      prevHash = row.hash;
      expectedSeq += 1n;
      entries += 1;
    }
    if (page.length < 1000)
      return { ok: true, entries, brokenAt: null, lastSeq: expectedSeq - 1n, lastHash: prevHash };
    cursor = page[page.length - 1]!.seq;
  }
}
