import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_YEAR } from '../support/constants.ts';
import { login } from '../support/session.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * One employee-number shape everywhere (`E` and 4–8 digits): an account an admin creates with a
 * five-digit number signs in, is evaluated by its leader (audited with before and after) and owns a task.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const tag = Date.now().toString(36).slice(-4).toUpperCase();
const PASSWORD = 'five-digit-password-1';

describe('a five-digit employee number', () => {
  it('can be created by an admin, evaluated and own a task', async () => {
    // A team of its own under HQ1, so no other test's unit changes.
    const hq = await stack.prisma.orgUnit.findUniqueOrThrow({ where: { code: 'HQ1' } });
    const team = await stack.prisma.orgUnit.create({
      data: {
        code: `TN${tag}`,
        kind: 'TEAM',
        nameKo: `번호시험팀${tag}`,
        nameEn: `Number team ${tag}`,
        parentId: hq.id,
      },
    });
    const leaderNo = `E7${String(Date.now()).slice(-5)}`;
    await stack.prisma.staff.create({
      data: {
        employeeNo: leaderNo,
        nameKo: '번호팀장',
        nameEn: 'Number leader',
        email: `leader.${tag.toLowerCase()}@example.go.kr`,
        role: 'TEAM_LEADER',
        unitId: team.id,
        payGrade: '4급',
        passwordHash: await hash(PASSWORD),
        skills: [],
      },
    });
    const employeeNo = `E${String(Date.now()).slice(-5)}`;
    expect(employeeNo).toMatch(/^E\d{5}$/);

    const admin = await login(stack.app, 'E0002');
    const created = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/staff',
      headers: admin,
      payload: {
        employeeNo,
        nameKo: '다섯자리',
        nameEn: 'Five digits',
        email: `five.${tag.toLowerCase()}@example.go.kr`,
        unitCode: team.code,
        role: 'STAFF',
        payGrade: '6급',
        password: PASSWORD,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    await login(stack.app, employeeNo, PASSWORD);

    const leader = await login(stack.app, leaderNo, PASSWORD);
    const evaluate = (score: number) =>
      stack.app.inject({
        method: 'PUT',
        url: `/api/performance/${SEED_YEAR}/evaluations/leader/${employeeNo}`,
        headers: leader,
        payload: { score, comment: '성실함' },
      });
    const first = await evaluate(82);
    expect(first.statusCode, first.body).toBe(200);
    expect((await evaluate(88)).statusCode).toBe(200);
    const audits = await stack.prisma.auditLog.findMany({
      where: { subject: `evaluation:${SEED_YEAR}:${employeeNo}` },
      orderBy: { seq: 'asc' },
    });
    expect(audits.map((a) => [a.actor, a.before, a.after])).toEqual([
      [leaderNo, null, { evaluatorNo: leaderNo, score: 82, comment: '성실함' }],
      [
        leaderNo,
        { evaluatorNo: leaderNo, score: 82, comment: '성실함' },
        { evaluatorNo: leaderNo, score: 88, comment: '성실함' },
      ],
    ]);

    const DAY = 86_400_000;
    const task = await stack.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: leader,
      payload: {
        title: '다섯자리 사번 과제',
        purpose: '다섯 자리 사번도 과제를 맡는다',
        ownerNo: employeeNo,
        milestones: [
          { title: '계획', dueAt: new Date(Date.now() + 30 * DAY).toISOString(), weight: 40 },
          { title: '시행', dueAt: new Date(Date.now() + 60 * DAY).toISOString(), weight: 60 },
        ],
      },
    });
    expect([201, 202]).toContain(task.statusCode);
    const id = task.json().id as string;
    const owner = await login(stack.app, employeeNo, PASSWORD);
    const read = await stack.app.inject({ method: 'GET', url: `/api/tasks/${id}`, headers: owner });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().owner.employeeNo).toBe(employeeNo);
  });
});
