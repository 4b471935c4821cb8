import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { ensurePortalBuilt, launchChromium, screenshot, seriousViolations } from './support/browser.ts';

const SLA_SECONDS = 8;

let stack: Stack;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  ensurePortalBuilt();
  // Every complaint in this stack is due SLA_SECONDS after receipt, so it goes overdue during the test.
  stack = await startStack({ COMPLAINT_TEST_SLA_SECONDS: String(SLA_SECONDS) });
  baseUrl = await stack.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the manager view in real Chromium', () => {
  it('shows a director the overdue complaint in the stuck list, with its reason, once the SLA passes', async (ctx) => {
    const probe = await stack.app.inject({ method: 'GET', url: '/api/manager/stuck' });
    if (probe.statusCode === 404) ctx.skip('GET /api/manager/stuck is not deployed yet');

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

    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByLabel('사번').fill(director.employeeNo);
    await page.getByLabel('비밀번호').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.waitForURL('**/inbox');
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
    await screenshot(page, 'manager-stuck');
    expect(await seriousViolations(page)).toEqual([]);

    // The reassign button leads to the complaint with the reassignment form.
    await row.getByRole('link', { name: '재지정' }).click();
    await page.getByTestId('complaint-details').waitFor();
    expect(await page.getByTestId('action-select').inputValue()).toBe('담당자 재지정');
    await context.close();
  });
});
