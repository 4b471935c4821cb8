import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.ts';
import { csrfTokenFor } from '../../api/plugins/security.ts';
import { renderHistory } from '../../api/workflow-timeline.ts';
import { loadConfig } from '../../platform/config.ts';
import { createPrisma } from '../../platform/prisma.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { login } from '../support/session.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';

let stack: Stack;
const extraApps: FastifyInstance[] = [];
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  for (const app of extraApps) await app.close();
  await stack?.stop();
});

/** Another API instance over the same parts with different settings (and optionally a log capture). */
async function appWith(
  env: Record<string, string>,
  options: { logs?: string[]; prisma?: Stack['prisma'] } = {},
) {
  const config = loadConfig({
    ...Object.fromEntries(
      Object.entries(stack.config)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ),
    ...env,
  });
  const logger = options.logs
    ? {
        level: 'info',
        stream: new Writable({
          write(chunk, _encoding, done) {
            options.logs!.push(chunk.toString());
            done();
          },
        }),
      }
    : { level: 'silent' };
  const app = await buildApp({
    config,
    prisma: options.prisma ?? stack.prisma,
    temporal: stack.temporal,
    checkMail: async () => true,
    logger,
  });
  await app.ready();
  extraApps.push(app);
  return app;
}

const complaintBody = (name = '보안시험', email = 'hardening.citizen@example.com') => ({
  categoryCode: 'Q-GENERAL',
  title: '보안 시험 민원',
  body: '보안 강화 시험을 위한 민원입니다.',
  citizen: { name, email },
});

describe('sessions and CSRF', () => {
  it('sets an httpOnly session cookie and a readable CSRF cookie, both SameSite=Strict', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { employeeNo: 'E1101', password: DEMO_PASSWORD },
    });
    const session = response.cookies.find((c) => c.name === 'portal_session')!;
    const csrf = response.cookies.find((c) => c.name === 'portal_csrf')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(csrf.httpOnly).toBeFalsy();
    expect(csrf.sameSite).toBe('Strict');
    expect(csrf.value).toBe(csrfTokenFor(session.value));
    expect(session.secure).toBeFalsy();

    const me = await stack.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `portal_session=${session.value}` },
    });
    expect(me.cookies.find((c) => c.name === 'portal_csrf')?.value).toBe(csrf.value);
  });

  it('marks cookies Secure and sends HSTS when COOKIE_SECURE is set', async () => {
    const app = await appWith({ COOKIE_SECURE: 'true' });
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { employeeNo: 'E1102', password: DEMO_PASSWORD },
    });
    expect(response.cookies.find((c) => c.name === 'portal_session')?.secure).toBe(true);
    expect(response.cookies.find((c) => c.name === 'portal_csrf')?.secure).toBe(true);
    expect(response.headers['strict-transport-security']).toContain('max-age=');
  });

  it('refuses a state-changing call with a session cookie but without the matching X-CSRF-Token', async () => {
    const headers = await login(stack.app, 'E1103');
    const other = await login(stack.app, 'E1104');
    const cookieOnly = { cookie: headers.cookie };
    for (const attempt of [
      cookieOnly,
      { ...cookieOnly, 'x-csrf-token': 'guess' },
      { ...cookieOnly, 'x-csrf-token': other['x-csrf-token'] },
    ]) {
      const response = await stack.app.inject({ method: 'POST', url: '/api/auth/logout', headers: attempt });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.message).toContain('X-CSRF-Token');
    }
    // The same holds on a staff action and even on a public route called with the session.
    const filed = (
      await stack.app.inject({ method: 'POST', url: '/api/complaints', payload: complaintBody() })
    ).json();
    const action = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${filed.receiptNo}/actions/accept`,
      headers: cookieOnly,
      payload: {},
    });
    expect(action.statusCode).toBe(403);
    const intake = await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      headers: cookieOnly,
      payload: complaintBody(),
    });
    expect(intake.statusCode).toBe(403);
    // Reads need no token; citizens without a session are unaffected (the intake above without a cookie worked).
    expect(
      (await stack.app.inject({ method: 'GET', url: '/api/auth/me', headers: cookieOnly })).statusCode,
    ).toBe(200);
    expect(filed.receiptNo).toMatch(/^MW-/);
  });

  it('ends the session server-side on logout: the old cookie is refused afterwards', async () => {
    const headers = await login(stack.app, 'E1105');
    expect((await stack.app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(
      204,
    );
    const token = /portal_session=([^;]+)/.exec(headers.cookie)![1]!;
    const { createHash } = await import('node:crypto');
    const row = await stack.prisma.session.findUniqueOrThrow({
      where: { id: createHash('sha256').update(token).digest('hex') },
    });
    expect(row.revokedAt).not.toBeNull();
    expect((await stack.app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
  });
});

describe('headers, limits and errors', () => {
  it('sends security headers with a CSP that admits only the portal’s own scripts', async () => {
    for (const url of ['/api/health', '/api/categories', '/']) {
      const response = await stack.app.inject({ method: 'GET', url });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['referrer-policy']).toBe('same-origin');
    }
  });

  it('rate-limits public routes and sign-in per client IP, with the configured limits', async () => {
    const app = await appWith({ RATE_LIMIT_PUBLIC_PER_MINUTE: '3', RATE_LIMIT_LOGIN_PER_MINUTE: '2' });
    const reads = [];
    for (let i = 0; i < 4; i += 1) {
      reads.push(
        await app.inject({
          method: 'GET',
          url: '/api/complaints/MW-2026-9999999',
          headers: { 'x-access-code': 'AAAAAAAAAA' },
        }),
      );
    }
    expect(reads.map((r) => r.statusCode)).toEqual([404, 404, 404, 429]);
    expect(reads[3]!.json().error.code).toBe('RATE_LIMITED');
    expect(reads[3]!.headers['retry-after']).toBeDefined();
    // Another client IP has its own budget.
    const elsewhere = await app.inject({
      method: 'GET',
      url: '/api/complaints/MW-2026-9999999',
      headers: { 'x-access-code': 'AAAAAAAAAA' },
      remoteAddress: '10.9.8.7',
    });
    expect(elsewhere.statusCode).toBe(404);
    const logins = [];
    for (let i = 0; i < 3; i += 1) {
      logins.push(
        (
          await app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { employeeNo: 'E9999', password: 'nope' },
          })
        ).statusCode,
      );
    }
    expect(logins).toEqual([401, 401, 429]);
    // The health probe is not limited.
    for (let i = 0; i < 5; i += 1)
      expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).not.toBe(429);
  });

  it('limits the body size and never answers with a stack trace or an internal message', async () => {
    const big = await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...complaintBody(), body: 'x'.repeat(300 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    const malformed = await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      headers: { 'content-type': 'application/json' },
      payload: '{"categoryCode": ',
    });
    expect(malformed.statusCode).toBe(400);
    const badUri = await stack.app.inject({ method: 'GET', url: '/api/complaints/%E0%A4%A' });
    expect(badUri.statusCode).toBe(400);
    // Found by the fuzz test: "1e309" was coerced to Infinity, skipped the range check and reached Prisma (500).
    const staff = await login(stack.app, 'E1101');
    for (const url of [
      '/api/performance/1e309/year-end',
      '/api/performance/-1e309/results',
      '/api/stats/complaints?year=1e999',
    ]) {
      const infinite = await stack.app.inject({ method: 'GET', url, headers: staff });
      expect(infinite.statusCode, url).toBe(422);
    }

    // A database without our tables: an unexpected failure is a 500 with a generic message.
    const wrongDb = createPrisma(stack.config.DATABASE_URL.replace(/\/[^/?]+(\?|$)/, '/postgres$1'), 1);
    const internal = await (
      await appWith({}, { prisma: wrongDb })
    ).inject({
      method: 'GET',
      url: '/api/complaints/MW-2026-0000001',
      headers: { 'x-access-code': 'AAAAAAAAAA' },
    });
    expect(internal.statusCode).toBe(500);
    expect(internal.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    // A database that is gone: 503 that says so, nothing from inside.
    const goneDb = createPrisma('postgresql://nobody:nothing@127.0.0.1:9/none', 1);
    const outage = await (
      await appWith({}, { prisma: goneDb })
    ).inject({
      method: 'GET',
      url: '/api/complaints/MW-2026-0000001',
      headers: { 'x-access-code': 'AAAAAAAAAA' },
    });
    expect(outage.statusCode).toBe(503);
    for (const response of [big, malformed, badUri, internal, outage]) {
      expect(response.body).not.toMatch(/\n\s+at |node_modules|ECONNREFUSED|relation|prisma\./i);
    }
    await wrongDb.$disconnect();
    await goneDb.$disconnect();
  });
});

describe('personal data stays out of logs, workflow ids and search attributes', () => {
  it('logs no access code, survey token, password, cookie, CSRF token, citizen name or email', async () => {
    const logs: string[] = [];
    const app = await appWith({}, { logs });
    const name = '홍길동로그시험';
    const email = 'log.secret.citizen@example.com';
    const filed = (
      await app.inject({ method: 'POST', url: '/api/complaints', payload: complaintBody(name, email) })
    ).json();
    await app.inject({
      method: 'GET',
      url: `/api/complaints/${filed.receiptNo}`,
      headers: { 'x-access-code': filed.accessCode },
    });
    await app.inject({
      method: 'POST',
      url: `/api/complaints/${filed.receiptNo}/rating?token=survey-secret-token-123`,
      payload: { score: 5 },
    });
    const session = await login(app, 'E1106', DEMO_PASSWORD);
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: session });
    const text = logs.join('');
    expect(text).toContain(filed.receiptNo); // requests are logged …
    for (const secret of [
      filed.accessCode,
      'survey-secret-token-123',
      DEMO_PASSWORD,
      session['x-csrf-token'],
      session.cookie.slice(15, 40),
      name,
      email,
    ]) {
      expect(text, secret).not.toContain(secret); // … their secrets are not
    }
  });

  it('keeps citizen contact data out of the workflow id, input, history and search attributes', async () => {
    const name = '김비밀속성';
    const email = 'search.attr.secret@example.com';
    const filed = (
      await stack.app.inject({ method: 'POST', url: '/api/complaints', payload: complaintBody(name, email) })
    ).json();
    const handle = stack.temporal.workflow.getHandle(filed.receiptNo);
    const description = await waitFor(async () => {
      const d = await handle.describe();
      return d.searchAttributes && Object.keys(d.searchAttributes).length > 0 ? d : undefined;
    });
    expect(description.workflowId).toBe(filed.receiptNo);
    // Let the intake mail go out, so its activity is in the history too.
    await waitFor(() =>
      stack.prisma.emailOutbox.findFirst({
        where: { key: { startsWith: `${filed.receiptNo}:` }, status: 'SENT' },
      }),
    );
    // Decoded with the default payload converter, as the auditors' history view shows it.
    const history = JSON.stringify(renderHistory((await handle.fetchHistory()).events ?? []));
    const attributes =
      JSON.stringify(description.searchAttributes) + JSON.stringify(description.typedSearchAttributes);
    for (const secret of [name, email]) {
      expect(attributes).not.toContain(secret);
      expect(history).not.toContain(secret);
    }
  });
});
