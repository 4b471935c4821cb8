import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor, type Stack } from '../support/stack.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import { screenshot } from './support/browser.ts';
import { signIn, startPortal, type PortalUnderTest } from './support/portal.ts';

/** Team T23: owner E2301, leader E2300 (a 'team' task's only reviewer); HR E0003 edits the scorecard. */
const OWNER = 'E2301';
const LEADER = 'E2300';
const HR = 'E0003';
const TEAM = 'T23';
const KPI = `K-${TEAM}-PCSAT`;
const DAY = 24 * 3600_000;
const YEAR = new Date(Date.now() + 9 * 3600_000).getUTCFullYear();
/** Planted in every internal review opinion: it must never reach the customer's page or mails. */
const MARKER = 'INTERNAL-REVIEW-마커-5521';
const CUSTOMER_EMAIL = `expert-${Date.now()}@policy-institute.example.kr`;

let portal: PortalUnderTest;
let stack: Stack;
const contexts: BrowserContext[] = [];
const sessions = new Map<string, SessionHeaders>();

beforeAll(async () => {
  portal = await startPortal();
  stack = portal.stack;
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await portal?.stop();
});

async function headers(employeeNo: string) {
  if (!sessions.has(employeeNo)) sessions.set(employeeNo, await login(stack.app, employeeNo));
  return sessions.get(employeeNo)!;
}

async function call(method: 'GET' | 'POST', url: string, employeeNo: string, payload?: object) {
  const response = await stack.app.inject({ method, url, headers: await headers(employeeNo), payload });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json();
}

const act = (id: string, employeeNo: string, name: string, payload: object) =>
  call('POST', `/api/tasks/${id}/actions/${name}`, employeeNo, payload);

async function page(): Promise<Page> {
  const { context, page } = await portal.newPage();
  contexts.push(context);
  return page;
}

/** A KPI of the team (by default its policy-customer satisfaction) as its scorecard shows it. */
async function kpiValue(code = KPI): Promise<number | null> {
  const card = await call('GET', `/api/performance/${YEAR}/scorecards/${TEAM}`, LEADER);
  const kpis = (
    card.perspectives as { objectives: { kpis: { code: string; value: number | null }[] }[] }[]
  ).flatMap((p) => p.objectives.flatMap((o) => o.kpis));
  return kpis.find((k) => k.code === code)!.value;
}

/** Opens the newest mail to the customer whose subject has `subject`, and follows its link to `path`. */
async function followMailLink(customer: Page, subject: string, path: RegExp) {
  await customer.goto('/mailbox');
  await customer.getByLabel('받는 사람으로 찾기').fill(CUSTOMER_EMAIL);
  const mail = customer.getByTestId('mail').filter({ hasText: subject }).first();
  await mail.waitFor({ timeout: 30_000 });
  await mail.getByRole('button').first().click();
  expect(await mail.textContent()).not.toContain(MARKER);
  await mail.getByRole('link', { name: path }).first().click();
}

describe('a policy task judged by its customers, in real Chromium against the real stack', () => {
  it("an outside expert follows a published task from the mailed link, asks a question the owner answers, rates the completed task from the mail, and the team's customer KPI moves; no internal opinion reaches them", async () => {
    await call('POST', `/api/performance/${YEAR}/objectives/O-${TEAM}-C/kpis`, HR, {
      code: KPI,
      name: { ko: '정책고객 만족도', en: 'Policy customer satisfaction' },
      unitLabel: '점',
      direction: 'HIGHER_IS_BETTER',
      target: 4,
      weight: 50,
      source: 'TASKS_CUSTOMER_SATISFACTION',
    });
    const created = await call('POST', '/api/tasks', OWNER, {
      title: '혁신 우수사례 공유 플랫폼 구축',
      purpose: '부처 간 혁신 우수사례를 한 곳에서 찾게 한다',
      taskType: 'team',
      milestones: [
        { title: '사례 수집 기준 마련', dueAt: new Date(Date.now() + 20 * DAY).toISOString(), weight: 40 },
        { title: '플랫폼 개통', dueAt: new Date(Date.now() + 40 * DAY).toISOString(), weight: 60 },
      ],
    });
    const id: string = created.id;
    await waitFor(async () => (await call('GET', `/api/tasks/${id}`, OWNER)).timeline.length > 0);
    await act(id, OWNER, 'submit', { note: '검토 부탁드립니다' });
    await act(id, LEADER, 'review', { decision: 'approve', opinion: `${MARKER} 예산 협의 필요` });

    // The owner publishes the task on its page.
    const owner = await page();
    await signIn(owner, OWNER);
    await owner.goto(`/tasks/${id}`);
    const panel = owner.getByTestId('task-customers');
    await panel.getByRole('button', { name: '공개하기' }).click();
    await expect.poll(() => panel.getByTestId('task-published').textContent()).toContain('공개 중');

    // An expert outside the ministry asks to follow it from the public list.
    const customer = await page();
    await customer.goto('/public/tasks');
    const card = customer.locator(`[data-testid="public-task"][data-id="${id}"]`);
    await card.waitFor({ timeout: 30_000 });
    await card.getByLabel('이름').fill('정책연구원 이전문');
    await card.getByLabel('소속 기관').fill('한국정책연구원');
    await card.getByLabel('이메일').fill(CUSTOMER_EMAIL);
    await card.getByLabel('정책 전문가').check();
    await card.getByRole('button', { name: '참여 신청' }).click();
    await card.getByTestId('follow-mailed').waitFor();

    // The one-time link from the dev mailbox signs them in to the customer view.
    await followMailLink(customer, '정책고객으로 등록', /\/customer\?token=/);
    const view = customer.getByTestId('customer-task');
    await view.waitFor({ timeout: 30_000 });
    expect(await view.textContent()).toContain('혁신 우수사례 공유 플랫폼 구축');
    expect(await customer.url()).not.toContain('token=');
    await act(id, OWNER, 'report-progress', { text: '사례 120건 수집', progress: 35 });
    await expect
      .poll(() => view.getByTestId('customer-report').allTextContents(), { timeout: 30_000 })
      .toContainEqual(expect.stringContaining('사례 120건 수집'));
    expect(await customer.content()).not.toContain(MARKER);

    // The customer asks; the question waits in the owner's inbox; the owner answers on the task page.
    await view.getByLabel('질문 내용').fill('다른 부처 사례도 등록할 수 있습니까?');
    await view.getByRole('button', { name: '질문하기' }).click();
    await expect
      .poll(() => view.getByTestId('customer-answer').first().textContent(), { timeout: 30_000 })
      .toBe('답변 대기 중');
    await owner.goto('/inbox');
    const inboxItem = owner
      .locator(`[data-testid="inbox-item"][data-id="${id}"]`)
      .filter({ hasText: '고객 질문 답변' });
    await inboxItem.waitFor({ timeout: 30_000 });
    await inboxItem.getByRole('link', { name: id }).click();
    await owner.waitForURL(`**/tasks/${id}`);
    const question = owner.getByTestId('task-customer-question').first();
    await question.getByLabel('답변').fill('네, 모든 부처의 사례를 등록할 수 있습니다.');
    await question.getByRole('button', { name: /질문에 답변/ }).click();
    await expect
      .poll(() => view.getByTestId('customer-answer').first().textContent(), { timeout: 30_000 })
      .toBe('네, 모든 부처의 사례를 등록할 수 있습니다.');
    await screenshot(customer, 'customer-task');

    // The task completes through its review chain, each step with an internal opinion.
    await act(id, OWNER, 'complete-milestone', { seq: 1, evidence: `${MARKER} 내부 증빙` });
    await act(id, OWNER, 'complete-milestone', { seq: 2, evidence: '개통 완료' });
    await act(id, OWNER, 'submit-completion', { summary: '플랫폼을 개통해 사례 120건을 공유했습니다.' });
    await act(id, LEADER, 'quality-review', {
      score: 92,
      opinion: `${MARKER} 품질 양호`,
      decision: 'accept',
    });
    await act(id, LEADER, 'final-approve', { opinion: `${MARKER} 최종 승인` });
    const before = await kpiValue();

    // The customer rates from the completion mail.
    await followMailLink(customer, '결과를 평가해 주세요', /\/customer\/rate\?token=/);
    await customer.getByRole('button', { name: '평가 제출' }).waitFor({ timeout: 30_000 });
    const fourStars = customer.getByRole('radio', { name: '4 / 5' });
    await customer.locator(`label[for="${await fourStars.getAttribute('id')}"]`).click();
    await customer.getByLabel('의견 (선택)').fill('부처 간 공유가 쉬워졌습니다.');
    await screenshot(customer, 'customer-rating');
    await customer.getByRole('button', { name: '평가 제출' }).click();
    await customer.getByTestId('customer-rating-thanks').waitFor();

    const after = await waitFor(async () => {
      const value = await kpiValue();
      return value !== before && value !== null ? value : undefined;
    }, 30_000);
    const rated = await stack.prisma.performanceOutcome.findMany({
      where: { kind: 'task-rated', unitCode: TEAM },
    });
    const mean =
      rated.reduce((sum, o) => sum + (o.payload as { satisfaction: number }).satisfaction, 0) / rated.length;
    expect(after).toBeCloseTo(mean, 6);
    expect(rated.find((o) => o.outcomeKey === `task-rated:${id}`)?.payload).toMatchObject({
      satisfaction: 4,
    });
    console.info(`[figures] browser journey: ${KPI} before ${before}, after ${after}`);

    // The owner's page shows the rating; the customer's pages and mails never showed an internal opinion.
    await owner.goto(`/tasks/${id}`);
    await expect
      .poll(() => owner.getByTestId('task-customer-satisfaction').textContent(), { timeout: 30_000 })
      .toContain('4');
    await customer.goto('/customer');
    await customer.getByTestId('customer-completion').waitFor({ timeout: 30_000 });
    expect(await customer.content()).not.toContain(MARKER);
    const mails = await stack.prisma.devMail.findMany({ where: { to: CUSTOMER_EMAIL } });
    expect(mails.map((m) => m.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining('중간목표 달성'), expect.stringContaining('답변')]),
    );
    for (const mail of mails) expect(mail.text).not.toContain(MARKER);
  });

  it("a member's development plan, agreed by the team leader on the portal: the recorded training moves the team's training-hours KPI, and HR sees the need", async () => {
    const MEMBER = 'E2302';
    const LEARN_KPI = `K-${TEAM}-LEARNB`;
    await call('POST', `/api/performance/${YEAR}/objectives/O-${TEAM}-L/kpis`, HR, {
      code: LEARN_KPI,
      name: { ko: '1인당 상시학습 시간', en: 'Training hours per person' },
      unitLabel: '시간',
      direction: 'HIGHER_IS_BETTER',
      target: 80,
      weight: 50,
      source: 'TRAINING_HOURS_PER_PERSON',
    });
    const before = await kpiValue(LEARN_KPI);
    // The member's 360° result: far below the ministry on 업무 추진력, far above it on 고객 지향.
    const capability = (subjectNo: string, items: Record<string, number>) => {
      const row = {
        year: YEAR,
        subjectNo,
        cycleId: `capability-${YEAR}`,
        score: 70,
        rule: 'BY_GROUP',
        raterCount: 5,
        parts: { anonymityThreshold: 3, items, comments: [] },
      };
      return stack.prisma.capabilityResult.upsert({
        where: { year_subjectNo: { year: YEAR, subjectNo } },
        create: row,
        update: row,
      });
    };
    await capability(MEMBER, { EXECUTION: 10, CUSTOMER: 100, COLLABORATION: 70 });
    await capability('E2390', { EXECUTION: 90, CUSTOMER: 60, COLLABORATION: 70 });

    const member = await page();
    await signIn(member, MEMBER);
    await member.goto('/development');
    // Strengths and gaps by name next to the plan, the gap without a goal called out; no item code shown.
    const profile = member.getByTestId('competency-profile');
    await expect.poll(() => profile.getAttribute('data-status'), { timeout: 30_000 }).toBe('AVAILABLE');
    expect(await member.getByTestId('competency-EXECUTION').textContent()).toMatch(
      /업무 추진력.*보완 필요.*목표 없음/,
    );
    expect(await member.getByTestId('competency-CUSTOMER').textContent()).toMatch(/고객 지향.*강점/);
    expect(await member.getByTestId('competency-uncovered').textContent()).toContain('업무 추진력');
    expect(await profile.textContent()).not.toMatch(/EXECUTION|CUSTOMER/);
    const form = member.getByTestId('action-development-plan');
    await form.getByLabel(/^역량\s*\*?$/).fill('업무');
    await member.getByRole('option', { name: '업무 추진력' }).click();
    await form.getByLabel('개발 목표').fill('데이터 기반 정책 분석 역량 강화');
    await form.getByLabel('교육 과정').fill('정책 데이터 분석 과정');
    await form.getByLabel('교육 계획 시간').fill('24');
    await form.getByRole('button', { name: '계획 저장' }).click();
    const plan = member.getByTestId('development-plan');
    await expect.poll(() => plan.getAttribute('data-status'), { timeout: 30_000 }).toBe('DRAFT');
    expect(await plan.textContent()).toContain('업무 추진력');
    await expect
      .poll(() => member.getByTestId('competency-EXECUTION').textContent(), { timeout: 30_000 })
      .toContain('목표 있음');
    expect(await member.getByTestId('competency-uncovered').count()).toBe(0);
    await member.getByRole('button', { name: '팀장에게 동의 요청' }).click();
    await expect.poll(() => plan.getAttribute('data-status'), { timeout: 30_000 }).toBe('SUBMITTED');

    const leader = await page();
    await signIn(leader, LEADER);
    await leader.goto('/development');
    const decide = leader.getByTestId(`action-development-decide-${MEMBER}`);
    await decide.getByLabel('동의', { exact: true }).check();
    await decide.getByRole('button', { name: /계획에 대한 결정/ }).click();
    await expect.poll(() => decide.count(), { timeout: 30_000 }).toBe(0);

    await member.reload();
    const record = member.getByTestId(/^action-development-complete-/);
    await record.getByLabel('이수 시간').fill('20');
    await record.getByRole('button', { name: '이수 기록' }).click();
    await expect
      .poll(() => member.getByTestId('development-training-total').textContent(), { timeout: 30_000 })
      .toContain('이수 20');
    await screenshot(member, 'development-plan');

    const headcount = await stack.prisma.staff.count({
      where: { unit: { code: TEAM }, deactivatedAt: null },
    });
    // The KPI may first be computed as 0 hours (created a moment before): wait for the recorded hours.
    const trainingHours = async () =>
      (
        await stack.prisma.performanceOutcome.findMany({
          where: { kind: 'training-completed', unitCode: TEAM },
        })
      ).reduce((sum, o) => sum + (o.payload as { hours: number }).hours, 0);
    const after = await waitFor(async () => {
      const value = await kpiValue(LEARN_KPI);
      const hours = await trainingHours();
      return hours > 0 && value !== null && Math.abs(value - hours / headcount) < 1e-6 ? value : undefined;
    }, 30_000).catch(async (error: unknown) => {
      throw new Error(
        `${LEARN_KPI} is ${await kpiValue(LEARN_KPI)}, expected ${(await trainingHours()) / headcount}: ${String(error)}`,
      );
    });
    expect(after).not.toBe(before);
    expect(after).toBeGreaterThan(0);
    console.info(`[figures] browser journey: ${LEARN_KPI} before ${before}, after ${after}`);

    const hr = await page();
    await signIn(hr, HR);
    await hr.goto('/hr/development');
    await expect
      .poll(() => hr.getByTestId('development-need').allTextContents(), { timeout: 30_000 })
      .toContainEqual(expect.stringContaining('업무 추진력'));
  });
});
