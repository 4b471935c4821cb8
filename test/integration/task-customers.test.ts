import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login, type SessionHeaders } from '../support/session.ts';

/** Team T23 (innovation officer team): owner E2301, leader E2300 (reviews 'team' tasks end to end). */
const OWNER = 'E2301';
const LEADER = 'E2300';
const HR = 'E0003';
const TEAM = 'T23';
const DAY = 24 * 3600_000;
const YEAR = new Date(Date.now() + 9 * 3600_000).getUTCFullYear();
const INTERNAL_OPINION = 'INTERNAL-OPINION-마커-7731';

let stack: Stack;
const sessions = new Map<string, SessionHeaders>();
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function as(employeeNo: string): Promise<SessionHeaders> {
  if (!sessions.has(employeeNo)) sessions.set(employeeNo, await login(stack.app, employeeNo));
  return sessions.get(employeeNo)!;
}

async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  employeeNo?: string,
  payload?: unknown,
) {
  return stack.app.inject({
    method,
    url,
    headers: employeeNo ? await as(employeeNo) : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function act(id: string, employeeNo: string, name: string, payload: Record<string, unknown>) {
  const response = await call('POST', `/api/tasks/${id}/actions/${name}`, employeeNo, payload);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** A 'team' task in execution (the leader is its only plan reviewer). */
async function runningTask(title: string): Promise<string> {
  const created = await call('POST', '/api/tasks', OWNER, {
    title,
    purpose: '부서 혁신활동 지원 절차를 고객 관점에서 개선한다',
    taskType: 'team',
    milestones: [
      { title: '수요 조사', dueAt: new Date(Date.now() + 20 * DAY).toISOString(), weight: 50 },
      { title: '지원 절차 개편', dueAt: new Date(Date.now() + 40 * DAY).toISOString(), weight: 50 },
    ],
  });
  expect(created.statusCode, created.body).toBe(202);
  const { id } = created.json();
  await waitFor(async () => (await call('GET', `/api/tasks/${id}`, OWNER)).json().timeline.length > 0);
  await act(id, OWNER, 'submit', { note: '검토 부탁드립니다' });
  await act(id, LEADER, 'review', { decision: 'approve', opinion: INTERNAL_OPINION });
  return id;
}

/** The newest mail to `to` whose subject contains `subject`, and the first link of `path` in it. */
async function mailLink(to: string, subject: string, path: string): Promise<{ text: string; token: string }> {
  const mail = await waitFor(
    () =>
      stack.prisma.devMail.findFirst({
        where: { to, subject: { contains: subject } },
        orderBy: { id: 'desc' },
      }),
    30_000,
  );
  const match = new RegExp(`${path.replace(/\//g, '\\/')}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  expect(match, mail.text).not.toBeNull();
  return { text: mail.text, token: match![1]! };
}

async function signInCustomer(token: string): Promise<string> {
  const response = await call('POST', '/api/customer/session', undefined, { token });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = response.cookies.find((c) => c.name === 'portal_customer')!;
  return `portal_customer=${cookie.value}`;
}

async function kpiValue(code: string): Promise<number | null> {
  const response = await call('GET', `/api/performance/${YEAR}/scorecards/${TEAM}`, LEADER);
  expect(response.statusCode, response.body).toBe(200);
  const kpis = (
    response.json().perspectives as { objectives: { kpis: { code: string; value: number | null }[] }[] }[]
  ).flatMap((p) => p.objectives.flatMap((o) => o.kpis));
  const kpi = kpis.find((k) => k.code === code);
  expect(kpi, `KPI ${code} on the ${TEAM} scorecard`).toBeDefined();
  return kpi!.value;
}

async function addKpi(objectiveCode: string, body: Record<string, unknown>) {
  const response = await call('POST', `/api/performance/${YEAR}/objectives/${objectiveCode}/kpis`, HR, body);
  expect([200, 201], response.body).toContain(response.statusCode);
}

describe('customers of a policy task and career development, on the real stack', () => {
  it('a named customer signs in with a one-time link, sees milestones and reports but no review opinion, and asks a question the owner answers from the inbox', async () => {
    const id = await runningTask('혁신활동 지원 절차 개선 (고객 질문)');
    const email = `official-${Date.now()}@moef.example.go.kr`;
    const named = await call('POST', `/api/tasks/${id}/customers`, OWNER, {
      name: '김고객',
      organisation: '기획재정부',
      email,
      kind: 'MINISTRY_OFFICIAL',
    });
    expect(named.statusCode, named.body).toBe(201);
    // Only the owner names customers.
    expect(
      (
        await call('POST', `/api/tasks/${id}/customers`, LEADER, {
          name: 'x',
          organisation: 'y',
          email: 'x@y.kr',
          kind: 'EXPERT',
        })
      ).statusCode,
    ).toBe(403);

    const welcome = await mailLink(email, id, '/customer');
    expect(welcome.text).not.toContain(INTERNAL_OPINION);
    const cookie = await signInCustomer(welcome.token);
    // One-time: the same link does not sign in twice.
    expect(
      (await call('POST', '/api/customer/session', undefined, { token: welcome.token })).statusCode,
    ).toBe(403);

    await act(id, OWNER, 'report-progress', { text: '수요 조사 설문 배포 완료', progress: 30 });
    await act(id, OWNER, 'complete-milestone', { seq: 1, evidence: '내부 검토 메모: 예산 부족' });
    const milestoneMail = await mailLink(email, '중간목표 달성', '/customer');
    expect(milestoneMail.text).toContain('수요 조사');

    const view = await stack.app.inject({ method: 'GET', url: '/api/customer/task', headers: { cookie } });
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().task).toMatchObject({ id, stage: 'execution' });
    expect(view.json().milestones.map((m: { title: string }) => m.title)).toEqual([
      '수요 조사',
      '지원 절차 개편',
    ]);
    expect(view.json().milestones[0].completedAt).not.toBeNull();
    expect(view.json().reports.map((r: { text: string }) => r.text)).toContain('수요 조사 설문 배포 완료');
    expect(view.body).not.toContain(INTERNAL_OPINION);
    expect(view.body).not.toContain('예산 부족');
    expect((await stack.app.inject({ method: 'GET', url: '/api/customer/task' })).statusCode).toBe(403);

    const asked = await stack.app.inject({
      method: 'POST',
      url: '/api/customer/questions',
      headers: { cookie },
      payload: { question: '개편된 절차는 언제부터 적용됩니까?' },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const inbox = (await call('GET', '/api/inbox', OWNER)).json().items as { id: string; step: string }[];
    expect(inbox).toContainEqual(expect.objectContaining({ id, step: 'customer-question' }));

    const questionId = asked.json().id;
    const answered = await call('POST', `/api/tasks/${id}/customer-questions/${questionId}/answer`, OWNER, {
      answer: '다음 달 1일부터 적용합니다.',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    const inboxAfter = (await call('GET', '/api/inbox', OWNER)).json().items as {
      id: string;
      step: string;
    }[];
    expect(inboxAfter).not.toContainEqual(expect.objectContaining({ id, step: 'customer-question' }));
    const answerMail = await mailLink(email, '답변', '/customer');
    expect(answerMail.text).toContain('다음 달 1일부터 적용합니다.');
    const reread = await stack.app.inject({ method: 'GET', url: '/api/customer/task', headers: { cookie } });
    expect(reread.json().questions[0]).toMatchObject({ answer: '다음 달 1일부터 적용합니다.' });

    const mails = await stack.prisma.devMail.findMany({ where: { to: email } });
    expect(mails.length).toBeGreaterThanOrEqual(3);
    for (const mail of mails) expect(mail.text).not.toContain(INTERNAL_OPINION);
  });

  it('the owner removes a customer: their session and links stop, no further mail reaches them, and naming them again brings them back', async () => {
    const id = await runningTask('혁신활동 지원 절차 개선 (고객 제외)');
    const stays = `stays-${Date.now()}@kdi.example.kr`;
    const leaves = `leaves-${Date.now()}@kdi.example.kr`;
    const name = async (email: string, who: string) => {
      const named = await call('POST', `/api/tasks/${id}/customers`, OWNER, {
        name: who,
        organisation: '한국개발연구원',
        email,
        kind: 'EXPERT',
      });
      expect(named.statusCode, named.body).toBe(201);
      return named.json().customers as { id: number; name: string }[];
    };
    // Named first, so a milestone mail to them (were they still mailed) would go out before the other's.
    const listed = await name(leaves, '빠질고객');
    await name(stays, '남는고객');
    const leaving = listed.find((c) => c.name === '빠질고객')!;
    const cookie = await signInCustomer((await mailLink(leaves, id, '/customer')).token);
    const unusedLink = (await mailLink(stays, id, '/customer')).token;
    expect(unusedLink).toBeTruthy();

    // Only the owner removes; an unknown customer is 404.
    expect((await call('DELETE', `/api/tasks/${id}/customers/${leaving.id}`, LEADER)).statusCode).toBe(403);
    expect((await call('DELETE', `/api/tasks/${id}/customers/999999999`, OWNER)).statusCode).toBe(404);
    const auditBefore = await stack.prisma.auditLog.count({ where: { action: 'task.customer.removed' } });
    expect((await call('DELETE', `/api/tasks/${id}/customers/${leaving.id}`, OWNER)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/tasks/${id}/customers/${leaving.id}`, OWNER)).statusCode).toBe(204);
    expect(await stack.prisma.auditLog.count({ where: { action: 'task.customer.removed' } })).toBe(
      auditBefore + 1,
    );

    const panel = (await call('GET', `/api/tasks/${id}/customers`, OWNER)).json();
    expect(panel.customers.map((c: { name: string }) => c.name)).toEqual(['남는고객']);
    expect(
      (await stack.app.inject({ method: 'GET', url: '/api/customer/task', headers: { cookie } })).statusCode,
    ).toBe(403);

    // The next milestone mails the remaining customer only.
    const mailsToLeaver = await stack.prisma.devMail.count({ where: { to: leaves } });
    await act(id, OWNER, 'complete-milestone', { seq: 1, evidence: '수요 조사 결과 보고' });
    await mailLink(stays, '중간목표 달성', '/customer');
    expect(await stack.prisma.devMail.count({ where: { to: leaves } })).toBe(mailsToLeaver);

    // Named again: the same row returns and a fresh link signs in.
    const again = await name(leaves, '빠질고객');
    expect(again.find((c) => c.name === '빠질고객')?.id).toBe(leaving.id);
    const link = await waitFor(async () => {
      const found = await mailLink(leaves, id, '/customer');
      return found.token !== undefined &&
        (await stack.prisma.devMail.count({ where: { to: leaves } })) > mailsToLeaver
        ? found
        : undefined;
    });
    const back = await signInCustomer(link.token);
    expect(
      (await stack.app.inject({ method: 'GET', url: '/api/customer/task', headers: { cookie: back } }))
        .statusCode,
    ).toBe(200);
  });

  it("at completion each customer rates from the mailed link; the mean counts once in the team's customer-satisfaction KPI and the owner's outcomes", async () => {
    await addKpi(`O-${TEAM}-C`, {
      code: `K-${TEAM}-TCSAT`,
      name: { ko: '정책고객 만족도', en: 'Policy customers’ satisfaction' },
      unitLabel: '점',
      direction: 'HIGHER_IS_BETTER',
      target: 4,
      weight: 50,
      source: 'TASKS_CUSTOMER_SATISFACTION',
    });
    const before = await kpiValue(`K-${TEAM}-TCSAT`);

    const id = await runningTask('혁신활동 지원 절차 개선 (고객 평가)');
    const published = await call('POST', `/api/tasks/${id}/publication`, OWNER, { published: true });
    expect(published.statusCode, published.body).toBe(200);
    const listed = (await call('GET', '/api/public/tasks')).json().items as { id: string }[];
    expect(listed.map((t) => t.id)).toContain(id);
    const emails = [`expert-${Date.now()}@univ.example.ac.kr`, `citizen-${Date.now()}@example.com`];
    for (const [index, email] of emails.entries()) {
      const followed = await call('POST', `/api/public/tasks/${id}/follow`, undefined, {
        name: index === 0 ? '이전문' : '박시민',
        organisation: index === 0 ? '한국대학교' : '개인',
        email,
        kind: index === 0 ? 'EXPERT' : 'CITIZEN',
      });
      expect(followed.statusCode, followed.body).toBe(202);
    }

    await act(id, OWNER, 'complete-milestone', { seq: 1, evidence: '조사 보고서' });
    await act(id, OWNER, 'complete-milestone', { seq: 2, evidence: '개편 지침' });
    await act(id, OWNER, 'submit-completion', { summary: '지원 절차를 5단계에서 3단계로 줄였습니다.' });
    await act(id, LEADER, 'quality-review', { score: 90, opinion: INTERNAL_OPINION, decision: 'accept' });
    await act(id, LEADER, 'final-approve', { opinion: INTERNAL_OPINION });

    const first = await mailLink(emails[0]!, '평가해 주세요', '/customer/rate');
    expect(first.text).not.toContain(INTERNAL_OPINION);
    const rate = (token: string, score: number) =>
      call('POST', '/api/customer/rating', undefined, { token, score, comment: '유익했습니다' });
    expect((await rate(first.token, 5)).statusCode).toBe(200);
    // A retry of the same rating changes nothing; a different score is refused.
    expect((await rate(first.token, 5)).statusCode).toBe(200);
    expect((await rate(first.token, 2)).statusCode).toBe(409);
    expect(await kpiValue(`K-${TEAM}-TCSAT`)).toBe(before);

    const second = await mailLink(emails[1]!, '평가해 주세요', '/customer/rate');
    expect((await rate(second.token, 4)).statusCode).toBe(200);

    // The last rating closes the step: the mean (4.5) is reported once and the KPI recomputed live.
    const outcome = await waitFor(
      () => stack.prisma.performanceOutcome.findUnique({ where: { outcomeKey: `task-rated:${id}` } }),
      30_000,
    );
    expect(outcome).toMatchObject({ kind: 'task-rated', unitCode: TEAM, employeeNo: OWNER });
    expect((outcome.payload as { satisfaction: number }).satisfaction).toBe(4.5);
    const after = await waitFor(async () => {
      const value = await kpiValue(`K-${TEAM}-TCSAT`);
      return value !== before ? value : undefined;
    }, 30_000);
    const rated = await stack.prisma.performanceOutcome.findMany({
      where: { kind: 'task-rated', unitCode: TEAM },
    });
    const mean =
      rated.reduce((sum, o) => sum + (o.payload as { satisfaction: number }).satisfaction, 0) / rated.length;
    expect(after).toBeCloseTo(mean, 6);
    console.info(`[figures] ${TEAM} task-customer satisfaction KPI: before ${before}, after ${after}`);
    expect(await stack.prisma.performanceOutcome.count({ where: { outcomeKey: `task-rated:${id}` } })).toBe(
      1,
    );
    await waitFor(
      async () => (await call('GET', `/api/tasks/${id}/customers`, OWNER)).json().satisfaction === 4.5,
    );
    // After the close a repeat of a given rating answers what was recorded; nothing is counted again.
    expect((await rate(second.token, 4)).statusCode).toBe(200);
    expect(await stack.prisma.performanceOutcome.count({ where: { outcomeKey: `task-rated:${id}` } })).toBe(
      1,
    );
  });

  it("a development plan agreed by the leader: completed training hours move the team's training-hours-per-person KPI at once", async () => {
    await addKpi(`O-${TEAM}-L`, {
      code: `K-${TEAM}-LEARN`,
      name: { ko: '1인당 상시학습 시간(경력개발)', en: 'Training hours per person (development plans)' },
      unitLabel: '시간',
      direction: 'HIGHER_IS_BETTER',
      target: 80,
      weight: 50,
      source: 'TRAINING_HOURS_PER_PERSON',
    });
    const before = await kpiValue(`K-${TEAM}-LEARN`);
    const saved = await call('PUT', `/api/development/${YEAR}/plans/me`, OWNER, {
      goals: [{ competencyCode: 'COMMUNICATION', goal: '고객과의 소통 역량 강화' }],
      activities: [
        {
          kind: 'TRAINING',
          title: '정책 커뮤니케이션 과정',
          competencyCode: 'COMMUNICATION',
          plannedHours: 16,
        },
        { kind: 'ACTIVITY', title: '학습동아리 운영', plannedHours: 10 },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const training = saved.json().activities.find((a: { kind: string }) => a.kind === 'TRAINING');
    const complete = () =>
      call('POST', `/api/development/${YEAR}/plans/me/activities/${training.id}/complete`, OWNER, {
        hours: 12,
      });
    expect((await complete()).statusCode).toBe(409); // not agreed yet
    expect((await call('POST', `/api/development/${YEAR}/plans/me/submit`, OWNER)).statusCode).toBe(200);
    expect(
      (await call('POST', `/api/development/${YEAR}/plans/${OWNER}/decision`, 'E2100', { decision: 'agree' }))
        .statusCode,
    ).toBe(403); // another team's leader
    const agreed = await call('POST', `/api/development/${YEAR}/plans/${OWNER}/decision`, LEADER, {
      decision: 'agree',
    });
    expect(agreed.json().status).toBe('AGREED');

    expect((await complete()).statusCode).toBe(200);
    expect((await complete()).statusCode).toBe(200); // a retry records nothing more
    await waitFor(
      () => stack.prisma.performanceOutcome.findUnique({ where: { outcomeKey: `training:${training.id}` } }),
      30_000,
    );
    const headcount = await stack.prisma.staff.count({
      where: { unit: { code: TEAM }, deactivatedAt: null },
    });
    const hours = await stack.prisma.performanceOutcome.findMany({
      where: { kind: 'training-completed', unitCode: TEAM },
    });
    const total = hours.reduce((sum, o) => sum + (o.payload as { hours: number }).hours, 0);
    expect(total).toBeGreaterThanOrEqual(12);
    const after = await waitFor(async () => {
      const value = await kpiValue(`K-${TEAM}-LEARN`);
      return value !== null && Math.abs(value - total / headcount) < 1e-6 ? value : undefined;
    }, 30_000);
    expect(after).not.toBe(before);
    console.info(`[figures] ${TEAM} training hours per person KPI: before ${before}, after ${after}`);

    const needs = await call('GET', `/api/development/${YEAR}/needs`, HR);
    expect(needs.statusCode).toBe(200);
    expect(needs.json().competencies).toContainEqual(
      expect.objectContaining({ competencyCode: 'COMMUNICATION', people: 1, completedHours: 12 }),
    );
    expect((await call('GET', `/api/development/${YEAR}/needs`, OWNER)).statusCode).toBe(403);
  });
});
