import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login as signIn } from '../support/session.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const citizen = { name: '김민원', email: 'citizen.kim@example.com' };

async function fileComplaint(headers: Record<string, string> = {}, overrides: Record<string, unknown> = {}) {
  return stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    headers,
    payload: {
      categoryCode: 'Q-GENERAL',
      title: '주민등록 등본 발급 문의',
      body: '온라인으로 등본을 발급받을 수 있는지 알려주세요.',
      citizen,
      ...overrides,
    },
  });
}

describe('complaint intake, end to end on real Temporal, PostgreSQL and SMTP', () => {
  it('reports every part healthy', async () => {
    const response = await stack.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.json()).toEqual({ status: 'ok', temporal: 'up', database: 'up', mail: 'up' });
    expect(response.statusCode).toBe(200);
  });

  it('lists categories with their team and processing period', async () => {
    const categories = (await stack.app.inject({ method: 'GET', url: '/api/categories' })).json();
    expect(categories.length).toBe(12);
    expect(categories.find((c: { code: string }) => c.code === 'Q-GENERAL')).toMatchObject({
      slaDays: 7,
      team: expect.stringMatching(/^T\d\d$/),
    });
  });

  it('accepts a complaint, assigns a handler by least open load, mails both sides and shows the timeline', async () => {
    const response = await fileComplaint();
    expect(response.statusCode).toBe(202);
    const filed = response.json();
    expect(filed.receiptNo).toMatch(/^MW-\d{4}-\d{7}$/);
    expect(filed.accessCode).toMatch(/^[A-Z2-9]{10}$/);
    expect(filed.stage).toBe('received');
    expect(response.headers.location).toBe(`/api/complaints/${filed.receiptNo}`);

    const view = await waitFor(async () => {
      const status = await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${filed.receiptNo}`,
        headers: { 'x-access-code': filed.accessCode },
      });
      const body = status.json();
      return body.stage === 'assigned' ? body : undefined;
    });
    const category = (await stack.app.inject({ method: 'GET', url: '/api/categories' }))
      .json()
      .find((c: { code: string }) => c.code === 'Q-GENERAL');
    expect(view.handler.team).toBe(category.team);
    expect(view.handler.employeeNo).toMatch(/^E\d{4}$/);
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual(['received', 'assigned']);
    // The assignment rule's reason is for staff; the citizen's view shows who, not why (issue 12).
    expect(view.timeline[1].detail).toEqual({ handler: { name: expect.any(String) } });
    const staffView = (
      await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${filed.receiptNo}`,
        headers: await signIn(stack.app, view.handler.employeeNo),
      })
    ).json();
    expect(staffView.timeline[1].detail.reason).toContain('least open load');
    expect(new Date(view.dueAt).getTime()).toBeGreaterThan(Date.now());

    const handler = await stack.prisma.staff.findUniqueOrThrow({
      where: { employeeNo: view.handler.employeeNo },
    });
    const mails = await waitFor(async () => {
      const rows = await stack.prisma.devMail.findMany({ where: { subject: { contains: filed.receiptNo } } });
      return rows.length >= 2 ? rows : undefined;
    });
    expect(mails.map((m) => m.to).sort()).toEqual([citizen.email, handler.email].sort());
    expect(mails.find((m) => m.to === citizen.email)?.subject).toContain('접수');

    const mailbox = (
      await stack.app.inject({ method: 'GET', url: `/api/dev/mailbox?to=${citizen.email}` })
    ).json();
    expect(mailbox.mails.some((m: { subject: string }) => m.subject.includes(filed.receiptNo))).toBe(true);
  });

  it('assigns the next complaint in the team to the handler with the least open load', async () => {
    const handlerOf = (receiptNo: string, accessCode: string) =>
      waitFor(async () => {
        const body = (
          await stack.app.inject({
            method: 'GET',
            url: `/api/complaints/${receiptNo}`,
            headers: { 'x-access-code': accessCode },
          })
        ).json();
        return body.handler?.employeeNo as string | undefined;
      });
    const first = (await fileComplaint()).json();
    const a = await handlerOf(first.receiptNo, first.accessCode);
    const second = (await fileComplaint()).json();
    const b = await handlerOf(second.receiptNo, second.accessCode);
    expect(a).not.toBe(b);
  });

  it('returns the same receipt and access code for a repeated Idempotency-Key, starts one workflow, and keeps neither the code nor the key in the record', async () => {
    const headers = { 'idempotency-key': `intake-test-${Date.now()}` };
    const [one, two] = await Promise.all([fileComplaint(headers), fileComplaint(headers)]);
    expect(one.statusCode).toBe(202);
    expect(two.statusCode).toBe(202);
    expect(two.json().receiptNo).toBe(one.json().receiptNo);
    const rows = await stack.prisma.complaint.count({ where: { receiptNo: one.json().receiptNo } });
    expect(rows).toBe(1);
    // The replay hands back the same access code, yet the record holds neither the code nor the key.
    expect(two.json().accessCode).toBe(one.json().accessCode);
    const later = await fileComplaint(headers);
    expect(later.json()).toMatchObject({
      receiptNo: one.json().receiptNo,
      accessCode: one.json().accessCode,
    });
    const records = await stack.prisma.idempotencyRecord.findMany({ where: { scope: 'complaint-intake' } });
    const stored = records.map((record) => JSON.stringify(record)).join('\n');
    expect(stored).toContain(one.json().receiptNo);
    expect(stored).not.toContain(one.json().accessCode);
    expect(stored).not.toContain(headers['idempotency-key']);
    const read = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${one.json().receiptNo}`,
      headers: { 'x-access-code': later.json().accessCode },
    });
    expect(read.statusCode).toBe(200);
    const other = await fileComplaint(headers, { title: '다른 제목의 민원입니다' });
    expect(other.statusCode).toBe(409);
  });

  it('rejects bad input with a 422 naming what is wrong', async () => {
    const unknownCategory = await fileComplaint({}, { categoryCode: 'NOPE' });
    expect(unknownCategory.statusCode).toBe(422);
    expect(unknownCategory.json().error.message).toContain('NOPE');
    const badEmail = await fileComplaint({}, { citizen: { name: '홍길동', email: 'not-an-email' } });
    expect(badEmail.statusCode).toBe(422);
    expect(badEmail.json().error.code).toBe('VALIDATION');
    expect(badEmail.json().error.message).toContain('email');
  });

  it('hides a complaint from a wrong access code without revealing that it exists', async () => {
    const filed = (await fileComplaint()).json();
    const wrong = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${filed.receiptNo}`,
      headers: { 'x-access-code': 'WRONGCODE2' },
    });
    const missing = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/MW-1999-0000001`,
      headers: { 'x-access-code': 'WRONGCODE2' },
    });
    expect(wrong.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(wrong.json()).toEqual(missing.json());
  });

  it('signs staff in with a session cookie, lets the team read the complaint, and ends the session on logout', async () => {
    const filed = (await fileComplaint()).json();
    const category = (await stack.app.inject({ method: 'GET', url: '/api/categories' }))
      .json()
      .find((c: { code: string }) => c.code === 'Q-GENERAL');
    const leader = await stack.prisma.staff.findFirstOrThrow({
      where: { role: 'TEAM_LEADER', unit: { code: category.team } },
    });
    const login = await stack.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { employeeNo: leader.employeeNo, password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'portal_session');
    expect(cookie?.httpOnly).toBe(true);
    const csrf = login.cookies.find((c) => c.name === 'portal_csrf');
    expect(csrf?.httpOnly).toBeFalsy();
    const headers = { cookie: `portal_session=${cookie?.value}`, 'x-csrf-token': csrf!.value };
    expect((await stack.app.inject({ method: 'GET', url: '/api/auth/me', headers })).json().role).toBe(
      'TEAM_LEADER',
    );
    const read = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${filed.receiptNo}`,
      headers,
    });
    expect(read.statusCode).toBe(200);

    const outsider = await stack.prisma.staff.findFirstOrThrow({
      where: { role: 'STAFF', unit: { code: { not: category.team } } },
    });
    const outsiderLogin = await stack.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { employeeNo: outsider.employeeNo, password: DEMO_PASSWORD },
    });
    const outsiderCookie = outsiderLogin.cookies.find((c) => c.name === 'portal_session')?.value;
    const denied = await stack.app.inject({
      method: 'GET',
      url: `/api/complaints/${filed.receiptNo}`,
      headers: { cookie: `portal_session=${outsiderCookie}` },
    });
    expect(denied.statusCode).toBe(404);

    expect((await stack.app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(
      204,
    );
    expect((await stack.app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
  });

  it('refuses a wrong password and locks the account out after repeated failures', async () => {
    const attempt = () =>
      stack.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { employeeNo: 'E2201', password: 'wrong' },
      });
    for (let i = 0; i < 5; i += 1) expect((await attempt()).statusCode).toBe(401);
    const locked = await attempt();
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('LOCKED_OUT');
  });
});
