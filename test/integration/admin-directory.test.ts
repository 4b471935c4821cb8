import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login, type SessionHeaders } from '../support/session.ts';

/**
 * The admin directory on the real stack: units, staff accounts and categories through the API, every
 * change audited, and new complaints assigned by what the directory says now. Everything it creates
 * lives in its own headquarters; its categories are switched off at the end so other files still see
 * the seeded list.
 */
let stack: Stack;
let admin: SessionHeaders;
let hr: SessionHeaders;
let clerk: SessionHeaders;

// Unique per run, so a reused database (TEST_DATABASE_URL) does not collide with an earlier run.
const tag = Date.now().toString(36).slice(-4).toUpperCase();
const digits = String(Date.now()).slice(-6);
const HQ_A = `HQA${tag}`;
const HQ_B = `HQB${tag}`;
const TEAM = `TA${tag}`;
const TEAM_2 = `TB${tag}`;
const EMPTY = `HQC${tag}`;
const person = (n: number) => `E9${digits}${n}`;
const CATEGORY = `Q-ADM${tag}`;
const PASSWORD = 'first-password-42';
const createdCategories: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  admin = await login(stack.app, 'E0002');
  hr = await login(stack.app, 'E0003');
  clerk = await login(stack.app, 'E1101');
});
afterAll(async () => {
  if (stack && admin) {
    for (const code of createdCategories) {
      await stack.app.inject({
        method: 'PUT',
        url: `/api/admin/categories/${code}`,
        headers: admin,
        payload: { active: false, reason: 'test clean-up' },
      });
    }
  }
  await stack?.stop();
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (headers: Record<string, string>, method: Method, url: string, payload?: object) =>
  stack.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

/** The field a 4xx names: request validation and the route's own checks use the same details shape. */
const fieldOf = (response: { json: () => { error: { details?: Array<{ path: string }> } } }) =>
  response.json().error.details?.[0]?.path;

/** Directory changes recorded about a subject (sign-ins are audited under the same subject). */
const auditOf = (subject: string) =>
  stack.prisma.auditLog.findMany({
    where: { subject, NOT: { action: { startsWith: 'auth.' } } },
    orderBy: { seq: 'asc' },
  });

const newStaff = (n: number, overrides: Record<string, unknown> = {}) => ({
  employeeNo: person(n),
  nameKo: `시험${n}`,
  nameEn: `Tester ${n}`,
  email: `tester${n}.${tag.toLowerCase()}@example.go.kr`,
  unitCode: TEAM,
  role: 'STAFF',
  payGrade: '6급',
  password: PASSWORD,
  ...overrides,
});

async function fileComplaint(categoryCode: string) {
  const response = await stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: {
      categoryCode,
      title: '디렉터리 시험 민원',
      body: '관리자 변경이 새 민원에 바로 적용되는지 확인합니다.',
      citizen: { name: '관리시험', email: 'directory.citizen@example.com' },
    },
  });
  expect(response.statusCode, response.body).toBe(202);
  const filed = response.json() as { receiptNo: string; accessCode: string };
  return waitFor(async () => {
    const view = (
      await stack.app.inject({
        method: 'GET',
        url: `/api/complaints/${filed.receiptNo}`,
        headers: { 'x-access-code': filed.accessCode },
      })
    ).json();
    return view.handler ? (view.handler as { employeeNo: string; team: string }) : undefined;
  }, 30_000);
}

describe('organisation units', () => {
  it('creates headquarters and teams, lists them in tree order, and answers a repeated create with the same unit', async () => {
    const a = await call(admin, 'POST', '/api/admin/org-units', {
      code: HQ_A,
      kind: 'HEADQUARTERS',
      nameKo: '시험본부',
      nameEn: 'Test headquarters',
      parentCode: 'MIN',
    });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.headers.location).toBe(`/api/admin/org-units/${HQ_A}`);
    expect(a.json()).toMatchObject({ code: HQ_A, parentCode: 'MIN', depth: 1, staffCount: 0 });

    const again = await call(admin, 'POST', '/api/admin/org-units', {
      code: HQ_A,
      kind: 'HEADQUARTERS',
      nameKo: '시험본부',
      nameEn: 'Test headquarters',
      parentCode: 'MIN',
    });
    expect(again.statusCode).toBe(200);
    const taken = await call(admin, 'POST', '/api/admin/org-units', {
      code: HQ_A,
      kind: 'HEADQUARTERS',
      nameKo: '다른 본부',
      nameEn: 'Another headquarters',
      parentCode: 'MIN',
    });
    expect(taken.statusCode).toBe(409);
    expect(fieldOf(taken)).toBe('/code');

    for (const [code, kind, parentCode, nameKo] of [
      [HQ_B, 'HEADQUARTERS', HQ_A, '시험국'],
      [TEAM, 'TEAM', HQ_B, '시험팀'],
      [TEAM_2, 'TEAM', HQ_A, '둘째시험팀'],
      [EMPTY, 'HEADQUARTERS', 'MIN', '빈본부'],
    ] as const) {
      const created = await call(admin, 'POST', '/api/admin/org-units', {
        code,
        kind,
        nameKo,
        nameEn: `${code} unit`,
        parentCode,
      });
      expect(created.statusCode, created.body).toBe(201);
    }

    const list = await call(admin, 'GET', '/api/admin/org-units');
    expect(list.statusCode).toBe(200);
    const units = list.json().units as Array<{ code: string; depth: number; parentCode: string | null }>;
    const index = (code: string) => units.findIndex((u) => u.code === code);
    expect(units[0]).toMatchObject({ code: 'MIN', depth: 0, parentCode: null });
    expect(index(HQ_A)).toBeLessThan(index(HQ_B));
    expect(index(HQ_B)).toBeLessThan(index(TEAM));
    expect(units[index(TEAM)]).toMatchObject({ depth: 3, parentCode: HQ_B });
    expect(units.find((u) => u.code === 'T11')).toMatchObject({ parentCode: 'HQ1', depth: 2 });

    const [audit] = await auditOf(`org-unit:${HQ_A}`);
    expect(audit).toMatchObject({ actor: 'E0002', action: 'org-unit.create', before: null });
    expect(audit!.after).toMatchObject({ code: HQ_A, parentCode: 'MIN', kind: 'HEADQUARTERS' });
  });

  it('refuses a move into the unit’s own subtree (422 naming parentCode) and parents of the wrong kind', async () => {
    const intoChild = await call(admin, 'PUT', `/api/admin/org-units/${HQ_A}`, { parentCode: HQ_B });
    expect(intoChild.statusCode).toBe(422);
    expect(fieldOf(intoChild)).toBe('/parentCode');
    expect(intoChild.json().error.message).toContain('own subtree');
    const intoItself = await call(admin, 'PUT', `/api/admin/org-units/${HQ_A}`, { parentCode: HQ_A });
    expect(intoItself.statusCode).toBe(422);
    const intoGrandchild = await call(admin, 'PUT', `/api/admin/org-units/${HQ_A}`, { parentCode: TEAM });
    expect(intoGrandchild.statusCode).toBe(422);
    expect(fieldOf(intoGrandchild)).toBe('/parentCode');

    const teamUnderMinistry = await call(admin, 'PUT', `/api/admin/org-units/${TEAM}`, { parentCode: 'MIN' });
    expect(teamUnderMinistry.statusCode).toBe(422);
    expect(teamUnderMinistry.json().error.message).toContain('HEADQUARTERS');
    const orphanTeam = await call(admin, 'POST', '/api/admin/org-units', {
      code: `TX${tag}`,
      kind: 'TEAM',
      nameKo: '고아팀',
      nameEn: 'Orphan team',
      parentCode: null,
    });
    expect(orphanTeam.statusCode).toBe(422);
    expect(fieldOf(orphanTeam)).toBe('/parentCode');
    const missingName = await call(admin, 'POST', '/api/admin/org-units', {
      code: `TY${tag}`,
      kind: 'TEAM',
      nameEn: 'No Korean name',
      parentCode: HQ_A,
    });
    expect(missingName.statusCode).toBe(422);
    expect(missingName.json().error.message).toContain('nameKo');
    const badCode = await call(admin, 'POST', '/api/admin/org-units', {
      code: 'lower case',
      kind: 'TEAM',
      nameKo: '팀',
      nameEn: 'Team',
      parentCode: HQ_A,
    });
    expect(badCode.statusCode).toBe(422);
    expect(fieldOf(badCode)).toBe('/code');

    // Nothing moved: the tree is as before.
    const unit = (await call(admin, 'GET', `/api/admin/org-units/${HQ_A}`)).json();
    expect(unit.parentCode).toBe('MIN');
  });

  it('moves and renames a unit with the change audited before and after', async () => {
    const moved = await call(admin, 'PUT', `/api/admin/org-units/${TEAM_2}`, {
      parentCode: HQ_B,
      nameEn: 'Second test team',
      reason: '조직 개편',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ parentCode: HQ_B, depth: 3, nameEn: 'Second test team' });
    const audit = (await auditOf(`org-unit:${TEAM_2}`)).at(-1)!;
    expect(audit).toMatchObject({ action: 'org-unit.update', reason: '조직 개편' });
    expect(audit.before).toMatchObject({ parentCode: HQ_A, nameEn: `${TEAM_2} unit` });
    expect(audit.after).toMatchObject({ parentCode: HQ_B, nameEn: 'Second test team' });
  });
});

describe('staff accounts', () => {
  it('creates a staff member whose initial password is argon2-hashed and works for sign-in', async () => {
    const created = await call(admin, 'POST', '/api/admin/staff', newStaff(1, { skills: ['welfare'] }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe(`/api/admin/staff/${person(1)}`);
    expect(created.json()).toMatchObject({
      employeeNo: person(1),
      unitCode: TEAM,
      role: 'STAFF',
      available: true,
      active: true,
      absentUntil: null,
      skills: ['welfare'],
    });
    expect(JSON.stringify(created.json())).not.toContain(PASSWORD);
    const row = await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: person(1) } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    await login(stack.app, person(1), PASSWORD);

    const [audit] = await auditOf(`staff:${person(1)}`);
    expect(audit).toMatchObject({ action: 'staff.create', actor: 'E0002' });
    const recorded = JSON.stringify([audit!.before, audit!.after]);
    expect(recorded).toContain(person(1));
    expect(recorded).not.toContain(row.passwordHash);
    expect(recorded).not.toContain(PASSWORD);

    const repeated = await call(admin, 'POST', '/api/admin/staff', newStaff(1, { skills: ['welfare'] }));
    expect(repeated.statusCode).toBe(200);
    expect(await auditOf(`staff:${person(1)}`)).toHaveLength(1);

    for (const n of [2, 3, 4]) {
      const more = await call(admin, 'POST', '/api/admin/staff', newStaff(n));
      expect(more.statusCode, more.body).toBe(201);
    }
  });

  it('refuses a taken employee number or email (409) and bad fields (422 naming the field)', async () => {
    const sameNo = await call(
      admin,
      'POST',
      '/api/admin/staff',
      newStaff(1, { email: 'other@example.go.kr' }),
    );
    expect(sameNo.statusCode).toBe(409);
    expect(fieldOf(sameNo)).toBe('/employeeNo');
    const sameEmail = await call(
      admin,
      'POST',
      '/api/admin/staff',
      newStaff(5, { email: newStaff(1).email }),
    );
    expect(sameEmail.statusCode).toBe(409);
    expect(fieldOf(sameEmail)).toBe('/email');

    const cases: Array<[Record<string, unknown>, string]> = [
      [{ payGrade: 'grade six' }, '/payGrade'],
      [{ email: 'not-an-email' }, '/email'],
      [{ password: 'short' }, '/password'],
      [{ employeeNo: 'X1' }, '/employeeNo'],
      [{ role: 'KING' }, '/role'],
      [{ unitCode: `ZZ${tag}` }, '/unitCode'],
      // A staff member works in a team, not directly in a headquarters.
      [{ unitCode: HQ_A }, '/role'],
    ];
    for (const [override, field] of cases) {
      const response = await call(admin, 'POST', '/api/admin/staff', newStaff(6, override));
      expect(response.statusCode, JSON.stringify(override)).toBe(422);
      expect(fieldOf(response), JSON.stringify(override)).toBe(field);
    }
    expect(await stack.prisma.staff.findUnique({ where: { employeeNo: person(6) } })).toBeNull();
  });

  it('allows one team leader per team (409 for a second)', async () => {
    const leader = await call(admin, 'POST', '/api/admin/staff', newStaff(7, { role: 'TEAM_LEADER' }));
    expect(leader.statusCode, leader.body).toBe(201);
    const second = await call(admin, 'POST', '/api/admin/staff', newStaff(8, { role: 'TEAM_LEADER' }));
    expect(second.statusCode).toBe(409);
    expect(fieldOf(second)).toBe('/role');
    expect(second.json().error.message).toContain(person(7));
  });

  it('lists staff filtered by unit, role and a search over numbers, names and email', async () => {
    // Other files' accounts share the database ('Sign-in tester 3'): name searches stay in this file's team.
    const inTeam = (await call(admin, 'GET', `/api/admin/staff?unitCode=${TEAM}`)).json();
    expect(inTeam.staff.map((s: { employeeNo: string }) => s.employeeNo)).toEqual(
      [1, 2, 3, 4, 7].map(person),
    );
    expect(inTeam.total).toBe(5);
    const leaders = (await call(admin, 'GET', `/api/admin/staff?unitCode=${TEAM}&role=TEAM_LEADER`)).json();
    expect(leaders.staff.map((s: { employeeNo: string }) => s.employeeNo)).toEqual([person(7)]);
    const byName = (
      await call(admin, 'GET', `/api/admin/staff?unitCode=${TEAM}&q=${encodeURIComponent('tester 3')}`)
    ).json();
    expect(byName.staff.map((s: { employeeNo: string }) => s.employeeNo)).toEqual([person(3)]);
    const seeded = (await call(admin, 'GET', `/api/admin/staff?q=E1101`)).json();
    expect(seeded.staff[0]).toMatchObject({ employeeNo: 'E1101', unitCode: 'T11', role: 'STAFF' });
    const badRole = await call(admin, 'GET', '/api/admin/staff?role=KING');
    expect(badRole.statusCode).toBe(422);
  });

  it('deactivating ends the person’s sessions and sign-in; reactivating restores sign-in', async () => {
    const session = await login(stack.app, person(4), PASSWORD);
    expect((await call(session, 'GET', '/api/auth/me')).statusCode).toBe(200);

    const off = await call(admin, 'PUT', `/api/admin/staff/${person(4)}`, {
      active: false,
      reason: '퇴직',
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ active: false });
    expect(off.json().deactivatedAt).toEqual(expect.any(String));
    expect((await call(session, 'GET', '/api/auth/me')).statusCode).toBe(401);
    await expect(login(stack.app, person(4), PASSWORD)).rejects.toThrow(/401/);
    const audit = (await auditOf(`staff:${person(4)}`)).at(-1)!;
    expect(audit).toMatchObject({ action: 'staff.deactivate', reason: '퇴직' });
    expect(audit.before).toMatchObject({ active: true });
    expect(audit.after).toMatchObject({ active: false, sessionsEnded: 1 });

    const listed = (await call(admin, 'GET', `/api/admin/staff?unitCode=${TEAM}&active=false`)).json();
    expect(listed.staff.map((s: { employeeNo: string }) => s.employeeNo)).toEqual([person(4)]);
    const selfOff = await call(admin, 'PUT', '/api/admin/staff/E0002', { active: false });
    expect(selfOff.statusCode).toBe(409);
    expect(fieldOf(selfOff)).toBe('/active');

    const on = await call(admin, 'PUT', `/api/admin/staff/${person(4)}`, { active: true });
    expect(on.json()).toMatchObject({ active: true, deactivatedAt: null });
    await login(stack.app, person(4), PASSWORD);
  });

  it('refuses to delete a unit that has staff (409 naming why) and deletes an empty one', async () => {
    const withStaff = await call(admin, 'DELETE', `/api/admin/org-units/${TEAM}`);
    expect(withStaff.statusCode).toBe(409);
    expect(withStaff.json().error.message).toMatch(/5 staff member/);
    const withChildren = await call(admin, 'DELETE', `/api/admin/org-units/${HQ_A}`);
    expect(withChildren.statusCode).toBe(409);
    expect(withChildren.json().error.message).toContain('child unit');
    const seeded = await call(admin, 'DELETE', '/api/admin/org-units/T11');
    expect(seeded.statusCode).toBe(409);

    const empty = await call(admin, 'DELETE', `/api/admin/org-units/${EMPTY}`);
    expect(empty.statusCode, empty.body).toBe(204);
    expect((await call(admin, 'GET', `/api/admin/org-units/${EMPTY}`)).statusCode).toBe(404);
    expect((await auditOf(`org-unit:${EMPTY}`)).map((a) => a.action)).toEqual([
      'org-unit.create',
      'org-unit.delete',
    ]);
  });
});

describe('who may change the directory', () => {
  it('lets HR read staff and move someone else to another team, and nothing more; staff get 403', async () => {
    expect((await call(hr, 'GET', `/api/admin/staff?unitCode=${TEAM}`)).statusCode).toBe(200);
    expect((await call(hr, 'GET', '/api/admin/org-units')).statusCode).toBe(200);

    const move = await call(hr, 'PUT', `/api/admin/staff/${person(3)}`, {
      unitCode: TEAM_2,
      reason: '인사발령 제2026-15호',
    });
    expect(move.statusCode, move.body).toBe(200);
    expect(move.json()).toMatchObject({ unitCode: TEAM_2 });
    const audit = (await auditOf(`staff:${person(3)}`)).at(-1)!;
    expect(audit).toMatchObject({ actor: 'E0003', action: 'staff.update', reason: '인사발령 제2026-15호' });
    expect(audit.before).toMatchObject({ unitCode: TEAM });
    expect(audit.after).toMatchObject({ unitCode: TEAM_2 });

    const refusals: Array<[SessionHeaders, Method, string, object | undefined]> = [
      [hr, 'PUT', `/api/admin/staff/${person(3)}`, { available: false }],
      [hr, 'PUT', `/api/admin/staff/${person(3)}`, { role: 'ADMIN' }],
      [hr, 'PUT', '/api/admin/staff/E0003', { unitCode: 'T32' }],
      [hr, 'POST', '/api/admin/staff', newStaff(9)],
      [hr, 'GET', '/api/admin/categories', undefined],
      [
        hr,
        'POST',
        '/api/admin/org-units',
        { code: `HZ${tag}`, kind: 'HEADQUARTERS', nameKo: 'x', nameEn: 'x', parentCode: 'MIN' },
      ],
      [clerk, 'GET', '/api/admin/staff', undefined],
      [clerk, 'GET', '/api/admin/org-units', undefined],
      [clerk, 'PUT', `/api/admin/staff/${person(3)}`, { unitCode: TEAM }],
      [clerk, 'PUT', `/api/admin/categories/Q-GENERAL`, { slaDays: 3 }],
      [
        clerk,
        'POST',
        '/api/admin/categories',
        { code: 'Q-NOPE', nameKo: 'x', nameEn: 'x', kind: 'QUESTION', teamCode: 'T11', slaDays: 7 },
      ],
    ];
    for (const [headers, method, url, payload] of refusals) {
      const response = await call(headers, method, url, payload);
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(403);
    }
    const unchanged = await stack.prisma.staff.findUniqueOrThrow({
      where: { employeeNo: person(3) },
      include: { unit: true },
    });
    expect(unchanged).toMatchObject({ available: true, role: 'STAFF' });
    expect(unchanged.unit.code).toBe(TEAM_2);
    expect((await call(admin, 'GET', '/api/admin/org-units')).statusCode).toBe(200);
    expect((await call({}, 'GET', '/api/admin/staff')).statusCode).toBe(401);
  });
});

describe('complaint categories', () => {
  it('creates a category within the legal period for its kind, refuses duplicates and teams nobody can staff', async () => {
    const base = {
      code: CATEGORY,
      nameKo: '시험 분야 문의',
      nameEn: 'Test area inquiry',
      kind: 'QUESTION',
      teamCode: TEAM,
      slaDays: 7,
    };
    const tooLong = await call(admin, 'POST', '/api/admin/categories', { ...base, slaDays: 15 });
    expect(tooLong.statusCode).toBe(422);
    expect(fieldOf(tooLong)).toBe('/slaDays');
    expect(tooLong.json().error.message).toContain('1 to 14');
    const grievance = await call(admin, 'POST', '/api/admin/categories', {
      ...base,
      kind: 'GRIEVANCE',
      slaDays: 10,
    });
    expect(grievance.statusCode).toBe(422);
    const notATeam = await call(admin, 'POST', '/api/admin/categories', { ...base, teamCode: HQ_A });
    expect(notATeam.statusCode).toBe(422);
    expect(fieldOf(notATeam)).toBe('/teamCode');

    const created = await call(admin, 'POST', '/api/admin/categories', base);
    expect(created.statusCode, created.body).toBe(201);
    createdCategories.push(CATEGORY);
    expect(created.headers.location).toBe(`/api/admin/categories/${CATEGORY}`);
    expect(created.json()).toMatchObject({
      code: CATEGORY,
      teamCode: TEAM,
      slaDays: 7,
      active: true,
      skill: null,
    });
    expect((await call(admin, 'POST', '/api/admin/categories', base)).statusCode).toBe(200);
    const duplicate = await call(admin, 'POST', '/api/admin/categories', { ...base, slaDays: 5 });
    expect(duplicate.statusCode).toBe(409);
    expect(fieldOf(duplicate)).toBe('/code');

    // The public list (its contract unchanged) offers it at once.
    const publicList = (await stack.app.inject({ method: 'GET', url: '/api/categories' })).json();
    expect(publicList.find((c: { code: string }) => c.code === CATEGORY)).toEqual({
      code: CATEGORY,
      name: '시험 분야 문의',
      nameEn: 'Test area inquiry',
      kind: 'QUESTION',
      team: TEAM,
      teamName: '시험팀',
      slaDays: 7,
    });
    const [audit] = await auditOf(`category:${CATEGORY}`);
    expect(audit).toMatchObject({ action: 'category.create', actor: 'E0002' });
    expect(audit!.after).toMatchObject({ teamCode: TEAM, slaDays: 7, active: true });
  });

  it('switches a category off for citizens while admins still see it, and audits each change', async () => {
    const code = `S-ADM${tag}`;
    const created = await call(admin, 'POST', '/api/admin/categories', {
      code,
      nameKo: '시험 법정민원',
      nameEn: 'Test statutory',
      kind: 'STATUTORY',
      teamCode: TEAM,
      slaDays: 30,
      skill: 'welfare',
    });
    expect(created.statusCode, created.body).toBe(201);
    createdCategories.push(code);
    const lengthen = await call(admin, 'PUT', `/api/admin/categories/${code}`, { slaDays: 91 });
    expect(lengthen.statusCode).toBe(422);
    const asQuestion = await call(admin, 'PUT', `/api/admin/categories/${code}`, { kind: 'QUESTION' });
    expect(asQuestion.statusCode).toBe(422);
    expect(fieldOf(asQuestion)).toBe('/kind');

    const off = await call(admin, 'PUT', `/api/admin/categories/${code}`, { active: false, reason: '폐지' });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ active: false });
    const publicList = (await stack.app.inject({ method: 'GET', url: '/api/categories' })).json();
    expect(publicList.some((c: { code: string }) => c.code === code)).toBe(false);
    const adminList = (await call(admin, 'GET', '/api/admin/categories')).json();
    expect(adminList.categories.find((c: { code: string }) => c.code === code)).toMatchObject({
      active: false,
      slaDays: 30,
    });
    expect(adminList.limits.GRIEVANCE).toEqual({ min: 1, max: 7 });
    const filing = await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      payload: {
        categoryCode: code,
        title: '꺼진 분야',
        body: '비활성 분야로는 접수되지 않아야 합니다.',
        citizen: { name: '시험', email: 'off@example.com' },
      },
    });
    expect(filing.statusCode).toBe(422);
    const audit = (await auditOf(`category:${code}`)).at(-1)!;
    expect(audit).toMatchObject({ action: 'category.update', reason: '폐지' });
    expect(audit.before).toMatchObject({ active: true });
    expect(audit.after).toMatchObject({ active: false });
  });
});

describe('new complaints follow the directory', () => {
  it('skips a handler marked unavailable or absent, and assigns in the new team once the category moves', async () => {
    // Equal load (none) in the team: the lowest employee number would be chosen first.
    const teamStaff = [person(1), person(2)];
    const off = await call(admin, 'PUT', `/api/admin/staff/${person(1)}`, { available: false });
    expect(off.json()).toMatchObject({ available: false });
    const first = await fileComplaint(CATEGORY);
    expect(first).toMatchObject({ employeeNo: person(2), team: TEAM });

    // Back at work; the other one is away until next year. Both now have the same load again.
    await call(admin, 'PUT', `/api/admin/staff/${person(1)}`, { available: true });
    const away = await call(admin, 'PUT', `/api/admin/staff/${person(2)}`, {
      absentUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    });
    expect(away.statusCode, away.body).toBe(200);
    const second = await fileComplaint(CATEGORY);
    expect(second).toMatchObject({ employeeNo: person(1), team: TEAM });
    expect(teamStaff).toContain(second.employeeNo);

    // Someone holding an open complaint cannot be moved away or deactivated before handing it over.
    const busy = await call(admin, 'PUT', `/api/admin/staff/${person(1)}`, { unitCode: TEAM_2 });
    expect(busy.statusCode).toBe(409);
    expect(fieldOf(busy)).toBe('/unitCode');
    expect((await call(admin, 'PUT', `/api/admin/staff/${person(2)}`, { active: false })).statusCode).toBe(
      409,
    );

    // The category moves to the second team, whose only staff member is the one HR moved there.
    const moved = await call(admin, 'PUT', `/api/admin/categories/${CATEGORY}`, {
      teamCode: TEAM_2,
      reason: '업무 이관',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ teamCode: TEAM_2 });
    const third = await fileComplaint(CATEGORY);
    expect(third).toMatchObject({ employeeNo: person(3), team: TEAM_2 });

    const verify = (await call(admin, 'GET', '/api/admin/audit/verify')).json();
    expect(verify).toMatchObject({ ok: true, brokenAt: null });
  });
});
