import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CONSENT_VERSION } from '../../domain/citizen-channel.ts';
import { login } from '../support/session.ts';
import { waitFor, type Stack } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import { startPortal, type PortalUnderTest } from './support/portal.ts';

/**
 * The citizen's channel in real Chromium: consent at filing, the sign-in link that opens every complaint
 * of an address (and is refused the second time), and the survey page with the answer and the reopen.
 */
let portal: PortalUnderTest;
let stack: Stack;
beforeAll(async () => {
  portal = await startPortal();
  stack = portal.stack;
});
afterAll(async () => {
  await portal?.stop();
});

const CONSENT_LABEL = '위 사항을 확인했으며 개인정보 수집·이용에 동의합니다.';

async function fileByApi(title: string, email: string) {
  const response = await stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: {
      categoryCode: 'G-STAFF',
      title,
      body: '민원실 직원의 응대가 불친절했습니다. 개선을 요청합니다.',
      citizen: { name: '정링크', email },
      consent: { version: CONSENT_VERSION, agreed: true },
    },
  });
  expect(response.statusCode).toBe(202);
  return response.json() as { receiptNo: string; accessCode: string };
}

/** Opens the newest mail to `to` whose text has `marker` in the portal's mailbox and follows its link. */
async function followMailLink(page: Page, to: string, marker: string, linkName: RegExp) {
  await page.goto('/mailbox');
  const mail = page.getByTestId('mail').filter({ hasText: to }).filter({ hasText: marker }).first();
  await mail.waitFor({ timeout: 30_000 });
  await mail.getByRole('button').first().click();
  const link = mail.getByRole('link', { name: linkName }).first();
  const href = (await link.textContent())!;
  await link.click();
  return href;
}

describe('the citizen channel in the browser', () => {
  it('requires consent to file, then shows the phone and place given on My Space', async () => {
    const { context, page } = await portal.newPage();
    await page.goto('/file');
    await expect.poll(() => page.getByTestId('consent').textContent()).toContain('개인정보 수집·이용 동의');
    const consentText = (await page.getByTestId('consent').textContent()) ?? '';
    for (const part of ['수집·이용 목적', '수집 항목', '보유·이용 기간', '거부할 권리']) {
      expect(consentText).toContain(part);
    }
    await page.getByTestId('category').click();
    await page.getByRole('option', { name: '일반 행정 문의' }).click();
    await page.getByLabel('제목').fill('청사 앞 보도블록 파손');
    await page.getByLabel('내용').fill('정부서울청사 앞 보도블록이 깨져 있습니다. 보수를 요청합니다.');
    await page.getByLabel('성명').fill('한동의');
    await page.getByLabel('이메일').fill('consent.browser@example.com');
    await page.getByLabel('전화번호 (선택)').fill('010-2222-3333');
    await page.getByLabel('주소 또는 장소 설명').fill('서울특별시 종로구 세종대로 209 앞');
    await page.getByRole('button', { name: '신청하기' }).click();
    await expect
      .poll(() => page.getByTestId('consent').textContent())
      .toContain('개인정보 수집·이용에 동의해야 민원을 신청할 수 있습니다.');
    expect(await page.getByTestId('filed').count()).toBe(0);
    await screenshot(page, 'file-complaint-consent-missing');

    await page.getByText(CONSENT_LABEL).click();
    await page.getByRole('button', { name: '신청하기' }).click();
    await page.getByTestId('filed').waitFor();
    const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim();
    const stored = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo } });
    expect(stored.consentVersion).toBe(CONSENT_VERSION);
    await page.getByRole('link', { name: '나만의 공간에서 보기' }).click();
    const filed = page.getByTestId('filed-details');
    await filed.waitFor({ timeout: 30_000 });
    expect(await filed.textContent()).toContain('010-2222-3333');
    expect(await filed.textContent()).toContain('서울특별시 종로구 세종대로 209 앞');
    await context.close();
  });

  it('mails a sign-in link that opens all complaints of the address, and refuses the link the second time', async () => {
    const email = 'link.journey.citizen@example.com';
    const first = await fileByApi('링크마커 첫 번째 민원', email);
    const second = await fileByApi('링크마커 두 번째 민원', email);
    const other = await fileByApi('남의마커 다른 주소 민원', 'someone.else@example.com');

    const { context, page } = await portal.newPage();
    await page.goto('/my-space');
    const form = page.getByTestId('sign-in-link');
    await form.getByLabel('이메일').fill(email);
    await form.getByRole('button', { name: '로그인 링크 보내기' }).click();
    await page.getByTestId('sign-in-link-sent').waitFor();
    await screenshot(page, 'my-space-sign-in-link');

    const href = await followMailLink(page, email, '로그인 링크', /\/my-space\?token=/);
    const list = page.getByTestId('my-complaints');
    await list.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('my-complaint').count(), { timeout: 15_000 }).toBe(2);
    const text = (await list.textContent()) ?? '';
    expect(text).toContain(first.receiptNo);
    expect(text).toContain(second.receiptNo);
    expect(text).toContain('링크마커 첫 번째 민원');
    expect(text).not.toContain(other.receiptNo);
    expect(text).not.toContain('남의마커');
    expect(page.url()).not.toContain('token=');
    await screenshot(page, 'my-space-signed-in-list');

    await list.getByRole('link', { name: second.receiptNo }).click();
    const details = page.getByTestId('complaint-details');
    await details.waitFor({ timeout: 30_000 });
    expect(await details.textContent()).toContain(second.receiptNo);

    // The same link again, in a fresh browser: refused, in Korean.
    const again = await portal.newPage();
    await again.page.goto(new URL(href).pathname + new URL(href).search);
    const refused = again.page.getByTestId('sign-in-link-refused');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toContain('이미 사용했거나');
    expect(await again.page.getByTestId('my-complaints').count()).toBe(0);
    await screenshot(again.page, 'my-space-sign-in-link-refused');
    await again.context.close();
    await context.close();
  });

  it('shows the answer on the survey page, offers reopen for a low score, and says so when a link is not valid', async () => {
    const email = 'survey.browser.citizen@example.com';
    const { receiptNo } = await fileByApi('설문 화면 민원', email);
    const assigned = await waitFor(
      () =>
        stack.prisma.complaint.findFirst({
          where: { receiptNo, handlerId: { not: null } },
          include: { handler: true, team: true },
        }),
      30_000,
    );
    const handler = await login(stack.app, assigned.handler!.employeeNo);
    const leader = await login(
      stack.app,
      (
        await stack.prisma.staff.findFirstOrThrow({
          where: { role: 'TEAM_LEADER', unit: { code: assigned.team.code } },
        })
      ).employeeNo,
    );
    const act = (action: string, headers: Record<string, string>, payload: object = {}) =>
      stack.app.inject({
        method: 'POST',
        url: `/api/complaints/${receiptNo}/actions/${action}`,
        headers,
        payload,
      });
    expect((await act('accept', handler)).statusCode).toBe(200);
    expect(
      (await act('draft-answer', handler, { answer: '답변마커: 응대 교육을 실시했습니다.' })).statusCode,
    ).toBe(200);
    expect((await act('review', leader, { decision: 'approve', opinion: '승인' })).statusCode).toBe(200);

    const { context, page } = await portal.newPage();
    await followMailLink(page, email, '만족도', /\/survey\//);
    await page.waitForURL(/\/survey\//);
    const answer = page.getByTestId('survey-answer');
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('답변마커: 응대 교육을 실시했습니다.');
    const twoStars = page.getByRole('radio', { name: '2 / 5' });
    await page.locator(`label[for="${await twoStars.getAttribute('id')}"]`).click();
    await page.getByRole('button', { name: '평가 제출' }).click();
    const reopen = page.getByTestId('survey-reopen');
    await reopen.waitFor({ timeout: 30_000 });
    expect(await reopen.textContent()).toContain('재처리를 요청하실 수 있습니다');
    await screenshot(page, 'survey-low-score-reopen');
    await reopen.getByLabel('재처리 요청 사유').fill('재발 방지 대책이 빠져 있습니다.');
    await reopen.getByRole('button', { name: '재처리 요청' }).click();
    await page.getByTestId('survey-reopened').waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => (await stack.prisma.complaint.findUnique({ where: { receiptNo } }))?.stage, {
        timeout: 30_000,
      })
      .toBe('in_progress');

    await page.goto(`/survey/${receiptNo}?token=not-a-valid-survey-token`);
    const expired = page.getByTestId('survey-expired');
    await expired.waitFor({ timeout: 15_000 });
    expect(await expired.textContent()).toContain('유효 기간이 지났습니다');
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).not.toMatch(/not valid|expired|LINK_EXPIRED/);
    await context.close();
  });
});
