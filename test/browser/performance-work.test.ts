import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { firstBusinessDay } from '../../domain/bsc-cycle.ts';
import { statutoryBusinessCalendar } from '../../platform/holiday-calendar.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { renderPdf } from '../support/pdf.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import type { Stack } from '../support/stack.ts';
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

/**
 * A year of this file's own (not SEED_YEAR, which other browser files share): its year end is finalised and
 * locked here, which must not lock the year the other files record complaints and tasks into.
 */
const YEAR = 2034;

let portal: PortalUnderTest;
let stack: Stack;

beforeAll(async () => {
  portal = await startPortal();
  stack = portal.stack;
  await seedDatabase(stack.prisma, { year: YEAR, demoPassword: DEMO_PASSWORD });
});
afterAll(async () => {
  await portal?.stop();
});

const newPage = () => portal.newPage();

const stageOf = (page: Page) => page.getByTestId('year-end-status').getAttribute('data-stage');

describe('performance work screens in real Chromium against the real stack', () => {
  it('a team leader saves a member evaluation and finds it again after a reload', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'E1100');
    await page.getByRole('link', { name: '구성원·다면 평가' }).click();
    await page.waitForURL('**/performance/evaluations');
    await page.goto(`/performance/evaluations?year=${YEAR}`);
    const card = page.getByTestId('member-E1101');
    await card.waitFor();
    expect(await card.getByTestId('current-evaluation').textContent()).toContain('아직 평가하지 않았습니다');
    await card.getByLabel('과제 달성도 점수').fill('88');
    await card.getByLabel('평가 의견').fill('민원 처리 기간 단축에 기여');
    await card.getByRole('button', { name: '평가 저장' }).click();
    await expect.poll(() => card.getByTestId('current-evaluation').textContent()).toContain('88');

    await page.reload();
    await card.waitFor();
    const current = (await card.getByTestId('current-evaluation').textContent()) ?? '';
    expect(current).toContain('88');
    expect(current).toContain('민원 처리 기간 단축에 기여');
    expect(await card.getByLabel('과제 달성도 점수').inputValue()).toBe('88');
    const stored = await stack.prisma.leaderEvaluation.findUnique({
      where: { year_subjectNo: { year: YEAR, subjectNo: 'E1101' } },
    });
    expect(stored).toMatchObject({ score: 88, evaluatorNo: 'E1100', comment: '민원 처리 기간 단축에 기여' });
    await screenshot(page, 'performance-evaluations');
    await context.close();
  });

  it('a KPI owner enters a manual value, the director approves it, the owner sees it approved', async () => {
    const owner = await newPage();
    await signIn(owner.page, 'E1100');
    await owner.page.goto(`/performance/kpi-entries?year=${YEAR}`);
    const kpi = owner.page.getByTestId('own-kpi-K-T11-EDU');
    await kpi.getByLabel('실적 값').fill('84');
    await kpi.getByLabel('근거·메모').fill('상반기 교육 이수율');
    await kpi.getByRole('button', { name: '실적 제출' }).click();
    const mine = owner.page.getByTestId('my-kpi-entries');
    await expect.poll(() => mine.textContent()).toContain('승인 대기');
    const entry = await stack.prisma.kpiManualEntry.findFirstOrThrow({
      where: { year: YEAR, kpiCode: 'K-T11-EDU', submittedBy: 'E1100' },
    });

    const director = await newPage();
    await signIn(director.page, 'E0100');
    await director.page.goto(`/performance/kpi-entries?year=${YEAR}`);
    const pending = director.page.getByTestId(`decide-entry-${entry.id}`);
    await pending.waitFor();
    expect(await pending.textContent()).toContain('E1100');
    await screenshot(director.page, 'performance-kpi-approval');
    await pending.getByLabel('승인', { exact: true }).check();
    await pending.getByRole('button', { name: '결정 제출' }).click();
    await expect.poll(() => pending.count()).toBe(0);

    await owner.page.reload();
    await expect.poll(() => owner.page.getByTestId(`my-entry-${entry.id}`).textContent()).toContain('승인');
    expect(await owner.page.getByTestId(`my-entry-${entry.id}`).textContent()).toContain('E0100');
    expect(
      (await stack.prisma.kpi.findUnique({ where: { year_code: { year: YEAR, code: 'K-T11-EDU' } } }))
        ?.actual,
    ).toBe(84);
    await owner.context.close();
    await director.context.close();
  });

  it('a KPI owner uploads a CSV: the preview names what is wrong in each row, then a corrected sheet is entered at once', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'E1100');
    await page.goto(`/performance/kpi-entries?year=${YEAR}`);
    const upload = page.getByTestId('kpi-upload');
    await upload.waitFor();
    const choose = (name: string, text: string) =>
      upload.locator('input[type="file"]').setInputFiles({
        name,
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFF${text}`, 'utf8'),
      });
    await choose(
      '실적-오류.csv',
      '지표코드,실적값,비고\r\nK-T11-KNOW,7,지식 공유 건수\r\nK-T12-EDU,열두,\r\n',
    );
    await upload.getByRole('button', { name: '미리보기' }).click();
    const bad = upload.getByTestId('upload-row-3');
    await bad.waitFor();
    const badText = (await bad.textContent()) ?? '';
    expect(badText).toContain('실적값 "열두"은 숫자가 아닙니다');
    expect(badText).toContain('지표 담당자(E1200)만 입력할 수 있습니다');
    expect(badText).not.toContain('Only the KPI owner');
    expect(await upload.getByTestId('kpi-upload-summary').textContent()).toBe('입력 가능 1행, 고칠 행 1행');
    expect(await upload.getByRole('button', { name: '모두 입력' }).isDisabled()).toBe(true);
    await screenshot(page, 'performance-kpi-upload-preview');

    await choose('실적.csv', '지표코드,실적값,비고\r\nK-T11-KNOW,7,지식 공유 건수\r\n');
    await upload.getByRole('button', { name: '미리보기' }).click();
    await expect.poll(() => upload.getByTestId('upload-row-2').textContent()).toContain('입력 가능');
    await upload.getByRole('button', { name: '모두 입력' }).click();
    await expect
      .poll(() => upload.getByTestId('kpi-upload-summary').textContent())
      .toBe('1행을 입력했습니다. 승인되면 반영됩니다.');
    const entry = await stack.prisma.kpiManualEntry.findFirstOrThrow({
      where: { year: YEAR, kpiCode: 'K-T11-KNOW', submittedBy: 'E1100' },
    });
    expect(entry).toMatchObject({ value: 7, status: 'PENDING', note: '지식 공유 건수' });
    await expect.poll(() => page.getByTestId(`my-entry-${entry.id}`).textContent()).toContain('승인 대기');
    await context.close();
  });

  it('the scorecard page offers units by name and labels its charts: KPI names, achievement axis, light thresholds', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'E0100');
    await page.goto('/performance');
    const unit = page.getByRole('combobox', { name: '조직' });
    await expect.poll(() => unit.inputValue()).toBe('민원서비스본부 (HQ1)');
    await unit.click();
    await page.getByRole('option', { name: '민원총괄팀 (T11)' }).click();
    await expect.poll(() => unit.inputValue()).toBe('민원총괄팀 (T11)');
    const chart = page.getByRole('figure', { name: 'KPI 달성률' });
    await chart.waitFor();
    const kpiName = (
      await stack.prisma.kpi.findFirstOrThrow({
        where: { year: new Date().getFullYear(), code: 'K-T11-EDU' },
      })
    ).nameKo;
    await expect.poll(() => chart.textContent()).toContain(kpiName);
    const labels = (await chart.textContent()) ?? '';
    for (const label of ['성과지표', '달성률 (%)', '정상 기준', '적색 기준']) expect(labels).toContain(label);
    expect(labels).not.toContain('K-T11');
    await screenshot(page, 'performance-scorecard-charts');

    // The monthly briefing of the unit on screen, as the director takes it to a meeting.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '월간 브리핑 (엑셀)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^briefing-\d{4}-T11\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      '성과표',
      '추이',
      '적색 지표',
      '중점관리',
    ]);
    expect(String(workbook.worksheets[0]!.getCell('A1').value)).toContain('민원총괄팀 (T11)');
    await context.close();
  });

  it('a team leader follows the monthly briefing mail to the archived month and downloads it as PDF', async () => {
    // The morning run of the first business day of April archives March's briefings and mails each head.
    const briefingDay = firstBusinessDay(statutoryBusinessCalendar(), { year: YEAR, month: 4 });
    const run = await stack.temporal.workflow.execute('bscCycleWorkflow', {
      workflowId: `bsc-cycle-browser-${Date.now()}`,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      args: [{ asOf: `${briefingDay}T08:00:00+09:00`, requestedBy: 'test' }],
    });
    expect(run.briefed).toContain('T11');
    const leader = await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: 'E1100' } });
    const mail = await stack.prisma.devMail.findFirstOrThrow({
      where: { to: { contains: leader.email }, subject: { contains: '월간 성과 브리핑' } },
    });
    expect(mail.subject).toContain(`민원총괄팀 ${YEAR}년 3월`);
    const link = /https?:\/\/\S+#briefings/.exec(mail.text)?.[0];
    expect(link).toBeDefined();

    const { context, page } = await newPage();
    await signIn(page, 'E1100');
    const url = new URL(link!);
    await page.goto(`${url.pathname}${url.hash}`);
    await expect
      .poll(() => page.getByRole('combobox', { name: '조직' }).inputValue())
      .toBe('민원총괄팀 (T11)');
    const archive = page.getByTestId('briefing-archive');
    const march = archive.locator('tr[data-month="3"]');
    await march.waitFor();
    expect(await march.textContent()).toContain(`${YEAR}년 3월`);
    // March had too few measured KPIs for a score: the row says so instead of showing dashes.
    expect(await march.textContent()).toContain('자료 부족');
    expect(await archive.textContent()).not.toContain('보관된 브리핑이 아직 없습니다');
    const [archived] = await Promise.all([
      page.waitForEvent('download'),
      march.getByRole('link', { name: 'PDF · 한국어' }).click(),
    ]);
    expect(archived.suggestedFilename()).toBe(`briefing-${YEAR}-03-T11.pdf`);
    const pdf = await renderPdf(await readFile(await archived.path()));
    expect(pdf.text.join('').replace(/\s+/g, '')).toContain(`월간성과브리핑·민원총괄팀(T11)·${YEAR}`);
    expect(pdf.firstPage.ink).toBeGreaterThan(5_000);

    // Made now, for the meeting this afternoon.
    const [now] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '월간 브리핑 (PDF)' }).click(),
    ]);
    expect(now.suggestedFilename()).toBe(`briefing-${YEAR}-T11.pdf`);
    await screenshot(page, 'performance-briefing-archive');
    await switchTo(page, 'en');
    await expect.poll(() => archive.textContent()).toContain('Past monthly briefings');
    expect(await march.textContent()).toContain(`3/${YEAR}`);
    await context.close();
  });

  it('an innovation goes propose → review → adopt → implement → score through the portal', async () => {
    const proposer = await newPage();
    await signIn(proposer.page, 'E1102');
    await proposer.page.goto(`/performance/innovations?year=${YEAR}`);
    const form = proposer.page.getByTestId('action-innovation-propose');
    await form.getByLabel('제목').fill('민원 자동 분류');
    await form.getByLabel('내용').fill('접수 민원을 유형별로 자동 분류합니다.');
    await form.getByRole('button', { name: '제안하기' }).click();
    const activity = await (async () => {
      for (let i = 0; i < 50; i += 1) {
        const row = await stack.prisma.innovationActivity.findFirst({
          where: { year: YEAR, proposerNo: 'E1102', title: '민원 자동 분류' },
        });
        if (row) return row;
        await proposer.page.waitForTimeout(200);
      }
      throw new Error('the proposal was not stored');
    })();
    const proposerCard = proposer.page.getByTestId(`innovation-${activity.id}`);
    await proposerCard.waitFor();
    // The proposer cannot review their own idea; the unit's head can.
    expect(await proposerCard.getByRole('button', { name: '검토' }).count()).toBe(0);

    const leader = await newPage();
    await signIn(leader.page, 'E1100');
    await leader.page.goto(`/performance/innovations?year=${YEAR}`);
    const card = leader.page.getByTestId(`innovation-${activity.id}`);
    const review = card.getByTestId(`action-innovation-${activity.id}-review`);
    await review.getByLabel('의견').fill('짧음');
    await review.getByRole('button', { name: '검토' }).click();
    expect(await fieldError(leader.page, review.getByLabel('의견'))).toMatch(/5/);
    await review.getByLabel('의견').fill('타당성 검토를 마쳤습니다');
    await review.getByRole('button', { name: '검토' }).click();
    await expect.poll(() => card.getAttribute('data-stage')).toBe('REVIEWED');
    await card.getByTestId(`action-innovation-${activity.id}-adopt`).getByRole('button').click();
    await expect.poll(() => card.getAttribute('data-stage')).toBe('ADOPTED');

    await proposer.page.reload();
    await proposerCard.getByTestId(`action-innovation-${activity.id}-implement`).getByRole('button').click();
    await expect.poll(() => proposerCard.getAttribute('data-stage')).toBe('IMPLEMENTED');

    await leader.page.reload();
    const score = card.getByTestId(`action-innovation-${activity.id}-score`);
    await score.getByLabel('평가 점수').fill('90');
    await score.getByRole('button', { name: '평가' }).click();
    await expect.poll(() => card.getAttribute('data-stage')).toBe('SCORED');
    expect(await card.textContent()).toContain('타당성 검토를 마쳤습니다');
    await screenshot(leader.page, 'performance-innovations');
    await proposer.context.close();
    await leader.context.close();
  });

  it('HR adjusts with a reason and submits, the head rejects with an opinion, HR resubmits, the head approves, results are final', async () => {
    const path = `/performance/year-end?year=${YEAR}`;
    // No data, no grade: E1102's pay-grade group gets a leader evaluation and a 360° result each, and this
    // year's data minimum is set to what those two inputs carry, so the group is ranked and has an S place.
    const e1102 = await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: 'E1102' } });
    const group = await stack.prisma.staff.findMany({
      where: { payGrade: e1102.payGrade, role: 'STAFF' },
      orderBy: { employeeNo: 'asc' },
    });
    await stack.prisma.leaderEvaluation.createMany({
      data: group.map((s, i) => ({
        year: YEAR,
        subjectNo: s.employeeNo,
        evaluatorNo: 'E1100',
        score: 60 + (i % 7) * 5,
      })),
      skipDuplicates: true,
    });
    await stack.prisma.capabilityResult.createMany({
      data: group.map((s, i) => ({
        year: YEAR,
        subjectNo: s.employeeNo,
        cycleId: `capability-${YEAR}`,
        score: 70 + (i % 5) * 4,
        rule: 'BY_GROUP',
        parts: {},
        raterCount: 5,
      })),
      skipDuplicates: true,
    });
    await stack.prisma.performanceYear.upsert({
      where: { year: YEAR },
      create: { year: YEAR, config: { scoring: { dataMinimum: { measuredSharePercent: 40 } } } },
      update: { config: { scoring: { dataMinimum: { measuredSharePercent: 40 } } } },
    });
    const hr = await newPage();
    await signIn(hr.page, 'E0003');
    await hr.page.getByRole('link', { name: '연말 평가·결재' }).click();
    await hr.page.waitForURL('**/performance/year-end');
    await hr.page.goto(path);
    await expect.poll(() => stageOf(hr.page)).toBe('OPEN');
    await hr.page.getByTestId('action-year-end-trigger').getByLabel('개시 사유').fill('연말 평가 개시');
    await hr.page.getByRole('button', { name: '연말 평가 개시' }).click();
    await expect.poll(() => stageOf(hr.page), { timeout: 90_000 }).toBe('HR_REVIEW');
    await hr.page.getByTestId('year-end-review').waitFor();

    // An adjustment needs a reason: the server's answer shows at the reason field.
    const row = hr.page.getByTestId('person-E1102');
    await row.getByRole('button').click();
    const adjust = hr.page.getByTestId('action-adjust-E1102');
    await adjust.getByLabel('새 최종 점수').fill('119');
    await adjust.getByLabel('조정 사유').fill('짧음');
    await adjust.getByRole('button', { name: '조정 저장' }).click();
    expect(await fieldError(hr.page, adjust.getByLabel('조정 사유'))).toMatch(/5/);
    await adjust.getByLabel('조정 사유').fill('감사원 표창 실적 반영');
    await adjust.getByRole('button', { name: '조정 저장' }).click();
    const adjustments = hr.page.getByTestId('year-end-adjustments');
    await expect.poll(() => adjustments.textContent()).toContain('감사원 표창 실적 반영');
    await expect.poll(() => row.getByTestId('final-score').textContent()).toContain('119');
    expect(await row.getByTestId('grade').textContent()).toBe('S');
    const hrSpec: PageSpec = {
      path,
      ko: '연말 성과 평가 · 결재',
      en: 'Year-end review and approval',
      name: 'year-end-hr-review',
    };
    expect(await accessibilityViolations(hr.page, hrSpec)).toEqual([]);

    await hr.page.getByTestId('action-year-end-submit').getByLabel('결재 요청 메모').fill('조정 1건 포함');
    await hr.page.getByRole('button', { name: '장관에게 결재 요청' }).click();
    await expect.poll(() => stageOf(hr.page)).toBe('HEAD_APPROVAL');

    const head = await newPage();
    await signIn(head.page, 'E0001');
    await head.page.goto(path);
    await expect.poll(() => stageOf(head.page)).toBe('HEAD_APPROVAL');
    const summary = head.page.getByTestId('head-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('S등급');
    const decision = head.page.getByTestId('action-year-end-decision');
    await decision.getByLabel('반려', { exact: true }).check();
    await decision.getByRole('button', { name: '결정 제출' }).click();
    expect(await fieldError(head.page, decision.getByLabel('결재 의견'))).toMatch(/opinion/);
    const headSpec: PageSpec = { ...hrSpec, name: 'year-end-head-approval', as: 'E0001' };
    expect(await accessibilityViolations(head.page, headSpec)).toEqual([]);
    await decision.getByLabel('반려', { exact: true }).check();
    await decision.getByLabel('결재 의견').fill('조정 사유의 근거 자료를 보완하세요');
    await decision.getByRole('button', { name: '결정 제출' }).click();
    await expect.poll(() => stageOf(head.page)).toBe('HR_REVIEW');

    await hr.page.reload();
    await expect.poll(() => stageOf(hr.page)).toBe('HR_REVIEW');
    await expect
      .poll(() => hr.page.getByTestId('head-opinion').textContent())
      .toContain('조정 사유의 근거 자료를 보완하세요');
    await screenshot(hr.page, 'year-end-rejected');
    await hr.page.getByTestId('action-year-end-submit').getByLabel('결재 요청 메모').fill('근거 자료 보완');
    await hr.page.getByRole('button', { name: '장관에게 결재 요청' }).click();
    await expect.poll(() => stageOf(hr.page)).toBe('HEAD_APPROVAL');

    await head.page.reload();
    await expect.poll(() => stageOf(head.page)).toBe('HEAD_APPROVAL');
    await decision.getByLabel('승인', { exact: true }).check();
    await decision.getByLabel('결재 의견').fill('승인합니다');
    await decision.getByRole('button', { name: '결정 제출' }).click();
    await expect.poll(() => stageOf(head.page), { timeout: 60_000 }).toBe('FINALISED');
    const locked = head.page.getByTestId('year-locked');
    await locked.waitFor();
    expect(await head.page.getByTestId('year-decisions').textContent()).toContain(
      '조정 사유의 근거 자료를 보완하세요',
    );
    await screenshot(head.page, 'year-end-finalised');

    await locked.getByRole('link', { name: '확정 결과 보기' }).click();
    await head.page.waitForURL(`**/performance/results?year=${YEAR}`);
    await head.page.getByTestId('results-person').waitFor();
    const results = head.page.getByTestId('adjustments');
    await expect.poll(() => results.textContent()).toContain('감사원 표창 실적 반영');
    expect(await results.textContent()).toContain('E1102');
    expect(await head.page.getByText('FINALISED').count()).toBeGreaterThan(0);
    await screenshot(head.page, 'year-end-results');
    expect((await stack.prisma.performanceYear.findUnique({ where: { year: YEAR } }))?.stage).toBe(
      'FINALISED',
    );
    await hr.context.close();
    await head.context.close();
  });

  const pages: PageSpec[] = [
    {
      path: '/performance/year-end',
      ko: '연말 성과 평가 · 결재',
      en: 'Year-end review and approval',
      name: 'year-end',
      as: 'E0003',
    },
    {
      path: `/performance/year-end?year=${YEAR}`,
      ko: '연말 성과 평가 · 결재',
      en: 'Year-end review and approval',
      name: 'year-end-finalised-hr',
      as: 'E0003',
    },
    {
      path: `/performance/evaluations?year=${YEAR}`,
      ko: '구성원 평가 · 다면 평가',
      en: 'Member and 360° evaluations',
      name: 'evaluations',
      as: 'E1100',
    },
    {
      path: `/performance/kpi-entries?year=${YEAR}`,
      ko: 'KPI 실적 입력 · 승인',
      en: 'KPI entry and approval',
      name: 'kpi-entries',
      as: 'E1100',
    },
    {
      path: `/performance/innovations?year=${YEAR}`,
      ko: '혁신 활동',
      en: 'Innovation activities',
      name: 'innovations',
      as: 'E1100',
    },
    {
      path: '/performance/kpi-entries',
      ko: 'KPI 실적 입력 · 승인',
      en: 'KPI entry and approval',
      name: 'kpi-entries-director',
      as: 'E0100',
    },
  ];

  it('fits each performance work page on a 390 px phone without sideways scrolling', async () => {
    const { context, page } = await newPage();
    await visitEach(page, pages, async (p, spec) => {
      // Signed in at desktop width (the sign-in helper waits for the header's name, hidden on phones).
      await p.setViewportSize({ width: 390, height: 844 });
      await p.goto(spec.path);
      await expect.poll(() => p.locator('h1').textContent(), { message: spec.path }).toBe(spec.ko);
      await p.waitForLoadState('networkidle').catch(() => undefined);
      const fits = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
      expect(fits, spec.path).toBe(true);
      await screenshot(p, `${spec.name}-phone`);
      await p.setViewportSize({ width: 1280, height: 900 });
    });
    await context.close();
  });

  it('switches each performance work page between Korean and English, and remembers the choice', async () => {
    const { context, page } = await newPage();
    await visitEach(page, pages, expectLanguageSwitch);
    await context.close();
  });

  it('has no serious or critical axe-core violations on the performance work pages, in either language', async () => {
    const { context, page } = await newPage();
    const found: Record<string, unknown> = {};
    await visitEach(page, pages, async (p, spec) => {
      const violations = await accessibilityViolations(p, spec);
      if (violations.length > 0) found[spec.path] = violations;
    });
    expect(found).toEqual({});
    await context.close();
  });
});
