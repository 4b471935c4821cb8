import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor, type Stack } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import { signIn, startPortal, type PortalUnderTest } from './support/portal.ts';

let portal: PortalUnderTest;
let stack: Stack;
beforeAll(async () => {
  portal = await startPortal();
  stack = portal.stack;
});
afterAll(async () => {
  await portal?.stop();
});

const run = randomUUID().slice(0, 8);
const marker = {
  citizen: `가로등고장신고${run}`,
  note: `내부메모표식${run}`,
  opinion: `검토의견표식${run}`,
  reply: `공개답글표식${run}`,
};
const citizenEmail = `journey.${run}@example.com`;
/** Texts that must never reach the citizen: planted internal text, role codes, engine details. */
const neverForCitizen = [
  marker.note,
  marker.opinion,
  'TEAM_LEADER',
  '(STAFF)',
  'least open load',
  '열린 민원 최소',
  'resumed',
  'previousDueAt',
];

async function workPage(page: Page, receiptNo: string) {
  await page.goto(`/complaints/${receiptNo}`);
  await page.getByTestId('case-file').waitFor({ timeout: 30_000 });
}

describe('casework in the browser: staff read the case, the citizen never sees internal text', () => {
  it('the handler and the leader read the citizen’s words; the citizen’s page and mails show the reply but no note, opinion, role code or engine detail', async () => {
    const filed = (
      await stack.app.inject({
        method: 'POST',
        url: '/api/complaints',
        payload: {
          categoryCode: 'Q-GENERAL',
          title: '가로등 고장 문의',
          body: `집 앞 골목의 ${marker.citizen} 가로등이 일주일째 꺼져 있습니다. 언제 고쳐지나요?`,
          citizen: { name: '정시민', email: citizenEmail },
        },
      })
    ).json<{ receiptNo: string; accessCode: string }>();
    const assigned = await waitFor(async () => {
      const row = await stack.prisma.complaint.findUnique({
        where: { receiptNo: filed.receiptNo },
        include: { handler: true, team: true },
      });
      return row?.handler && row.stage === 'assigned' ? row : undefined;
    }, 30_000);
    const leader = await stack.prisma.staff.findFirstOrThrow({
      where: { role: 'TEAM_LEADER', unit: { code: assigned.team.code } },
    });

    // The handler finds the case by a word from its text on the casework page, and reads it.
    const handler = await portal.newPage();
    await signIn(handler.page, assigned.handler!.employeeNo);
    await handler.page.getByRole('link', { name: '민원 업무' }).click();
    await handler.page.getByTestId('queue-my-open').waitFor();
    await handler.page.getByTestId('search').fill(marker.citizen);
    await handler.page.getByRole('button', { name: '제목·내용 검색' }).click();
    const row = handler.page.locator(`[data-testid="complaint-row"][data-id="${filed.receiptNo}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await handler.page.getByTestId('complaint-row').count()).toBe(1);
    expect(await row.textContent()).toContain('정*민');
    await screenshot(handler.page, 'casework-search');
    await row.getByRole('link', { name: filed.receiptNo }).click();
    await handler.page.getByTestId('case-file').waitFor({ timeout: 30_000 });
    const caseFile = (await handler.page.getByTestId('case-file').textContent()) ?? '';
    expect(caseFile).toContain(marker.citizen);
    expect(caseFile).toContain(citizenEmail);

    // An internal note and a public reply from the work page.
    await handler.page.getByRole('tab', { name: '내부 메모 남기기' }).click();
    await handler.page
      .getByTestId('action-notes')
      .getByLabel('내부 메모')
      .fill(`현장 확인 예정 ${marker.note}`);
    await handler.page.getByTestId('action-notes').getByRole('button', { name: '메모 저장' }).click();
    const messages = handler.page.getByTestId('messages');
    await expect.poll(() => messages.textContent(), { timeout: 15_000 }).toContain(marker.note);
    await handler.page.getByRole('tab', { name: '민원인에게 답글' }).click();
    await handler.page
      .getByTestId('action-replies')
      .getByLabel('답글')
      .fill(`확인 중입니다. ${marker.reply}`);
    await handler.page.getByTestId('action-replies').getByRole('button', { name: '답글 보내기' }).click();
    await expect.poll(() => messages.textContent(), { timeout: 15_000 }).toContain(marker.reply);
    expect(
      await handler.page.locator('[data-testid="message"][data-visibility="INTERNAL"]').textContent(),
    ).toContain(marker.note);

    await handler.page
      .getByTestId('action-accept')
      .getByRole('button', { name: '접수 확인(처리 시작)' })
      .click();
    const draft = handler.page.getByTestId('action-draft-answer');
    await draft.waitFor({ timeout: 30_000 });
    await draft.getByLabel('답변').fill('이번 주 안에 가로등을 교체하겠습니다.');
    await draft.getByRole('button', { name: '답변안 작성' }).click();
    await expect
      .poll(() => handler.page.getByTestId('complaint-details').getAttribute('data-stage'), {
        timeout: 30_000,
      })
      .toBe('in_review');
    await screenshot(handler.page, 'casework-handler');

    // The leader reviews with the question in view, and returns the draft with an opinion.
    const leaderSide = await portal.newPage();
    await signIn(leaderSide.page, leader.employeeNo);
    await workPage(leaderSide.page, filed.receiptNo);
    expect(await leaderSide.page.getByTestId('case-file').textContent()).toContain(marker.citizen);
    expect(await leaderSide.page.getByTestId('messages').textContent()).toContain(marker.note);
    const review = leaderSide.page.getByTestId('action-review');
    await review.waitFor({ timeout: 30_000 });
    await review.getByText('반려', { exact: true }).click();
    await review.getByLabel('검토 의견').fill(`교체 일정 근거 보강 ${marker.opinion}`);
    await review.getByRole('button', { name: '검토(승인/반려)' }).click();
    await expect
      .poll(() => leaderSide.page.getByTestId('complaint-details').getAttribute('data-stage'), {
        timeout: 30_000,
      })
      .toBe('in_progress');
    expect(await leaderSide.page.getByTestId('complaint-details').textContent()).toContain(marker.opinion);
    await screenshot(leaderSide.page, 'casework-leader');

    // The citizen: My Space shows the reply and nothing internal.
    const citizen = await portal.newPage();
    await citizen.page.goto('/');
    await citizen.page.evaluate(
      ([no, code]) => sessionStorage.setItem('portal.access', JSON.stringify({ [no!]: code })),
      [filed.receiptNo, filed.accessCode],
    );
    await citizen.page.goto(`/my-space?receiptNo=${filed.receiptNo}`);
    const details = citizen.page.getByTestId('complaint-details');
    await expect.poll(() => details.textContent(), { timeout: 30_000 }).toContain(marker.reply);
    await expect.poll(() => details.getAttribute('data-stage'), { timeout: 30_000 }).toBe('in_progress');
    const mySpace = (await citizen.page.locator('main').textContent()) ?? '';
    for (const text of neverForCitizen) expect(mySpace, text).not.toContain(text);
    expect(await citizen.page.getByTestId('case-file').count()).toBe(0);
    await screenshot(citizen.page, 'casework-my-space');

    // The citizen's mails: the reply arrived with an absolute link; nothing internal in any of them.
    await citizen.page.goto('/mailbox');
    await citizen.page.getByLabel('받는 사람으로 찾기').fill(citizenEmail);
    const mails = citizen.page.getByTestId('mail');
    // Wait until the recipient filter has applied (the list first shows every mail).
    await expect
      .poll(
        async () => {
          const texts = await mails.allTextContents();
          return (
            texts.every((text) => text.includes(citizenEmail)) && texts.some((t) => t.includes('담당자 답글'))
          );
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const count = await mails.count();
    for (let i = 0; i < count; i += 1) await mails.nth(i).getByRole('button').first().click();
    const mailText = (await citizen.page.getByTestId('mails').textContent()) ?? '';
    expect(mailText).toContain(marker.reply);
    expect(mailText).toMatch(new RegExp(`https?://[^\\s]+/my-space\\?receiptNo=${filed.receiptNo}`));
    for (const text of neverForCitizen) expect(mailText, text).not.toContain(text);
    await screenshot(citizen.page, 'casework-citizen-mails');

    for (const side of [handler, leaderSide, citizen]) await side.context.close();
  }, 180_000);

  it('a staff member outside the scope neither finds the case nor opens it', async () => {
    const filed = (
      await stack.app.inject({
        method: 'POST',
        url: '/api/complaints',
        payload: {
          categoryCode: 'Q-GENERAL',
          title: '범위 확인',
          body: `다른 본부 직원에게 보이면 안 되는 ${marker.citizen}범위 민원입니다.`,
          citizen: { name: '정시민', email: citizenEmail },
        },
      })
    ).json<{ receiptNo: string }>();
    const outsider = await portal.newPage();
    // E3201: a member of T32 (HQ3); Q-GENERAL belongs to T11 (HQ1).
    await signIn(outsider.page, 'E3201');
    await outsider.page.goto('/casework');
    await outsider.page.getByTestId('search').fill(`${marker.citizen}범위`);
    await outsider.page.getByRole('button', { name: '제목·내용 검색' }).click();
    await outsider.page.getByText('조건에 맞는 민원이 없습니다.').waitFor({ timeout: 15_000 });
    await outsider.page.goto(`/complaints/${filed.receiptNo}`);
    await outsider.page.getByRole('alert').waitFor({ timeout: 15_000 });
    expect(await outsider.page.getByTestId('case-file').count()).toBe(0);
    expect((await outsider.page.locator('main').textContent()) ?? '').not.toContain(marker.citizen);
    await outsider.context.close();
  }, 60_000);
});
