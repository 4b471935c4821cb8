import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor, type Stack } from '../support/stack.ts';
import { login } from '../support/session.ts';
import { screenshot } from './support/browser.ts';
import {
  accessibilityViolations,
  expectLanguageSwitch,
  fieldError,
  signIn,
  startPortal,
  switchTo,
  visitEach,
  type PageSpec,
  type PortalUnderTest,
} from './support/portal.ts';

const STAFF = 'E1101';
const LEADER = 'E1100';
const DIRECTOR = 'E0100';

let portal: PortalUnderTest;
let stack: Stack;
const contexts: BrowserContext[] = [];
const pages = new Map<string, Page>();

beforeAll(async () => {
  portal = await startPortal();
  stack = portal.stack;
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await portal?.stop();
});

/** One signed-in browser context per person, kept for the whole file. */
async function as(employeeNo: string): Promise<Page> {
  const existing = pages.get(employeeNo);
  if (existing) return existing;
  const { context, page } = await portal.newPage();
  contexts.push(context);
  await signIn(page, employeeNo);
  pages.set(employeeNo, page);
  return page;
}

const stageOf = (page: Page) => page.getByTestId('task-overview').getAttribute('data-stage');

async function openTask(page: Page, id: string) {
  await page.goto(`/tasks/${id}`);
  await page.getByTestId('task-overview').waitFor();
}

/** Picks an action on the task page and returns its form. */
async function chooseAction(page: Page, label: string) {
  const select = page.getByTestId('task-action-select');
  await select.waitFor({ timeout: 30_000 });
  if ((await select.inputValue()) !== label) {
    await select.click();
    await page.getByRole('option', { name: label, exact: true }).click();
  }
  expect(await select.inputValue()).toBe(label);
  return page.locator('form[data-testid^="action-task-"]');
}

async function expectStage(page: Page, stage: string) {
  await expect
    .poll(() => stageOf(page), { timeout: 30_000, message: `task stage should become ${stage}` })
    .toBe(stage);
}

const koreaTime = (page: Page, iso: string) =>
  page.evaluate(
    (at) =>
      new Intl.DateTimeFormat('ko-KR', {
        timeZone: 'Asia/Seoul',
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(new Date(at)),
    iso,
  );

const opinions = {
  submit: '1차 계획입니다. 검토 부탁드립니다.',
  returned: '성과 지표를 측정 가능한 수치로 바꿔 주세요.',
  resubmit: '성과 지표를 처리기간 단축률로 보완했습니다.',
  leaderApprove: '보완된 계획에 동의합니다.',
  directorApprove: '계획대로 추진하십시오.',
  focus: '본부 핵심 현안이라 주간 점검이 필요함',
};

describe('policy tasks in the portal, in real Chromium against the real stack', () => {
  let taskId = '';
  let stuckTaskId = '';

  it('staff creates a task through the form, the leader returns it with an opinion, staff resubmits, leader and director approve, and the trail shows every opinion', async () => {
    const staff = await as(STAFF);
    await staff.getByRole('link', { name: '정책과제' }).click();
    await staff.waitForURL('**/tasks');
    await staff.getByRole('link', { name: '새 과제 등록' }).click();
    await staff.waitForURL('**/tasks/new');
    await expect.poll(() => staff.locator('h1').textContent()).toBe('새 정책과제 등록');

    // A title of one character: the server's validation message appears next to the title field.
    const form = staff.getByTestId('action-task-create');
    await form.getByLabel('과제명').fill('x');
    await form.getByLabel('추진 목적').fill('민원 처리기간을 단축해 국민 만족도를 높인다');
    await form.getByLabel('성과 지표 (선택)').fill('평균 처리기간(일)');
    await form.getByLabel('중간목표 1 제목').fill('현황 조사 및 문제 분석');
    await form.getByLabel('중간목표 2 제목').fill('개선안 시행 및 효과 측정');
    await form.getByRole('button', { name: '초안 저장' }).click();
    const title = form.getByLabel('과제명');
    expect(await fieldError(staff, title)).toMatch(/2/);
    expect(staff.url()).toContain('/tasks/new');

    // Weights that do not add up to 100 are caught next to the milestone list before anything is sent.
    await form.getByLabel('중간목표 2 비중(%)').fill('50');
    await form.getByRole('button', { name: '초안 저장' }).click();
    await form.getByText('비중의 합이 100이어야 합니다 (지금 90).').waitFor();
    await form.getByLabel('중간목표 2 비중(%)').fill('60');

    await title.fill('민원 처리기간 단축 과제');
    // Once corrected, the old message no longer shows next to the field.
    expect(await title.getAttribute('aria-invalid')).not.toBe('true');
    await screenshot(staff, 'task-new');
    await form.getByRole('button', { name: '초안 저장' }).click();
    await staff.waitForURL(/\/tasks\/PT-\d{4}-\d{4,}$/, { timeout: 30_000 });
    taskId = staff.url().split('/').pop()!;
    await expectStage(staff, 'draft');
    const stored = await stack.prisma.policyTask.findUniqueOrThrow({
      where: { id: taskId },
      include: { milestones: { orderBy: { seq: 'asc' } }, owner: true },
    });
    expect(stored.owner.employeeNo).toBe(STAFF);
    expect(stored.title).toBe('민원 처리기간 단축 과제');
    expect(stored.milestones.map((m) => [m.title, m.weight])).toEqual([
      ['현황 조사 및 문제 분석', 40],
      ['개선안 시행 및 효과 측정', 60],
    ]);
    // The picked day's 18:00 in Korea, although this browser runs in Europe/Berlin.
    for (const m of stored.milestones) expect(m.dueAt.toISOString()).toMatch(/T09:00:00\.000Z$/);

    let submit = await chooseAction(staff, '검토 요청(계획 제출)');
    await submit.getByLabel('검토 요청 메모 (선택)').fill(opinions.submit);
    await submit.getByRole('button', { name: '검토 요청(계획 제출)' }).click();
    await expectStage(staff, 'plan_review');
    expect(await staff.getByTestId('task-pending').textContent()).toContain('팀장 검토');

    const leader = await as(LEADER);
    // The leader's inbox names the step and the stage in words, not by their codes.
    await leader.goto('/inbox');
    const pending = leader.locator(`[data-testid="inbox-item"][data-id="${taskId}"]`);
    await pending.waitFor({ timeout: 30_000 });
    expect(await pending.textContent()).toContain('팀장 검토');
    expect(await pending.textContent()).not.toMatch(/leader-review|plan_review/);
    await openTask(leader, taskId);
    let review = await chooseAction(leader, '계획 검토(승인/반려)');
    await review.getByRole('radio', { name: '반려(보완 요청)' }).check();
    await review.getByLabel('검토 의견').fill(opinions.returned);
    await review.getByRole('button', { name: '계획 검토(승인/반려)' }).click();
    await expectStage(leader, 'draft');

    // Back with the owner: the page refreshes itself, and a returned plan may be revised on resubmission.
    await expectStage(staff, 'draft');
    expect(await staff.getByTestId('task-pending').textContent()).toContain('계획 보완 후 재제출');
    submit = await chooseAction(staff, '검토 요청(계획 제출)');
    expect(await submit.getByLabel('중간목표 1 제목').inputValue()).toBe('현황 조사 및 문제 분석');
    await submit.getByLabel('검토 요청 메모 (선택)').fill(opinions.resubmit);
    await submit.getByRole('button', { name: '검토 요청(계획 제출)' }).click();
    await expectStage(staff, 'plan_review');

    // This time the leader answers from the review queue.
    await leader.goto('/reviews');
    const queued = leader.locator(`[data-testid="review-item"][data-id="${taskId}"]`);
    await queued.waitFor({ timeout: 30_000 });
    await queued.getByLabel('검토 의견').fill(opinions.leaderApprove);
    await queued.getByRole('button', { name: '실행' }).click();
    await queued.waitFor({ state: 'detached', timeout: 30_000 });
    await openTask(leader, taskId);
    await expect
      .poll(() => leader.getByTestId('task-pending').textContent(), { timeout: 30_000 })
      .toContain('본부장 검토');

    const director = await as(DIRECTOR);
    await openTask(director, taskId);
    review = await chooseAction(director, '계획 검토(승인/반려)');
    await review.getByLabel('검토 의견').fill(opinions.directorApprove);
    await review.getByRole('button', { name: '계획 검토(승인/반려)' }).click();
    await expectStage(director, 'execution');

    const rows = director.getByTestId('trail-row');
    await expect.poll(() => rows.count()).toBe(5);
    const decisions = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-decision')));
    expect(decisions).toEqual(['submit', 'return', 'submit', 'approve', 'approve']);
    const trail = (await director.getByTestId('trail-table').innerText()).replace(/\s+/g, ' ');
    for (const opinion of Object.values(opinions).slice(0, 5)) expect(trail).toContain(opinion);
    expect(trail).toContain('윤상철 (E1100) · 팀장');
    expect(trail).toContain('정성민 (E0100) · 본부장');
    expect(trail).toContain('반려');

    // The CSV export behind the link carries the same opinions.
    const csvHref = await director.getByTestId('trail-csv').getAttribute('href');
    const csv = await director.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    const csvText = await csv.text();
    for (const opinion of Object.values(opinions).slice(0, 5)) expect(csvText).toContain(opinion);
    await screenshot(director, 'task-trail');
  });

  it('the director designates the task for focus management with a reason; the badge and the weekly report due date show, and the owner reports progress', async () => {
    expect(taskId).not.toBe('');
    const director = await as(DIRECTOR);
    await openTask(director, taskId);
    expect(await director.getByTestId('focus-badge').count()).toBe(0);
    const designate = await chooseAction(director, '중점관리 지정');
    await designate.getByRole('button', { name: '중점관리 지정' }).click();
    // A designation without a reason is refused next to the reason field.
    await expect.poll(() => designate.getByLabel('지정 사유').getAttribute('aria-invalid')).toBe('true');
    await designate.getByText('필수 입력입니다.').waitFor();
    await designate.getByLabel('지정 사유').fill(opinions.focus);
    await designate.getByRole('button', { name: '중점관리 지정' }).click();
    await director.getByTestId('focus-badge').first().waitFor({ timeout: 30_000 });

    const focused = await stack.prisma.policyTask.findUniqueOrThrow({ where: { id: taskId } });
    expect(focused.focus).toBe(true);
    const reportDue = focused.focusReportDueAt!;
    expect(reportDue.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    await expect
      .poll(() => director.getByTestId('focus-report-due').textContent())
      .toBe(await koreaTime(director, reportDue.toISOString()));
    expect(await director.getByTestId('trail-table').innerText()).toContain(opinions.focus);
    // The director can now release it instead.
    await director.getByTestId('task-action-select').click();
    await director.getByRole('option', { name: '중점관리 해제', exact: true }).waitFor();
    await director.keyboard.press('Escape');
    await screenshot(director, 'task-focus');

    const staff = await as(STAFF);
    await staff.goto('/tasks');
    const row = staff.locator(`[data-testid="task-item"][data-id="${taskId}"]`);
    await expect.poll(() => row.getAttribute('data-focus'), { timeout: 30_000 }).toBe('true');
    // The filter lives in the address (a navigation), so its box turns checked a moment after the click.
    const focusFilter = staff.getByLabel('중점관리 과제만');
    await focusFilter.click();
    await expect.poll(() => focusFilter.isChecked()).toBe(true);
    expect(staff.url()).toContain('focus=true');
    await expect.poll(() => staff.getByTestId('task-item').count()).toBeGreaterThan(0);
    const onlyFocus = await staff
      .getByTestId('task-item')
      .evaluateAll((trs) => trs.every((tr) => tr.getAttribute('data-focus') === 'true'));
    expect(onlyFocus).toBe(true);
    await screenshot(staff, 'task-list');

    await row.getByRole('link', { name: taskId }).click();
    await staff.getByTestId('focus-panel').waitFor();
    expect(await staff.getByTestId('task-pending').textContent()).toContain('중점관리 주간 보고');
    const report = await chooseAction(staff, '진행 보고');
    await report.getByLabel('보고 내용').fill('현황 조사를 마치고 개선안 초안을 작성했습니다.');
    await report.getByLabel('진척도(%)').fill('35');
    await report.getByRole('button', { name: '진행 보고' }).click();
    const reportRow = staff.getByTestId('report').first();
    await reportRow.waitFor({ timeout: 30_000 });
    expect(await reportRow.innerText()).toContain('현황 조사를 마치고 개선안 초안을 작성했습니다.');
    expect(await reportRow.innerText()).toContain('35%');
    const reported = await waitFor(async () => {
      const row = await stack.prisma.policyTask.findUniqueOrThrow({ where: { id: taskId } });
      return row.progress === 35 ? row : undefined;
    });
    // A report restarts the weekly clock.
    expect(reported.focusReportDueAt!.getTime()).toBeGreaterThan(reportDue.getTime());
    await expect
      .poll(() => staff.getByTestId('focus-report-due').textContent(), { timeout: 30_000 })
      .toBe(await koreaTime(staff, reported.focusReportDueAt!.toISOString()));
  });

  it('the owner changes the plan, completes the milestones and reports completion; the leader reviews quality and the director gives final approval', async () => {
    expect(taskId).not.toBe('');
    const staff = await as(STAFF);
    const leader = await as(LEADER);
    const director = await as(DIRECTOR);

    await openTask(staff, taskId);
    const change = await chooseAction(staff, '계획 변경');
    await change.getByLabel('사유').fill('효과 측정 범위를 넓힙니다');
    await change.getByLabel('중간목표 2 제목').fill('개선안 시행 및 전 부서 효과 측정');
    await change.getByRole('button', { name: '계획 변경' }).click();
    await expectStage(staff, 'change_review');
    for (const [reviewer, next] of [
      [leader, '본부장 검토'],
      [director, '중점관리 주간 보고'],
    ] as const) {
      await openTask(reviewer, taskId);
      const review = await chooseAction(reviewer, '계획 검토(승인/반려)');
      await review.getByLabel('검토 의견').fill('변경에 동의합니다');
      await review.getByRole('button', { name: '계획 검토(승인/반려)' }).click();
      await expect
        .poll(() => reviewer.getByTestId('task-pending').textContent(), { timeout: 30_000 })
        .toContain(next);
    }
    await expectStage(staff, 'execution');
    await expect
      .poll(() => staff.getByTestId('milestone-table').innerText(), { timeout: 30_000 })
      .toContain('개선안 시행 및 전 부서 효과 측정');

    for (const seq of [1, 2]) {
      const complete = await chooseAction(staff, '중간목표 완료');
      await complete.getByRole('radio', { name: new RegExp(`^${seq}\\. `) }).check();
      await complete.getByLabel('완료 근거').fill(`중간목표 ${seq} 결과 보고서`);
      await complete.getByRole('button', { name: '중간목표 완료' }).click();
      await expect
        .poll(() => staff.locator('[data-testid="milestone"][data-done="true"]').count(), { timeout: 30_000 })
        .toBe(seq);
    }
    const completion = await chooseAction(staff, '완료 보고');
    await completion.getByLabel('완료 보고 요약').fill('평균 처리기간을 9.3일에서 2.3일로 줄였습니다.');
    await completion.getByRole('button', { name: '완료 보고' }).click();
    await expectStage(staff, 'quality_review');

    await openTask(leader, taskId);
    const quality = await chooseAction(leader, '품질 검토');
    await quality.getByLabel('품질 점수(0–100)').fill('92');
    await quality.getByLabel('검토 의견').fill('근거 자료가 충실합니다');
    await quality.getByRole('button', { name: '품질 검토' }).click();
    await expectStage(leader, 'final_approval');

    await openTask(director, taskId);
    const final = await chooseAction(director, '최종 승인');
    await final.getByLabel('최종 의견 (선택)').fill('수고 많았습니다');
    await final.getByRole('button', { name: '최종 승인' }).click();
    await expectStage(director, 'done');
    const trail = await director.getByTestId('trail-table').innerText();
    for (const text of ['근거 자료가 충실합니다', '수고 많았습니다', '변경에 동의합니다', opinions.returned])
      expect(trail).toContain(text);
    expect(await director.getByTestId('task-actions').count()).toBe(0);
    await screenshot(director, 'task-done');
  });

  it('a director puts an overdue task under focus management straight from the stuck list', async () => {
    const DAY = 24 * 3600_000;
    const headers = {
      staff: await login(stack.app, STAFF),
      leader: await login(stack.app, LEADER),
      director: await login(stack.app, DIRECTOR),
    };
    const created = await stack.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: headers.staff,
      payload: {
        title: '기한이 곧 지나는 과제',
        purpose: '정체 목록에서 중점관리로 지정되는지 확인한다',
        milestones: [
          {
            title: '곧 기한이 지나는 중간목표',
            dueAt: new Date(Date.now() + 20_000).toISOString(),
            weight: 50,
          },
          { title: '나중 중간목표', dueAt: new Date(Date.now() + 60 * DAY).toISOString(), weight: 50 },
        ],
      },
    });
    expect(created.statusCode).toBe(202);
    stuckTaskId = created.json().id;
    await waitFor(async () => {
      const task = await stack.app.inject({ url: `/api/tasks/${stuckTaskId}`, headers: headers.staff });
      return task.json().timeline.length > 0;
    });
    const act = async (who: keyof typeof headers, action: string, payload: Record<string, unknown>) => {
      const response = await stack.app.inject({
        method: 'POST',
        url: `/api/tasks/${stuckTaskId}/actions/${action}`,
        headers: headers[who],
        payload,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    await act('staff', 'submit', {});
    await act('leader', 'review', { decision: 'approve', opinion: '승인' });
    expect((await act('director', 'review', { decision: 'approve', opinion: '승인' })).stage).toBe(
      'execution',
    );

    const director = await as(DIRECTOR);
    await director.goto('/manager/stuck');
    const row = director.locator(`[data-testid="stuck-item"][data-id="${stuckTaskId}"]`);
    await row.waitFor({ timeout: 90_000 });
    expect(await row.innerText()).toContain('중간목표 1 기한 경과');
    await row.getByRole('button', { name: '중점관리 지정' }).click();
    const dialog = director.getByRole('dialog');
    await dialog.getByLabel('지정 사유').fill('중간목표 기한 경과, 주간 점검');
    await screenshot(director, 'stuck-designate-focus');
    await dialog.getByRole('button', { name: '중점관리 지정' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await row.getByTestId('focus-badge').waitFor({ timeout: 30_000 });
    expect(await row.getByRole('button', { name: '중점관리 지정' }).count()).toBe(0);
    const stored = await stack.prisma.policyTask.findUniqueOrThrow({ where: { id: stuckTaskId } });
    expect(stored.focus).toBe(true);

    // The row links to the task page, where the focus panel shows.
    await row.getByRole('link', { name: stuckTaskId }).click();
    await director.getByTestId('focus-panel').waitFor();
  });

  it('proposes a task to its director for focus management when its linked KPI turns red, in Korean and English', async () => {
    const year = Number(new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 4));
    const kpi = await stack.prisma.kpi.findFirstOrThrow({ where: { year }, orderBy: { code: 'desc' } });
    const headers = {
      staff: await login(stack.app, STAFF),
      leader: await login(stack.app, LEADER),
      director: await login(stack.app, DIRECTOR),
    };
    const DAY = 24 * 3600_000;
    const created = await stack.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: headers.staff,
      payload: {
        title: '적색 지표 연계 과제',
        purpose: '지표가 적색이 되면 중점관리로 제안되는지 확인한다',
        kpiCode: kpi.code,
        milestones: [
          { title: '개선안 시행', dueAt: new Date(Date.now() + 40 * DAY).toISOString(), weight: 100 },
        ],
      },
    });
    expect(created.statusCode).toBe(202);
    const id = created.json().id as string;
    await waitFor(
      async () =>
        (await stack.app.inject({ url: `/api/tasks/${id}`, headers: headers.staff })).json().timeline.length >
        0,
    );
    for (const [who, action, payload] of [
      ['staff', 'submit', {}],
      ['leader', 'review', { decision: 'approve', opinion: '승인' }],
      ['director', 'review', { decision: 'approve', opinion: '승인' }],
    ] as const) {
      const response = await stack.app.inject({
        method: 'POST',
        url: `/api/tasks/${id}/actions/${action}`,
        headers: headers[who],
        payload,
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const before = kpi.light;
    await stack.prisma.kpi.update({ where: { id: kpi.id }, data: { light: 'RED' } });
    try {
      const director = await as(DIRECTOR);
      await director.goto('/manager/stuck');
      const row = director.locator(`[data-testid="stuck-item"][data-id="${id}"]`);
      await row.waitFor({ timeout: 30_000 });
      const korean = await row.getByTestId('stuck-reason').innerText();
      expect(korean).toContain(`연계 성과지표 ${kpi.nameKo} 적색`);
      expect(korean).toContain('중점관리 지정 제안');
      expect(korean).toMatch(/\d{4}\. ?\d{1,2}\. ?\d{1,2}\./);
      await screenshot(director, 'stuck-kpi-red-proposal');
      // Another headquarters' director is not proposed this team's task.
      const other = await as('E0200');
      await other.goto('/manager/stuck');
      await other.getByRole('heading', { name: '지연·정체 업무' }).waitFor();
      expect(await other.locator(`[data-testid="stuck-item"][data-id="${id}"]`).count()).toBe(0);

      await switchTo(director, 'en');
      const englishReason = director
        .locator(`[data-testid="stuck-item"][data-id="${id}"]`)
        .getByTestId('stuck-reason');
      await expect.poll(() => englishReason.innerText()).toContain(`Linked KPI ${kpi.nameEn} is red`);
      expect(await englishReason.innerText()).not.toContain('적색');
      await switchTo(director, 'ko');
    } finally {
      await stack.prisma.kpi.update({ where: { id: kpi.id }, data: { light: before } });
    }
  });

  it('switches language and has no serious accessibility violations on the task pages, and fits a phone', async () => {
    const detailId = stuckTaskId || taskId;
    const specs: PageSpec[] = [
      { path: '/tasks', ko: '정책과제', en: 'Policy tasks', name: 'tasks', as: STAFF },
      { path: '/tasks/new', ko: '새 정책과제 등록', en: 'New policy task', name: 'task-new', as: STAFF },
      {
        path: `/tasks/${detailId}`,
        ko: '정책과제 상세',
        en: 'Policy task details',
        name: 'task-detail',
        as: DIRECTOR,
      },
      {
        path: '/manager/stuck',
        ko: '지연·정체 업무',
        en: 'Stuck and overdue work',
        name: 'stuck-tasks',
        as: DIRECTOR,
      },
    ];
    const { context, page } = await portal.newPage();
    contexts.push(context);
    await visitEach(page, specs, expectLanguageSwitch);
    const violations: unknown[] = [];
    await visitEach(page, specs, async (p, spec) => {
      violations.push(...(await accessibilityViolations(p, spec)).map((v) => ({ page: spec.path, ...v })));
    });
    expect(violations).toEqual([]);

    const phone = await portal.newPage({ viewport: { width: 390, height: 844 } });
    contexts.push(phone.context);
    // The header's "signed in as" folds away on a phone, so the phone reuses the director's session.
    await phone.context.addCookies(await (await as(DIRECTOR)).context().cookies());
    for (const path of ['/tasks', '/tasks/new', `/tasks/${detailId}`]) {
      await phone.page.goto(path);
      await phone.page.locator('h1').waitFor();
      await phone.page.waitForLoadState('networkidle').catch(() => undefined);
      expect(
        await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
        path,
      ).toBe(true);
    }
    await screenshot(phone.page, 'task-detail-phone');
  });
});
