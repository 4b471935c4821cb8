import type { Prisma } from '@prisma/client';
import { auditEntryOfRow, auditHash, lockAuditChain } from '../../platform/audit.ts';
import type { Db } from '../../platform/prisma.ts';

/**
 * Tests that break the audit chain on purpose share the database with workflows of other test files that
 * keep appending (their activities run on whichever worker serves the run's task queue). A tamper runs
 * while holding the chain, so that no append lands halfway through it, and a repair re-links whatever was
 * appended meanwhile: the chain is whole again for every later test.
 */
type Tx = Prisma.TransactionClient;
export type AuditRow = Awaited<ReturnType<Db['auditLog']['findMany']>>[number];

export function tamperWithAuditChain<T>(prisma: Db, tamper: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await lockAuditChain(tx);
      return tamper(tx);
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}

/**
 * Re-links every entry from `fromSeq` to the end, and the checkpoint, with `hashOf` (by default the
 * configured key). `changed` replaces the stored content of the entries it names first.
 */
export async function rechainAuditFrom(
  tx: Tx,
  fromSeq: bigint,
  options: {
    hashOf?: (prevHash: string, row: AuditRow) => string;
    changed?: Map<bigint, Pick<AuditRow, 'actor' | 'reason'>>;
  } = {},
): Promise<AuditRow[]> {
  const hashOf = options.hashOf ?? ((prev, row) => auditHash(prev, auditEntryOfRow(row)));
  const rows = await tx.auditLog.findMany({ where: { seq: { gte: fromSeq } }, orderBy: { seq: 'asc' } });
  const previous = await tx.auditLog.findUniqueOrThrow({ where: { seq: fromSeq - 1n } });
  let prevHash = previous.hash;
  for (const row of rows) {
    const stored = { ...row, ...options.changed?.get(row.seq) };
    const hash = hashOf(prevHash, stored);
    await tx.auditLog.update({
      where: { seq: row.seq },
      data: { actor: stored.actor, reason: stored.reason, prevHash, hash },
    });
    prevHash = hash;
  }
  await tx.auditCheckpoint.update({ where: { id: 1 }, data: { hash: prevHash } });
  return rows;
}
