import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor, type Stack } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import {
  accessibilityViolations,
  expectLanguageSwitch,
  fieldError,
  signIn,
  startPortal,
  visitEach,
  type PageSpec,
  type PortalUnderTest,
} from './support/portal.ts';

let portal: PortalUnderTest;
let stack: Stack;
beforeAll(async () => {
  portal = await startPortal();
  stack = portal.stack;
});
afterAll(async () => {
  await portal?.stop();
});

const newPage: PortalUnderTest['newPage'] = (options) => portal.newPage(options);

const citizen = { name: '김민원', email: 'browser.citizen@example.com' };

/** Ticks the personal-data consent that the filing form requires. */
async function agreeToConsent(page: Page) {
  await page.getByText('위 사항을 확인했으며 개인정보 수집·이용에 동의합니다.').click();
}

/** Files through the portal's form; returns the receipt number and access code shown on the receipt. */
async function fileThroughPortal(page: Page, title: string) {
  await page.goto('/');
  await page.getByRole('link', { name: '민원 신청하기' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('민원 신청');
  await page.getByTestId('category').click();
  await page.getByRole('option', { name: '일반 행정 문의' }).click();
  await page.getByLabel('제목').fill(title);
  await page.getByLabel('내용').fill('온라인으로 주민등록 등본을 발급받을 수 있는지 알려주세요.');
  await page.getByLabel('성명').fill(citizen.name);
  await page.getByLabel('이메일').fill(citizen.email);
  await agreeToConsent(page);
  await page.getByRole('button', { name: '신청하기' }).click();
  await page.getByTestId('filed').waitFor();
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim();
  const accessCode = (await page.getByTestId('access-code').textContent())!.trim();
  expect(receiptNo).toMatch(/^MW-\d{4}-\d{7}$/);
  expect(accessCode).toMatch(/^[A-Z2-9]{10}$/);
  return { receiptNo, accessCode };
}

describe('the portal in real Chromium against the real stack', () => {
  let filed: { receiptNo: string; accessCode: string };

  it('shows the server validation error next to the field, then files a complaint and follows it live in My Space', async () => {
    const { context, page } = await newPage();
    await page.goto('/file');
    await page.getByTestId('category').click();
    await page.getByRole('option', { name: '일반 행정 문의' }).click();
    await page.getByLabel('제목').fill('x');
    await page.getByLabel('내용').fill('온라인으로 주민등록 등본을 발급받을 수 있는지 알려주세요.');
    await page.getByLabel('성명').fill(citizen.name);
    await page.getByLabel('이메일').fill(citizen.email);
    await agreeToConsent(page);
    await page.getByRole('button', { name: '신청하기' }).click();
    expect(await fieldError(page, page.getByLabel('제목'))).toMatch(/2/);
    expect(await page.getByTestId('filed').count()).toBe(0);
    await screenshot(page, 'file-complaint-validation');

    filed = await fileThroughPortal(page, '주민등록 등본 온라인 발급 문의');
    await screenshot(page, 'file-complaint-receipt');

    await page.getByRole('link', { name: '나만의 공간에서 보기' }).click();
    const details = page.getByTestId('complaint-details');
    await details.waitFor();
    // Assignment happens in the workflow after filing; the page refreshes itself until the handler shows.
    const stored = await waitFor(async () => {
      const row = await stack.prisma.complaint.findUnique({
        where: { receiptNo: filed.receiptNo },
        include: { handler: true },
      });
      return row?.handler ? row : undefined;
    }, 30_000);
    await expect.poll(() => details.textContent(), { timeout: 30_000 }).toContain(stored.handler!.nameKo);
    // The assignment activity stores the chosen handler just before the workflow records the 'assigned' stage.
    await expect.poll(() => details.getAttribute('data-stage'), { timeout: 30_000 }).toBe('assigned');
    const text = (await details.textContent()) ?? '';
    expect(text).toContain(filed.receiptNo);
    expect(text).toContain('담당자 배정');
    expect(text).toContain('처리기한');
    // Dates show in Korea time although this browser runs in Europe/Berlin.
    const dueInKorea = await page.evaluate(
      (iso) =>
        new Intl.DateTimeFormat('ko-KR', {
          timeZone: 'Asia/Seoul',
          dateStyle: 'medium',
          timeStyle: 'short',
        }).format(new Date(iso)),
      stored.dueAt.toISOString(),
    );
    expect(text).toContain(dueInKorea);
    await screenshot(page, 'my-space');

    await page.getByRole('link', { name: '메일함(데모)' }).click();
    const receiptMail = page
      .getByTestId('mail')
      .filter({ hasText: filed.receiptNo })
      .filter({ hasText: citizen.email });
    await expect.poll(() => receiptMail.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await screenshot(page, 'mailbox');
    await context.close();
  });

  it('works on a phone: the menu folds into a button and nothing scrolls sideways', async () => {
    const { context, page } = await newPage({ viewport: { width: 390, height: 844 } });
    await page.goto('/');
    await page.evaluate(
      ([no, code]) => sessionStorage.setItem('portal.access', JSON.stringify({ [no!]: code })),
      [filed.receiptNo, filed.accessCode],
    );
    await page.goto(`/my-space?receiptNo=${filed.receiptNo}`);
    await page.getByTestId('complaint-details').waitFor();
    const menu = page.getByRole('button', { name: '메뉴 열기/닫기' });
    expect(await menu.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(
      true,
    );
    await screenshot(page, 'my-space-phone');
    await menu.click();
    await page.getByRole('link', { name: '민원 신청' }).click();
    await page.waitForURL('**/file');
    await context.close();
  });

  it('a citizen files, the handler answers, the leader approves, the citizen rates from the survey link and sees it closed', async () => {
    const citizenSide = await newPage();
    const complaint = await fileThroughPortal(citizenSide.page, '여권 재발급 절차 문의');
    const assigned = await waitFor(async () => {
      const row = await stack.prisma.complaint.findUnique({
        where: { receiptNo: complaint.receiptNo },
        include: { handler: true, team: true },
      });
      return row?.handler ? row : undefined;
    }, 30_000);
    const leader = await stack.prisma.staff.findFirstOrThrow({
      where: { role: 'TEAM_LEADER', unit: { code: assigned.team.code } },
    });

    // The handler works the complaint from the inbox.
    const handlerSide = await newPage();
    await signIn(handlerSide.page, assigned.handler!.employeeNo);
    const inboxRow = handlerSide.page.locator(`[data-testid="inbox-item"][data-id="${complaint.receiptNo}"]`);
    await inboxRow.waitFor({ timeout: 30_000 });
    expect(await inboxRow.textContent()).toContain('접수 확인');
    expect(await inboxRow.textContent()).not.toMatch(/\baccept\b/);
    await screenshot(handlerSide.page, 'inbox');
    await inboxRow.getByRole('link', { name: complaint.receiptNo }).click();
    await handlerSide.page
      .getByTestId('action-accept')
      .getByRole('button', { name: '접수 확인(처리 시작)' })
      .click();
    const draftForm = handlerSide.page.getByTestId('action-draft-answer');
    await draftForm.waitFor({ timeout: 30_000 });
    await draftForm
      .getByLabel('답변')
      .fill('정부24에서 여권 재발급을 온라인으로 신청할 수 있습니다. 수령은 방문이 필요합니다.');
    await screenshot(handlerSide.page, 'complaint-work');
    await draftForm.getByRole('button', { name: '답변안 작성' }).click();
    await expect
      .poll(() => handlerSide.page.getByTestId('complaint-details').getAttribute('data-stage'), {
        timeout: 30_000,
      })
      .toBe('in_review');

    // The team leader approves from the review queue with an opinion.
    const leaderSide = await newPage();
    await signIn(leaderSide.page, leader.employeeNo);
    await leaderSide.page.goto('/reviews');
    const review = leaderSide.page.locator(`[data-testid="review-item"][data-id="${complaint.receiptNo}"]`);
    await review.waitFor({ timeout: 30_000 });
    await expect.poll(() => review.textContent(), { timeout: 15_000 }).toContain('정부24');
    await review.getByLabel('검토 의견').fill('정확한 안내입니다. 승인합니다.');
    await screenshot(leaderSide.page, 'review-queue');
    await review.getByRole('button', { name: '실행' }).click();
    await expect.poll(() => review.count(), { timeout: 30_000 }).toBe(0);

    // The citizen opens the survey link from the mail and rates the answer.
    const page = citizenSide.page;
    await page.goto('/mailbox');
    const surveyMail = page
      .getByTestId('mail')
      .filter({ hasText: complaint.receiptNo })
      .filter({ hasText: '만족도' })
      .first();
    await surveyMail.waitFor({ timeout: 30_000 });
    await surveyMail.getByRole('button').first().click();
    await surveyMail
      .getByRole('link', { name: /\/survey\// })
      .first()
      .click();
    await page.waitForURL(/\/survey\//);
    const fiveStars = page.getByRole('radio', { name: '5 / 5' });
    await page.locator(`label[for="${await fiveStars.getAttribute('id')}"]`).click();
    expect(await fiveStars.isChecked()).toBe(true);
    await page.getByLabel('의견 (선택)').fill('빠르고 친절했습니다.');
    await screenshot(page, 'survey');
    await page.getByRole('button', { name: '평가 제출' }).click();
    await page.getByTestId('survey-thanks').waitFor();

    await page.getByRole('link', { name: '나만의 공간' }).last().click();
    const details = page.getByTestId('complaint-details');
    await expect.poll(() => details.getAttribute('data-stage'), { timeout: 30_000 }).toBe('closed');
    expect(await page.getByTestId('answer').textContent()).toContain('정부24');
    expect(await page.getByTestId('satisfaction').textContent()).toContain('5/5');
    await screenshot(page, 'my-space-closed');
    for (const side of [citizenSide, handlerSide, leaderSide]) await side.context.close();
  });

  const citizenPages = (): PageSpec[] => [
    { path: '/', ko: '무엇을 도와드릴까요?', en: 'How can we help?', name: 'home' },
    { path: '/file', ko: '민원 신청', en: 'File a complaint', name: 'file-complaint' },
    { path: `/my-space?receiptNo=${filed.receiptNo}`, ko: '나만의 공간', en: 'My Space', name: 'my-space' },
    { path: '/mailbox', ko: '메일함 (내장 모드)', en: 'Mailbox (embedded mode)', name: 'mailbox' },
    { path: '/signin', ko: '직원 로그인', en: 'Staff sign-in', name: 'sign-in' },
    {
      path: `/survey/${filed.receiptNo}?token=demo`,
      ko: '답변 만족도 평가',
      en: 'Satisfaction survey',
      name: 'survey',
    },
  ];
  const staffPages = (): PageSpec[] => [
    { path: '/inbox', ko: '업무함', en: 'Inbox', name: 'inbox', as: 'E1100' },
    { path: '/reviews', ko: '검토 대기', en: 'Review queue', name: 'reviews', as: 'E1100' },
    {
      path: `/complaints/${filed.receiptNo}`,
      ko: '민원 처리',
      en: 'Work on a complaint',
      name: 'complaint-work',
      as: 'E1100',
    },
    {
      path: '/manager/stuck',
      ko: '지연·정체 업무',
      en: 'Stuck and overdue work',
      name: 'stuck',
      as: 'E0100',
    },
    { path: '/performance', ko: '성과관리 (BSC)', en: 'Performance (BSC)', name: 'performance', as: 'E0100' },
    {
      path: '/performance/results',
      ko: '연말 성과 결과',
      en: 'Year-end results',
      name: 'results',
      as: 'E0100',
    },
    {
      path: '/admin',
      ko: '감사·워크플로 이력',
      en: 'Audit and workflow history',
      name: 'admin',
      as: 'E0002',
    },
  ];

  async function visitAll(check: (page: Page, spec: PageSpec) => Promise<void>) {
    const { context, page } = await newPage();
    await page.goto('/');
    await page.evaluate(
      ([no, code]) => sessionStorage.setItem('portal.access', JSON.stringify({ [no!]: code })),
      [filed.receiptNo, filed.accessCode],
    );
    await visitEach(page, [...citizenPages(), ...staffPages()], check);
    await context.close();
  }

  it('switches every main page between Korean and English, and remembers the choice', async () => {
    await visitAll(expectLanguageSwitch);
  });

  it('has no serious or critical axe-core violations on the main pages, in either language', async () => {
    const found: Record<string, unknown> = {};
    await visitAll(async (page, spec) => {
      const violations = await accessibilityViolations(page, spec);
      if (violations.length > 0) found[spec.path] = violations;
    });
    expect(found).toEqual({});
  });
});
