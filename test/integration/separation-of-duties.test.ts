import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { startStack, type Stack } from '../support/stack.ts';

/** Separation of duties through the API, one rule per test; a year of its own. */
const YEAR = 2043;

let stack: Stack;
const sessions = new Map<string, { cookie: string; csrf: string }>();

beforeAll(async () => {
  stack = await startStack();
  await seedDatabase(stack.prisma, { year: YEAR, demoPassword: DEMO_PASSWORD });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

async function call(employeeNo: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  if (!sessions.has(employeeNo)) {
    const login = await stack.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { employeeNo, password: DEMO_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    sessions.set(employeeNo, {
      cookie: login.cookies.find((c) => c.name === 'portal_session')!.value,
      csrf: login.cookies.find((c) => c.name === 'portal_csrf')!.value,
    });
  }
  const session = sessions.get(employeeNo)!;
  return stack.app.inject({
    method,
    url,
    headers: { cookie: `portal_session=${session.cookie}`, 'x-csrf-token': session.csrf },
    ...(payload ? { payload } : {}),
  });
}

describe('separation of duties', () => {
  it('a team leader can neither review, adopt nor score his own innovation proposal; others can', async () => {
    const proposed = await call('E1100', 'POST', `/api/performance/${YEAR}/innovations`, {
      title: '결재 단계 축소',
      description: '팀 내부 결재 단계를 줄입니다.',
    });
    expect(proposed.statusCode).toBe(201);
    const id = proposed.json().id;
    const act = (who: string, action: string, body: object = {}) =>
      call(who, 'POST', `/api/performance/${YEAR}/innovations/${id}/actions/${action}`, body);
    const ownReview = await act('E1100', 'review', { opinion: '스스로 검토합니다' });
    expect(ownReview.statusCode).toBe(403);
    expect(ownReview.json().error.message).toMatch(/never the proposer/);
    expect((await act('E0100', 'review', { opinion: '본부장 검토 완료' })).statusCode).toBe(200);
    expect((await act('E1100', 'adopt', { opinion: '채택' })).statusCode).toBe(403);
    expect((await act('E0100', 'adopt', { opinion: '채택합니다' })).statusCode).toBe(200);
    expect((await act('E1100', 'implement')).statusCode).toBe(200);
    expect((await act('E1100', 'score', { score: 100 })).statusCode).toBe(403);
    const scored = await act('E0003', 'score', { score: 80, opinion: '인사 평가' });
    expect(scored.json()).toMatchObject({ stage: 'SCORED', score: 80 });
  });

  it('nobody evaluates themselves; a new leader evaluation keeps the last one and is audited with before and after', async () => {
    const put = (who: string, employeeNo: string, score: number) =>
      call(who, 'PUT', `/api/performance/${YEAR}/evaluations/leader/${employeeNo}`, { score });
    expect((await put('E1100', 'E1100', 100)).statusCode).toBe(403);
    expect((await put('E1100', 'E1103', 70)).statusCode).toBe(200);
    expect((await put('E1100', 'E1103', 95)).statusCode).toBe(200);
    const revisions = await stack.prisma.leaderEvaluationRevision.findMany({
      where: { year: YEAR, subjectNo: 'E1103' },
      orderBy: { id: 'asc' },
    });
    expect(revisions.map((r) => [r.score, r.previousScore])).toEqual([
      [70, null],
      [95, 70],
    ]);
    const audits = await stack.prisma.auditLog.findMany({
      where: { subject: `evaluation:${YEAR}:E1103` },
      orderBy: { seq: 'asc' },
    });
    expect(audits.map((a) => [a.action, a.before, a.after])).toEqual([
      ['performance.evaluation.leader-given', null, { score: 70, evaluatorNo: 'E1100', comment: null }],
      [
        'performance.evaluation.leader-revised',
        { score: 70, evaluatorNo: 'E1100', comment: null },
        { score: 95, evaluatorNo: 'E1100', comment: null },
      ],
    ]);
  });

  it('nobody approves their own KPI entry', async () => {
    const entered = await call('E0003', 'POST', `/api/performance/${YEAR}/kpis/K-T11-EDU/entries`, {
      value: 12,
    });
    expect(entered.statusCode).toBe(201);
    const decide = (who: string) =>
      call(who, 'POST', `/api/performance/${YEAR}/kpi-entries/${entered.json().id}/decision`, {
        decision: 'approve',
      });
    expect((await decide('E0003')).statusCode).toBe(403);
    expect((await decide('E0004')).json()).toMatchObject({ status: 'APPROVED' });
  });

  it('the HEAD role changes only when an admin asks and the head (or, without a head, a second admin) confirms', async () => {
    await stack.prisma.staff.create({
      data: {
        employeeNo: 'E0909',
        nameKo: '보조관리자',
        nameEn: 'Second Admin',
        email: 'e0909@example.go.kr',
        role: 'ADMIN',
        unitId: (await stack.prisma.orgUnit.findUniqueOrThrow({ where: { code: 'T33' } })).id,
        payGrade: '6급',
        passwordHash: await hash(DEMO_PASSWORD),
      },
    });
    const move = (who: string, role: string) =>
      call(who, 'PUT', '/api/admin/staff/E0001', { role, reason: '인사 발령 검토' });
    expect((await move('E0003', 'HR')).statusCode).toBe(403); // HR never touches the head
    const asked = await move('E0002', 'HR');
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toMatchObject({
      subjectNo: 'E0001',
      fromRole: 'HEAD',
      toRole: 'HR',
      status: 'PENDING',
    });
    expect((await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: 'E0001' } })).role).toBe(
      'HEAD',
    );
    const decision = (who: string, decision: 'confirm' | 'reject') =>
      call(who, 'POST', `/api/admin/head-role-changes/${asked.json().id}/decision`, { decision });
    expect((await decision('E0002', 'confirm')).statusCode).toBe(403); // not the one who asked
    expect((await decision('E0909', 'confirm')).statusCode).toBe(403); // a second admin only without a head
    expect((await decision('E0001', 'confirm')).json()).toMatchObject({
      status: 'CONFIRMED',
      decidedBy: 'E0001',
    });
    expect((await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: 'E0001' } })).role).toBe('HR');

    // Without a head, the second person is another admin.
    const back = await move('E0002', 'HEAD');
    expect(back.statusCode).toBe(202);
    const restore = (who: string) =>
      call(who, 'POST', `/api/admin/head-role-changes/${back.json().id}/decision`, { decision: 'confirm' });
    expect((await restore('E0002')).statusCode).toBe(403);
    expect((await restore('E0909')).json()).toMatchObject({ status: 'CONFIRMED' });
    expect((await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: 'E0001' } })).role).toBe(
      'HEAD',
    );
    const audits = await stack.prisma.auditLog.findMany({
      where: { subject: 'staff:E0001', action: { startsWith: 'staff.head-role.' } },
      orderBy: { seq: 'asc' },
    });
    expect(audits.map((a) => [a.action, a.actor])).toEqual([
      ['staff.head-role.requested', 'E0002'],
      ['staff.head-role.confirmed', 'E0001'],
      ['staff.head-role.requested', 'E0002'],
      ['staff.head-role.confirmed', 'E0909'],
    ]);
    await stack.prisma.staff.update({ where: { employeeNo: 'E0909' }, data: { deactivatedAt: new Date() } });
  });
});
