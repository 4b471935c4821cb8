import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Stack } from '../support/stack.ts';
import { login } from '../support/session.ts';
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

// Unique per run; the staff member goes to the HR team (T31), which receives no complaints, and the
// category is switched off at the end, so the other browser files see the seeded directory.
const suffix = String(Date.now()).slice(-6);
const employeeNo = `E8${suffix}`;
const categoryCode = `Q-WEB${suffix}`;
let receiptNo: string;

beforeAll(async () => {
  portal = await startPortal();
  stack = portal.stack;
  const filed = await stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: {
      categoryCode: 'Q-GENERAL',
      title: '이력 화면 확인용 민원',
      body: '관리자가 처리 과정을 시간 순서로 볼 수 있어야 합니다.',
      citizen: { name: '이력확인', email: 'history.citizen@example.com' },
    },
  });
  expect(filed.statusCode).toBe(202);
  receiptNo = filed.json().receiptNo;
  await waitFor(async () => {
    const row = await stack.prisma.complaint.findUnique({ where: { receiptNo } });
    return row?.handlerId ? row : undefined;
  }, 30_000);
});
afterAll(async () => {
  if (stack) {
    const admin = await login(stack.app, 'E0002');
    await stack.app.inject({
      method: 'PUT',
      url: `/api/admin/categories/${categoryCode}`,
      headers: admin,
      payload: { active: false, reason: 'browser test clean-up' },
    });
  }
  await portal?.stop();
});

const newPage: PortalUnderTest['newPage'] = (options) => portal.newPage(options);

describe('the admin screens in real Chromium', () => {
  it('creates a staff member through the users screen, with the server’s errors next to the fields, and lists them', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'E0002');
    await page.getByRole('link', { name: '사용자 관리' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('사용자 관리');
    await page.getByTestId('staff-row').first().waitFor();

    await page.getByRole('button', { name: '새 직원 등록' }).click();
    const form = page.getByTestId('staff-form');
    await form.getByLabel('사번').fill(employeeNo);
    await form.getByLabel('이름 (한국어)').fill('강시험');
    await form.getByLabel('이름 (영어)').fill('Kang Si-heom');
    await form.getByLabel('이메일').fill(`kang.${suffix}@example.go.kr`);
    await form.getByLabel('소속').selectOption('T31');
    await form.getByLabel('역할').selectOption('STAFF');
    await form.getByLabel('직급').fill('six');
    await form.getByLabel('초기 비밀번호').fill('browser-initial-1');
    await form.getByRole('button', { name: '등록' }).click();
    const grade = form.getByLabel('직급');
    expect(await fieldError(page, grade)).toContain('pattern');
    expect(await stack.prisma.staff.findUnique({ where: { employeeNo } })).toBeNull();
    await screenshot(page, 'admin-users-validation');

    await grade.fill('6급');
    await form.getByRole('button', { name: '등록' }).click();
    await form.getByRole('status').filter({ hasText: '등록되었습니다' }).waitFor();
    const stored = await stack.prisma.staff.findUniqueOrThrow({
      where: { employeeNo },
      include: { unit: true },
    });
    expect(stored).toMatchObject({ nameKo: '강시험', payGrade: '6급', role: 'STAFF', available: true });
    expect(stored.unit.code).toBe('T31');

    await page.getByTestId('staff-search').fill(employeeNo);
    const row = page.locator(`[data-testid="staff-row"][data-employee-no="${employeeNo}"]`);
    await row.waitFor();
    await expect.poll(() => page.getByTestId('staff-row').count()).toBe(1);
    expect(await row.textContent()).toContain('강시험');
    expect(await row.textContent()).toContain('인사팀');
    await screenshot(page, 'admin-users');

    // Marking the new person absent shows in the table at once.
    await row.getByRole('button', { name: '강시험 편집' }).click();
    const edit = page.getByTestId('staff-form');
    await edit.getByLabel('새 민원 배정 가능').uncheck();
    await edit.getByLabel('변경 사유').fill('장기 교육');
    await edit.getByRole('button', { name: '저장' }).click();
    await edit.getByRole('status').filter({ hasText: '저장되었습니다' }).waitFor();
    await expect.poll(() => row.textContent()).toContain('배정 제외');
    expect((await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo } })).available).toBe(false);
    await context.close();
  });

  it('creates a complaint category through the categories screen and lists it', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'E0002');
    await page.goto('/admin/categories');
    await page.getByTestId('category-row').first().waitFor();
    await page.getByRole('button', { name: '새 분야 등록' }).click();
    const form = page.getByTestId('category-form');
    await form.getByLabel('분야 코드').fill(categoryCode);
    await form.getByLabel('이름 (한국어)').fill('전자정부 서비스 문의');
    await form.getByLabel('이름 (영어)').fill('E-government service inquiry');
    await form.getByLabel('민원 종류').selectOption('QUESTION');
    await form.getByLabel('담당 팀').selectOption('T33');
    const period = form.getByLabel('처리기간 (근무일)');
    await period.fill('15');
    await form.getByRole('button', { name: '등록' }).click();
    // A question may take at most 14 business days: the server says so next to the field.
    expect(await fieldError(page, period)).toContain('1 to 14');

    await period.fill('7');
    await form.getByRole('button', { name: '등록' }).click();
    await form.getByRole('status').filter({ hasText: '등록되었습니다' }).waitFor();
    const row = page.locator(`[data-testid="category-row"][data-code="${categoryCode}"]`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('전자정부 서비스 문의');
    expect(text).toContain('정보화팀');
    expect(text).toContain('7');
    const listed = (await stack.app.inject({ method: 'GET', url: '/api/categories' })).json();
    expect(listed.find((c: { code: string }) => c.code === categoryCode)).toMatchObject({
      team: 'T33',
      slaDays: 7,
    });
    await screenshot(page, 'admin-categories');
    await context.close();
  });

  it('opens a complaint’s workflow history from the complaint page as a timeline in Korea time, with a CSV download', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'E0002');
    await page.goto(`/complaints/${receiptNo}`);
    await page.getByTestId('workflow-history-link').click();
    await page.waitForURL(`**/admin/workflows/${receiptNo}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('워크플로 이력');
    // Decisions first (who, when, what, why); the engine's events one click away, filterable by kind.
    const decisions = page.getByTestId('decisions');
    await decisions.waitFor();
    expect(await decisions.locator('[data-action="complaint.assigned"]').textContent()).toContain(
      '자동 배정',
    );
    expect(await page.getByTestId('workflow-timeline').count()).toBe(0);
    await page.getByTestId('toggle-engine').click();
    const timeline = page.getByTestId('workflow-timeline');
    await timeline.waitFor();
    const started = timeline.locator('[data-testid="history-entry"][data-kind="workflow.started"]');
    expect(await started.textContent()).toContain('워크플로 시작');
    const assigned = timeline
      .locator('[data-testid="history-entry"][data-kind="activity.completed"]')
      .filter({ hasText: 'assignHandler' });
    expect(await assigned.count()).toBe(1);
    expect(await assigned.textContent()).toContain('작업 완료');

    // Times show in Korea time although this browser runs in Europe/Berlin.
    const time = started.locator('time');
    const iso = (await time.getAttribute('datetime'))!;
    const inKorea = await page.evaluate(
      (at) =>
        new Intl.DateTimeFormat('ko-KR', {
          timeZone: 'Asia/Seoul',
          dateStyle: 'medium',
          timeStyle: 'short',
        }).format(new Date(at)),
      iso,
    );
    expect(await time.textContent()).toBe(inKorea);

    const csvHref = await page.getByTestId('history-csv').getAttribute('href');
    expect(csvHref).toBe(`/api/admin/workflows/${receiptNo}/history?format=csv&lang=ko`);
    const csv = await page.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const body = await csv.text();
    // A Korean page exports Korean headers and words.
    expect(body.replace(/^\uFEFF/, '').split('\r\n')[0]).toContain('이벤트 번호');
    expect(body).toContain('워크플로 시작');
    expect(body).not.toContain('workflow.started');
    await screenshot(page, 'admin-workflow-history');

    // The lookup form on /admin leads to the same page, typed or picked from the list by receipt number.
    await page.goto('/admin');
    await page.getByTestId('workflow-lookup').getByLabel('워크플로 ID').fill(receiptNo);
    await page.getByRole('button', { name: '이력 보기' }).click();
    await page.waitForURL(`**/admin/workflows/${receiptNo}`);
    await page.getByTestId('decisions').waitFor();
    await page.goto('/admin');
    await page.getByTestId('workflow-lookup').getByLabel('워크플로 ID').fill(receiptNo.slice(0, 12));
    await page.getByRole('option', { name: new RegExp(receiptNo) }).click();
    await page.waitForURL(`**/admin/workflows/${receiptNo}`);
    await page.getByTestId('decisions').waitFor();
    await context.close();
  });

  it('draws the organisation tree and fits a phone without sideways scrolling', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'E0002');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/admin/organisation');
    const tree = page.getByTestId('org-tree');
    await tree.locator('[data-code="T11"]').waitFor();
    // Teams sit inside their headquarters' branch of the tree.
    expect(await tree.locator('[data-code="HQ1"] [data-code="T11"]').count()).toBe(1);
    expect(await tree.locator('[data-code="MIN"] [data-code="HQ3"] [data-code="T31"]').count()).toBe(1);
    await tree.getByRole('button', { name: '민원총괄팀 편집' }).click();
    const form = page.getByTestId('unit-form');
    expect(await form.getByLabel('상위 조직').inputValue()).toBe('HQ1');
    for (const path of ['/admin/organisation', '/admin/users', '/admin/categories']) {
      await page.goto(path);
      await page.locator('h1').waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
        path,
      ).toBe(true);
    }
    await screenshot(page, 'admin-users-phone');
    await context.close();
  });

  const adminPages = (): PageSpec[] => [
    {
      path: '/admin/organisation',
      ko: '조직 관리',
      en: 'Organisation',
      name: 'admin-organisation',
      as: 'E0002',
    },
    { path: '/admin/users', ko: '사용자 관리', en: 'Users', name: 'admin-users-page', as: 'E0002' },
    {
      path: '/admin/categories',
      ko: '민원 분야 관리',
      en: 'Complaint categories',
      name: 'admin-categories-page',
      as: 'E0002',
    },
    {
      path: `/admin/workflows/${receiptNo}`,
      ko: '워크플로 이력',
      en: 'Workflow history',
      name: 'admin-workflow-history-page',
      as: 'E0002',
    },
  ];

  it('switches the admin pages between Korean and English', async () => {
    const { context, page } = await newPage();
    await visitEach(page, adminPages(), expectLanguageSwitch);
    await context.close();
  });

  it('has no serious or critical axe-core violations on the admin pages, in either language', async () => {
    const { context, page } = await newPage();
    const found: Record<string, unknown> = {};
    await visitEach(page, adminPages(), async (p, spec) => {
      const violations = await accessibilityViolations(p, spec);
      if (violations.length > 0) found[spec.path] = violations;
    });
    expect(found).toEqual({});
    await context.close();
  });
});
