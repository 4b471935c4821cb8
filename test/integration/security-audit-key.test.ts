import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntryOfRow, auditHash, recordAudit } from '../../platform/audit.ts';
import { rechainAuditFrom, tamperWithAuditChain, type AuditRow } from '../support/audit-tamper.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * The audit chain against someone who can write the database: without AUDIT_HMAC_SECRET a rewritten and
 * re-chained entry does not verify; with the key it does, until the chain is checked against the heads
 * exported to the append-only file outside the database.
 */
let stack: Stack;
let admin: SessionHeaders;
const headFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-head-')), 'audit-head.log');

beforeAll(async () => {
  stack = await startStack({ AUDIT_HEAD_FILE: headFile, AUDIT_HEAD_EXPORT_SECONDS: '0' });
  admin = await login(stack.app, 'E0002');
});
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(path.dirname(headFile), { recursive: true, force: true });
});

const verify = async () => {
  const response = await stack.app.inject({ method: 'GET', url: '/api/admin/audit/verify', headers: admin });
  expect(response.statusCode).toBe(200);
  return response.json() as {
    ok: boolean;
    entries: number;
    brokenAt: string | null;
    exportedHeadsChecked: number;
    exportMismatchAt: string | null;
  };
};

/** Rewrites entry `seq` as an attacker would and re-links every later entry and the checkpoint with `hashOf`. */
const rewriteAndRechain = (seq: bigint, hashOf: (prev: string, row: AuditRow) => string) =>
  tamperWithAuditChain(stack.prisma, (tx) =>
    rechainAuditFrom(tx, seq, {
      hashOf,
      changed: new Map([[seq, { actor: 'E9999', reason: 'rewritten by the attacker' }]]),
    }),
  );

/** Puts the rewritten entry back and re-links the chain after it (also what was appended meanwhile). */
const restore = (rows: AuditRow[]) =>
  tamperWithAuditChain(stack.prisma, (tx) =>
    rechainAuditFrom(tx, rows[0]!.seq, {
      changed: new Map([[rows[0]!.seq, { actor: rows[0]!.actor, reason: rows[0]!.reason }]]),
    }),
  );

describe('keyed audit chain', () => {
  it('verifies an entry whose numbers are stored with fewer digits than JavaScript gave them', async () => {
    // A KPI edit's achievement (95 of a 90 target) and a float sum: Prisma writes JSON numbers with 16
    // significant digits, so a hash over the given values broke the chain at the first such edit.
    const after = { achievement: (95 / 90) * 100, sum: 0.1 + 0.2 };
    await recordAudit(stack.prisma, { actor: 'E0002', action: 'test.float-digits', subject: 'probe', after });
    expect(await verify()).toMatchObject({ ok: true, brokenAt: null });
  });

  it('detects an entry rewritten and re-chained without the key', async () => {
    for (let i = 0; i < 4; i += 1) {
      await recordAudit(stack.prisma, { actor: 'E0002', action: 'test.keyed-chain', subject: `probe:${i}` });
    }
    expect(await verify()).toMatchObject({ ok: true, brokenAt: null });
    const last = (await stack.prisma.auditLog.findFirstOrThrow({ orderBy: { seq: 'desc' } })).seq;
    const target = last - 2n;
    const findings: string[] = [];
    // The exact chain algorithm, under any key but the configured one (here: one the attacker guessed).
    const guessedKey = 'a-guessed-key-of-at-least-32-characters';
    const guessed = await rewriteAndRechain(target, (prev, row) =>
      auditHash(prev, auditEntryOfRow(row), guessedKey),
    );
    expect(await verify()).toMatchObject({ ok: false, brokenAt: target.toString() });
    findings.push(`re-chain under a guessed key at ${target}`);
    await restore(guessed);
    expect(await verify()).toMatchObject({ ok: true });
    console.log(`audit key test: ${findings.join(', ')} detected`);
  });

  it('catches a rewrite re-chained with the key through the head exported before it', async () => {
    await recordAudit(stack.prisma, { actor: 'E0002', action: 'test.exported-head', subject: 'probe:head' });
    const exported = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/audit/export-head',
      headers: admin,
    });
    expect(exported.statusCode, exported.body).toBe(200);
    const head = exported.json() as { seq: string; hash: string };
    expect(fs.readFileSync(headFile, 'utf8')).toContain(head.hash);
    // Later entries after the export are fine.
    await recordAudit(stack.prisma, { actor: 'E0002', action: 'test.exported-head', subject: 'probe:after' });
    expect(await verify()).toMatchObject({ ok: true, exportMismatchAt: null });
    expect((await verify()).exportedHeadsChecked).toBeGreaterThanOrEqual(1);

    // With the key, the rewrite re-chains cleanly: the chain alone cannot tell…
    const target = BigInt(head.seq) - 1n;
    const rewritten = await rewriteAndRechain(target, (prev, row) => auditHash(prev, auditEntryOfRow(row)));
    const found = await verify();
    expect(found.brokenAt).toBeNull();
    // …but the exported head no longer matches.
    expect(found).toMatchObject({ ok: false, exportMismatchAt: head.seq });
    await restore(rewritten);
    expect(await verify()).toMatchObject({ ok: true, exportMismatchAt: null });

    // A line forged into the file without the key is itself a finding.
    fs.appendFileSync(
      headFile,
      `${JSON.stringify({ seq: head.seq, hash: 'f'.repeat(64), exportedAt: '', mac: 'x' })}\n`,
    );
    expect(await verify()).toMatchObject({ ok: false, exportMismatchAt: head.seq });
    console.log(`audit head test: key-made rewrite at ${target} caught by the head exported at ${head.seq}`);
  });
});
