import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Prisma } from '@prisma/client';
import { DEVELOPMENT_AUDIT_SECRET, type Config } from './config.ts';
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

let chainKey: string = DEVELOPMENT_AUDIT_SECRET;

/**
 * Sets the key of the chain for this process, from AUDIT_HMAC_SECRET (validated at boot). Every process
 * that appends or verifies (API, worker) calls it once at start; without it the development key applies.
 */
export function configureAuditChain(config: Pick<Config, 'AUDIT_HMAC_SECRET'>): void {
  chainKey = config.AUDIT_HMAC_SECRET;
}

/**
 * HMAC-SHA256 under the configured key (or `key`, for a test that plays an attacker with a guessed one):
 * re-chaining a rewritten entry needs the key, not only the database.
 */
export function auditHash(
  prevHash: string,
  entry: AuditEntry & { at: Date; seq: bigint },
  key: string = chainKey,
): string {
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
  return createHmac('sha256', key).update(prevHash).update(body).digest('hex');
}

type Tx = Prisma.TransactionClient;

const toJson = (v: unknown) =>
  v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue);

/** Holds the chain for the rest of the caller's transaction: appends in other transactions wait. */
export async function lockAuditChain(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
}

/** Appends one entry inside the caller's transaction (so the entry exists iff the change does). */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await lockAuditChain(tx);
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
  // The hash covers the entry as stored and read back, not as given: Prisma writes JSON numbers with 16
  // significant digits (0.1 + 0.2 is stored as 0.3), so a hash of the given values would not verify.
  const stored = await tx.auditLog.create({
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
      hash: `pending:${seq}`,
    },
  });
  const hash = auditHash(prevHash, auditEntryOfRow(stored));
  await tx.auditLog.update({ where: { seq }, data: { hash } });
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

export interface AuditHead {
  seq: string;
  hash: string;
  exportedAt: string;
}

/** The MAC of an exported head line: a line forged or altered in the file without the key is refused. */
const headMac = (head: { seq: string; hash: string }) =>
  createHmac('sha256', chainKey).update(`audit-head:${head.seq}:${head.hash}`).digest('hex');

/**
 * Appends the chain head (last seq and hash) to an append-only file outside the database, unless that head
 * is already the file's last line. A later rewrite of any entry up to that seq, even re-chained with the
 * key, no longer reaches the exported hash. Returns the head, or null while the log is empty.
 */
export async function exportAuditHead(prisma: Db, file: string): Promise<AuditHead | null> {
  const checkpoint = await prisma.auditCheckpoint.findUnique({ where: { id: CHECKPOINT_ID } });
  if (!checkpoint) return null;
  const head = {
    seq: checkpoint.seq.toString(),
    hash: checkpoint.hash,
    exportedAt: new Date().toISOString(),
  };
  const heads = await readAuditHeads(file);
  const last = heads.at(-1);
  if (last && last.seq === head.seq && last.hash === head.hash) return last;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, `${JSON.stringify({ ...head, mac: headMac(head) })}\n`, {
    flag: 'a',
    mode: 0o600,
  });
  return head;
}

/** The heads in the export file, oldest first; a line without a valid MAC counts as a break of the file. */
export async function readAuditHeads(file: string): Promise<Array<AuditHead & { valid: boolean }>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const parsed = JSON.parse(line) as AuditHead & { mac?: string };
        return {
          seq: String(parsed.seq),
          hash: String(parsed.hash),
          exportedAt: String(parsed.exportedAt),
          valid: parsed.mac === headMac(parsed),
        };
      } catch {
        return { seq: '0', hash: '', exportedAt: '', valid: false };
      }
    });
}

/** A stored row as the entry its hash was made of. */
export const auditEntryOfRow = (row: {
  actor: string;
  action: string;
  subject: string;
  before: Prisma.JsonValue;
  after: Prisma.JsonValue;
  reason: string | null;
  at: Date;
  seq: bigint;
}) => ({
  actor: row.actor,
  action: row.action,
  subject: row.subject,
  before: row.before ?? undefined,
  after: row.after ?? undefined,
  reason: row.reason ?? undefined,
  at: row.at,
  seq: row.seq,
});

export interface AuditVerification {
  ok: boolean;
  entries: number;
  brokenAt: string | null;
  /** Heads read from the export file and checked against the chain (0 when no file is configured). */
  exportedHeadsChecked: number;
  /** The seq of the first exported head the chain no longer reaches, or of a forged line in the file. */
  exportMismatchAt: string | null;
}

/**
 * Walks the chain in order; the first entry whose link or hash does not match is where it broke. The
 * chain must then reach the checkpoint: if entries were cut from the end, brokenAt is the first missing.
 * With a head file, every exported head must still be on the chain: a rewrite made with the key and
 * re-chained shows as a mismatch at the first exported head after it.
 */
export async function verifyAuditChain(
  prisma: Db,
  options: { headFile?: string } = {},
): Promise<AuditVerification> {
  const heads = options.headFile ? await readAuditHeads(options.headFile) : [];
  const forged = heads.find((h) => !h.valid);
  const expected = new Map(heads.filter((h) => h.valid).map((h) => [h.seq, h.hash]));
  const checkpoint = await prisma.auditCheckpoint.findUnique({ where: { id: CHECKPOINT_ID } });
  const chain = await walkAuditChain(prisma, expected);
  const exportResult = {
    exportedHeadsChecked: heads.length,
    exportMismatchAt: forged ? forged.seq : chain.exportMismatchAt,
  };
  const exportOk = exportResult.exportMismatchAt === null;
  if (!chain.ok) return { ok: false, entries: chain.entries, brokenAt: chain.brokenAt, ...exportResult };
  let brokenAt: string | null = null;
  if (checkpoint && chain.lastSeq < checkpoint.seq) brokenAt = (chain.lastSeq + 1n).toString();
  else if (checkpoint && chain.lastSeq === checkpoint.seq && chain.lastHash !== checkpoint.hash)
    brokenAt = checkpoint.seq.toString();
  return { ok: brokenAt === null && exportOk, entries: chain.entries, brokenAt, ...exportResult };
}

async function walkAuditChain(
  prisma: Db,
  exportedHeads: Map<string, string>,
): Promise<{
  ok: boolean;
  entries: number;
  brokenAt: string | null;
  lastSeq: bigint;
  lastHash: string;
  exportMismatchAt: string | null;
}> {
  let prevHash = GENESIS;
  let expectedSeq = 1n;
  let entries = 0;
  let cursor: bigint | undefined;
  let exportMismatchAt: string | null = null;
  const finish = (ok: boolean, brokenAt: string | null) => {
    const lastSeq = expectedSeq - 1n;
    // An exported head beyond the end of the chain: entries were cut after it was exported.
    if (exportMismatchAt === null) {
      const beyond = [...exportedHeads.keys()].map(BigInt).filter((seq) => seq > lastSeq);
      if (beyond.length > 0) exportMismatchAt = beyond.reduce((a, b) => (a < b ? a : b)).toString();
    }
    return { ok, entries, brokenAt, lastSeq, lastHash: prevHash, exportMismatchAt };
  };
  for (;;) {
    const page = await prisma.auditLog.findMany({
      orderBy: { seq: 'asc' },
      take: 1000,
      ...(cursor !== undefined ? { cursor: { seq: cursor }, skip: 1 } : {}),
    });
    for (const row of page) {
      const recomputed = auditHash(prevHash, auditEntryOfRow(row));
      if (row.seq !== expectedSeq || row.prevHash !== prevHash || row.hash !== recomputed) {
        return finish(false, (row.seq !== expectedSeq ? expectedSeq : row.seq).toString());
      }
      const exported = exportedHeads.get(row.seq.toString());
      if (exported !== undefined && exported !== row.hash && exportMismatchAt === null) {
        exportMismatchAt = row.seq.toString();
      }
      prevHash = row.hash;
      expectedSeq += 1n;
      entries += 1;
    }
    if (page.length < 1000) return finish(true, null);
    cursor = page[page.length - 1]!.seq;
  }
}
