import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { hash } from '@node-rs/argon2';
import { buildApp } from '../../api/app.ts';
import { LOCKOUT_FAILURES } from '../../api/login-guard.ts';
import { hashToken } from '../../api/plugins/auth.ts';
import { loadConfig } from '../../platform/config.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

/**
 * Sign-in under attack, on the real stack: a burst of parallel guesses cannot pass the lockout threshold
 * of password checks, forged X-Forwarded-For headers do not escape the per-IP limit, unknown accounts cost
 * the same work as known ones; and the ways back in (password change, admin-initiated reset by mail).
 */
let stack: Stack;
let admin: SessionHeaders;
const extraApps: FastifyInstance[] = [];
const digits = String(Date.now()).slice(-6);
const PASSWORD = 'signin-test-password-1';
let teamId: number;

beforeAll(async () => {
  stack = await startStack();
  admin = await login(stack.app, 'E0002');
  teamId = (await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: 'E1101' } })).unitId;
});
afterAll(async () => {
  for (const app of extraApps) await app.close();
  await stack?.stop();
});

/** A fresh account of its own, so that locking it out or changing its password touches no other test. */
async function freshAccount(n: number): Promise<string> {
  const employeeNo = `E8${digits}${n}`;
  await stack.prisma.staff.create({
    data: {
      employeeNo,
      nameKo: `로그인시험${n}`,
      nameEn: `Sign-in tester ${n}`,
      email: `signin${n}.${digits}@example.go.kr`,
      role: 'STAFF',
      // Not available for cases: the case-assignment rule would give other files' complaints to it.
      available: false,
      unitId: teamId,
      payGrade: '7급',
      passwordHash: await hash(PASSWORD),
      skills: [],
    },
  });
  return employeeNo;
}

async function appWith(env: Record<string, string>) {
  const config = loadConfig({
    ...Object.fromEntries(
      Object.entries(stack.config)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ),
    ...env,
  });
  const app = await buildApp({
    config,
    prisma: stack.prisma,
    temporal: stack.temporal,
    checkMail: async () => true,
    logger: { level: 'silent' },
  });
  await app.ready();
  extraApps.push(app);
  return app;
}

const signIn = (app: FastifyInstance, employeeNo: string, password: string, headers = {}) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { employeeNo, password }, headers });

const passwordChecks = async () => (await stack.app.metrics.passwordChecks.get()).values[0]?.value ?? 0;

describe('a burst of guesses', () => {
  it('checks at most the lockout threshold of passwords among 300 parallel wrong ones, with no 5xx', async () => {
    const employeeNo = await freshAccount(1);
    const checksBefore = await passwordChecks();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => signIn(stack.app, employeeNo, `wrong-guess-${i}`)),
    );
    const elapsed = Date.now() - started;
    const statuses = answers.map((a) => a.statusCode);
    const count = (status: number) => statuses.filter((s) => s === status).length;
    const checks = (await passwordChecks()) - checksBefore;
    const attempts = await stack.prisma.loginAttempt.count({ where: { employeeNo } });
    console.log(
      `sign-in burst: 300 parallel wrong passwords in ${elapsed} ms → ${count(401)} × 401, ${count(429)} × 429, ` +
        `${statuses.filter((s) => s >= 500).length} × 5xx; ${checks} password checks, ${attempts} attempts stored`,
    );
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(count(401)).toBe(LOCKOUT_FAILURES);
    expect(count(429)).toBe(300 - LOCKOUT_FAILURES);
    expect(checks).toBe(LOCKOUT_FAILURES);
    expect(attempts).toBe(LOCKOUT_FAILURES);
    const locked = answers.find((a) => a.statusCode === 429)!.json();
    expect(locked.error.code).toBe('LOCKED_OUT');
    // Locked means locked: the right password is not even checked now.
    const right = await signIn(stack.app, employeeNo, PASSWORD);
    expect(right.statusCode).toBe(429);
    expect((await passwordChecks()) - checksBefore).toBe(LOCKOUT_FAILURES);
    // The lockout is audited once, not each guess (guesses must not queue on the audit chain).
    const audits = await stack.prisma.auditLog.findMany({ where: { subject: `staff:${employeeNo}` } });
    expect(audits.map((a) => a.action)).toEqual(['auth.locked-out']);
  });

  it('does the same argon2 work for an unknown employee number as for a wrong password', async () => {
    const knownNos = [await freshAccount(2), await freshAccount(5)];
    const unknownNos = [`E7${digits}8`, `E7${digits}9`];
    const timed = async (no: string) => {
      const started = performance.now();
      const answer = await signIn(stack.app, no, 'not-the-password');
      expect(answer.statusCode).toBe(401);
      return performance.now() - started;
    };
    const checksBefore = await passwordChecks();
    const known: number[] = [];
    const missing: number[] = [];
    // Alternating, below the threshold of each account.
    for (let i = 0; i < LOCKOUT_FAILURES - 1; i += 1) {
      for (let k = 0; k < 2; k += 1) {
        known.push(await timed(knownNos[k]!));
        missing.push(await timed(unknownNos[k]!));
      }
    }
    expect((await passwordChecks()) - checksBefore).toBe(4 * (LOCKOUT_FAILURES - 1));
    // The fastest answer is the work itself; slower ones are this shared machine's noise.
    const fastest = (xs: number[]) => Math.min(...xs);
    console.log(
      `sign-in timing: wrong password fastest ${fastest(known).toFixed(1)} ms, unknown account ${fastest(missing).toFixed(1)} ms`,
    );
    // Without the dummy check an unknown account answered in about a millisecond, 50× faster.
    expect(fastest(missing)).toBeGreaterThan(fastest(known) * 0.5);
    const unknown = unknownNos[1]!;
    // Unknown accounts lock out too, so the answer does not reveal existence after the threshold either.
    expect((await signIn(stack.app, unknown, 'x')).statusCode).toBe(401);
    expect((await signIn(stack.app, unknown, 'x')).statusCode).toBe(429);
  });
});

describe('client IP behind proxies', () => {
  it('ignores X-Forwarded-For unless TRUSTED_PROXIES names the proxy, so rotating it does not escape the limit', async () => {
    const untrusting = await appWith({ RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
    const rotated = [];
    for (let i = 0; i < 6; i += 1) {
      rotated.push(
        (await signIn(untrusting, `E6${digits}${i}`, 'nope', { 'x-forwarded-for': `203.0.113.${i + 1}` }))
          .statusCode,
      );
    }
    expect(rotated).toEqual([401, 401, 401, 429, 429, 429]);

    // Behind a named proxy (inject connects from 127.0.0.1) the forwarded address is the client's.
    const trusting = await appWith({ RATE_LIMIT_LOGIN_PER_MINUTE: '3', TRUSTED_PROXIES: '127.0.0.1' });
    const perClient = [];
    for (let i = 0; i < 6; i += 1) {
      perClient.push(
        (await signIn(trusting, `E5${digits}${i}`, 'nope', { 'x-forwarded-for': `198.51.100.${i + 1}` }))
          .statusCode,
      );
    }
    expect(perClient.filter((s) => s === 429)).toHaveLength(0);
    // A forged header sent from a host that is not the named proxy is not believed.
    const other = await appWith({ RATE_LIMIT_LOGIN_PER_MINUTE: '2', TRUSTED_PROXIES: '10.1.1.1' });
    const forged = [];
    for (let i = 0; i < 3; i += 1) {
      forged.push(
        (await signIn(other, `E4${digits}${i}`, 'nope', { 'x-forwarded-for': `192.0.2.${i}` })).statusCode,
      );
    }
    expect(forged).toEqual([401, 401, 429]);
  });
});

describe('ways back in', () => {
  it('lets a signed-in member change their password: the current one is checked and other sessions end', async () => {
    const employeeNo = await freshAccount(3);
    const first = await login(stack.app, employeeNo, PASSWORD);
    const second = await login(stack.app, employeeNo, PASSWORD);
    const change = (payload: object) =>
      stack.app.inject({ method: 'POST', url: '/api/auth/password', headers: first, payload });
    const wrong = await change({ currentPassword: 'not-it-at-all', newPassword: 'brand-new-password-1' });
    expect(wrong.statusCode).toBe(401);
    expect((await change({ currentPassword: PASSWORD, newPassword: 'short' })).statusCode).toBe(422);
    expect((await change({ currentPassword: PASSWORD, newPassword: PASSWORD })).statusCode).toBe(422);
    const changed = await change({ currentPassword: PASSWORD, newPassword: 'brand-new-password-1' });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await signIn(stack.app, employeeNo, PASSWORD)).statusCode).toBe(401);
    await login(stack.app, employeeNo, 'brand-new-password-1');
    const me = (headers: SessionHeaders) => stack.app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect((await me(first)).statusCode).toBe(200);
    expect((await me(second)).statusCode).toBe(401);
    const audit = await stack.prisma.auditLog.findMany({
      where: { subject: `staff:${employeeNo}`, action: 'auth.password-changed' },
    });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify([audit[0]!.before, audit[0]!.after, audit[0]!.reason])).not.toContain('brand-new');
  });

  it('mails a one-time, expiring reset link with the configured absolute URL when an admin asks', async () => {
    const employeeNo = await freshAccount(4);
    const clerk = await login(stack.app, 'E1101');
    const url = `/api/admin/staff/${employeeNo}/password-reset`;
    expect((await stack.app.inject({ method: 'POST', url, headers: clerk })).statusCode).toBe(403);
    const requested = await stack.app.inject({ method: 'POST', url, headers: admin });
    expect(requested.statusCode, requested.body).toBe(202);
    const email = `signin4.${digits}@example.go.kr`;
    const mail = await waitFor(() => stack.prisma.devMail.findFirst({ where: { to: { contains: email } } }));
    expect(mail.subject).toContain('비밀번호 재설정');
    const link = mail.text.match(/(\S+\/reset-password\?token=([\w-]+))/);
    expect(link, mail.text).not.toBeNull();
    expect(link![1]!.startsWith(`${stack.config.PUBLIC_URL}/reset-password?token=`)).toBe(true);
    const token = link![2]!;
    // The stored row holds only the token's hash.
    expect(JSON.stringify(await stack.prisma.passwordResetToken.findMany())).not.toContain(token);

    const reset = (payload: object) =>
      stack.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload });
    const session = await login(stack.app, employeeNo, PASSWORD);
    const uses = await Promise.all([
      reset({ token, newPassword: 'after-reset-password-1' }),
      reset({ token, newPassword: 'after-reset-password-2' }),
    ]);
    expect(uses.map((u) => u.statusCode).sort()).toEqual([204, 404]);
    const winner = uses[0]!.statusCode === 204 ? 'after-reset-password-1' : 'after-reset-password-2';
    await login(stack.app, employeeNo, winner);
    expect((await signIn(stack.app, employeeNo, PASSWORD)).statusCode).toBe(401);
    expect(
      (await stack.app.inject({ method: 'GET', url: '/api/auth/me', headers: session })).statusCode,
    ).toBe(401);

    // An expired link is refused like an unknown one.
    expect((await stack.app.inject({ method: 'POST', url, headers: admin })).statusCode).toBe(202);
    const second = await waitFor(async () => {
      const mails = await stack.prisma.devMail.findMany({ where: { to: { contains: email } } });
      return mails.length === 2 ? mails.sort((a, b) => b.id - a.id)[0] : null;
    });
    const expiredToken = second.text.match(/reset-password\?token=([\w-]+)/)![1]!;
    await stack.prisma.passwordResetToken.updateMany({
      where: { tokenHash: hashToken(expiredToken) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await reset({ token: expiredToken, newPassword: 'too-late-password-1' })).statusCode).toBe(404);
    const actions = (
      await stack.prisma.auditLog.findMany({
        where: { subject: `staff:${employeeNo}` },
        orderBy: { seq: 'asc' },
      })
    ).map((a) => a.action);
    expect(actions.filter((a) => a.startsWith('auth.password'))).toEqual([
      'auth.password-reset-requested',
      'auth.password-reset',
      'auth.password-reset-requested',
    ]);
  });
});
