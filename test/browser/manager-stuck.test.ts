import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Stack } from '../support/stack.ts';
import { screenshot, seriousViolations } from './support/browser.ts';
import { signIn, startPortal, type PortalUnderTest } from './support/portal.ts';

const SLA_SECONDS = 8;

let portal: PortalUnderTest;
let stack: Stack;
beforeAll(async () => {
  // Every complaint in this stack is due SLA_SECONDS after receipt, so it goes overdue during the test.
  portal = await startPortal({ COMPLAINT_TEST_SLA_SECONDS: String(SLA_SECONDS) });
  stack = portal.stack;
});
afterAll(async () => {
  await portal?.stop();
});

describe('the manager view in real Chromium', () => {
  it('shows a director the overdue complaint in the stuck list, with its reason, once the SLA passes', async () => {
    const filed = await stack.app.inject({
      method: 'POST',
      url: '/api/complaints',
      payload: {
        categoryCode: 'Q-GENERAL',
        title: '기한 경과 확인용 민원',
        body: '처리기한이 지나면 본부장 화면에 나타나야 합니다.',
        citizen: { name: '이지연', email: 'late.citizen@example.com' },
      },
    });
    expect(filed.statusCode).toBe(202);
    const { receiptNo } = filed.json();
    const complaint = await waitFor(async () => {
      const row = await stack.prisma.complaint.findUnique({
        where: { receiptNo },
        include: { team: { include: { parent: true } } },
      });
      return row?.handlerId ? row : undefined;
    }, 30_000);
    const director = await stack.prisma.staff.findFirstOrThrow({
      where: { role: 'DIRECTOR', unit: { code: complaint.team.parent!.code } },
    });

    const { context, page } = await portal.newPage();
    await signIn(page, director.employeeNo);
    await page.getByRole('link', { name: '지연·정체 업무' }).click();
    await page.waitForURL('**/manager/stuck');

    // The list refreshes itself; the complaint appears once its due time has passed.
    const row = page.locator(`[data-testid="stuck-item"][data-id="${receiptNo}"]`);
    await row.waitFor({ timeout: 90_000 }).catch(async (error: Error) => {
      await screenshot(page, 'manager-stuck-failed');
      throw new Error(`${error.message}\nThe page showed: ${await page.locator('#main').innerText()}`);
    });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('기한 경과');
    expect(text).toContain(complaint.team.code);
    expect(new Date(complaint.dueAt).getTime()).toBeLessThan(Date.now());

    // The reason reads in Korean with the due time in Korea time (the browser runs in another zone), the
    // stage by its Korean name: no stage code, no UTC timestamp, no English.
    const dueInKorea = await page.evaluate(
      (at) =>
        new Intl.DateTimeFormat('ko-KR', {
          timeZone: 'Asia/Seoul',
          dateStyle: 'medium',
          timeStyle: 'short',
        }).format(new Date(at)),
      complaint.dueAt.toISOString(),
    );
    const reason = (await row.getByTestId('stuck-reason').textContent()) ?? '';
    const escaped = dueInKorea.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(reason).toMatch(new RegExp(`^처리기한 경과 \\(${escaped}부터\\), (팀장|본부장) 보고$`));
    const stageText = (await row.locator('[data-stage]').textContent()) ?? '';
    expect(['배정', '처리 중', '팀장 검토', '접수']).toContain(stageText);
    const rowText = (await row.innerText()) ?? '';
    for (const raw of ['assigned', 'in_progress', 'in_review', 'received', 'overdue', 'escalation']) {
      expect(rowText, raw).not.toContain(raw);
    }
    expect(rowText).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(rowText).not.toContain('UTC');
    await screenshot(page, 'manager-stuck');
    expect(await seriousViolations(page)).toEqual([]);

    // The reassign button leads to the complaint with the reassignment form.
    await row.getByRole('link', { name: '재지정' }).click();
    await page.getByTestId('complaint-details').waitFor();
    expect(await page.getByTestId('action-select').inputValue()).toBe('담당자 재지정');
    await context.close();
  });
});
