import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BSC_CYCLE_SCHEDULE_ID,
  closingDay,
  firstBusinessDay,
  KPI_REMINDER_LEAD_BUSINESS_DAYS,
  type BscCycleResult,
} from '../../domain/bsc-cycle.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { statutoryBusinessCalendar } from '../../platform/holiday-calendar.ts';
import { ensureBscCycleSchedule } from '../../worker/schedules.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';
import { renderPdf } from '../support/pdf.ts';
import { login } from '../support/session.ts';
import { setKpiStanding } from '../support/kpi.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * The BSC month on the real worker (issue 14, item 6): the morning run reminds owners of manual KPIs before
 * the month closes and on its closing day, and on the first business day archives every unit's briefing of
 * the month before and mails its head. Each day's run can repeat without a second mail or file.
 */
const YEAR = 2045;
const MONTH = 3;
const calendar = statutoryBusinessCalendar();
const closesOn = closingDay(calendar, { year: YEAR, month: MONTH });
const leadDay = calendar.toKstDateString(
  calendar.addBusinessDays(new Date(`${closesOn}T12:00:00+09:00`), -KPI_REMINDER_LEAD_BUSINESS_DAYS),
);
const briefingDay = firstBusinessDay(calendar, { year: YEAR, month: MONTH + 1 });

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  await seedDatabase(stack.prisma, { year: YEAR, demoPassword: DEMO_PASSWORD });
});
afterAll(async () => {
  await stack?.stop();
});

let runs = 0;
async function runDay(date: string): Promise<BscCycleResult> {
  runs += 1;
  return stack.temporal.workflow.execute('bscCycleWorkflow', {
    workflowId: `bsc-cycle-test-${date}-${runs}-${Date.now()}`,
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    args: [{ asOf: `${date}T08:00:00+09:00`, requestedBy: 'test' }],
  });
}
const mailsTo = (email: string, subject: string) =>
  stack.prisma.devMail.findMany({ where: { to: { contains: email }, subject: { contains: subject } } });

describe('the BSC month', () => {
  it('reminds each owner of manual KPIs still missing this month, on the lead day and on the closing day, once each', async () => {
    const manual = await stack.prisma.kpi.findMany({
      where: { year: YEAR, source: 'MANUAL', ownerNo: { not: null } },
      orderBy: { code: 'asc' },
    });
    expect(manual.length).toBeGreaterThan(2);
    // One KPI measured this month and one entered (pending approval): neither is owed.
    const [measured, entered] = [manual[0]!, manual[1]!];
    await stack.prisma.kpiMeasurement.create({
      data: { kpiId: measured.id, at: new Date(`${YEAR}-03-10T10:00:00+09:00`), value: 1 },
    });
    await stack.prisma.kpiManualEntry.create({
      data: {
        kpiCode: entered.code,
        year: YEAR,
        value: 2,
        submittedBy: entered.ownerNo!,
        submittedAt: new Date(`${YEAR}-03-11T10:00:00+09:00`),
      },
    });
    const owed = manual.filter((kpi) => kpi !== measured && kpi !== entered);
    const owners = new Set(owed.map((kpi) => kpi.ownerNo!));

    const quiet = await runDay(`${YEAR}-03-16`);
    expect(quiet).toEqual({ plan: { date: `${YEAR}-03-16` }, reminded: 0, briefed: [] });

    const lead = await runDay(leadDay);
    expect(lead.plan.reminder).toEqual({ year: YEAR, month: MONTH, closesOn, round: 'lead' });
    expect(lead.reminded).toBe(owners.size);
    const owner = await stack.prisma.staff.findUniqueOrThrow({ where: { employeeNo: owed[0]!.ownerNo! } });
    const [mail, ...others] = await mailsTo(owner.email, '실적 입력 마감 안내');
    expect(others).toHaveLength(0);
    const theirs = owed.filter((kpi) => kpi.ownerNo === owner.employeeNo);
    for (const kpi of theirs) expect(mail!.text).toContain(`- ${kpi.nameKo} (${kpi.code})`);
    expect(mail!.text).toContain('18:00에 마감됩니다');
    expect(mail!.text).toContain(`${stack.config.PUBLIC_URL}/performance/kpi-entries`);
    expect(mail!.text).not.toContain(measured.code);
    expect(mail!.text).not.toContain(entered.code);

    // The same morning run again (a retry, an admin re-run) mails nobody twice.
    const before = await stack.prisma.devMail.count();
    await runDay(leadDay);
    expect(await stack.prisma.devMail.count()).toBe(before);

    const closing = await runDay(closesOn);
    expect(closing.plan.reminder?.round).toBe('closing-day');
    expect(await mailsTo(owner.email, '오늘 18:00 마감')).toHaveLength(1);
  }, 60_000);

  it('archives every unit’s briefing on the first business day and mails each head a link to it, once', async () => {
    const director = await login(stack.app, 'E0100', DEMO_PASSWORD);
    const kpi = await setKpiStanding(
      stack.prisma,
      { year: YEAR, code: 'K-T11-EDU' },
      { actual: 40, achievement: 50, light: 'RED' },
    );
    const units = await stack.prisma.orgUnit.findMany({
      where: { objectives: { some: { year: YEAR } } },
      orderBy: { code: 'asc' },
    });

    const result = await runDay(briefingDay);
    expect(result.plan.briefing).toEqual({ year: YEAR, month: MONTH });
    expect(result.briefed).toEqual(units.map((unit) => unit.code));
    expect(await stack.prisma.bscBriefing.count({ where: { year: YEAR, month: MONTH } })).toBe(
      units.length * 4,
    );

    const leader = await stack.prisma.staff.findFirstOrThrow({
      where: { role: 'TEAM_LEADER', unit: { code: 'T11' } },
    });
    const [mail, ...others] = await mailsTo(
      leader.email,
      `[월간 성과 브리핑] 민원총괄팀 ${YEAR}년 ${MONTH}월`,
    );
    expect(others).toHaveLength(0);
    expect(mail!.text).toContain('적색 지표: 1건');
    expect(mail!.text).toContain('1인당 상시학습 시간 (K-T11-EDU) 달성률 50.0%');
    expect(mail!.text).toContain(`${stack.config.PUBLIC_URL}/performance/${YEAR}/scorecards/T11#briefings`);

    const list = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11/archive`,
      headers: director,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([
      expect.objectContaining({
        month: MONTH,
        redKpis: 1,
        files: expect.arrayContaining([
          { format: 'pdf', lang: 'ko' },
          { format: 'pdf', lang: 'en' },
          { format: 'xlsx', lang: 'ko' },
          { format: 'xlsx', lang: 'en' },
        ]),
      }),
    ]);
    // The archived file keeps the month's figures: a later change of the KPI does not rewrite it.
    await stack.prisma.kpi.update({
      where: { id: kpi.id },
      data: { actual: 80, achievement: 100, light: 'GREEN' },
    });
    const archived = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11/archive/${MONTH}`,
      headers: director,
    });
    expect(archived.statusCode).toBe(200);
    expect(archived.headers['content-type']).toBe('application/pdf');
    expect(archived.headers['content-disposition']).toContain(`briefing-${YEAR}-03-T11.pdf`);
    const pdf = await renderPdf(archived.rawPayload);
    expect(pdf.text.join('').replace(/\s+/g, '')).toContain('월간성과브리핑·민원총괄팀(T11)');
    expect(pdf.firstPage.red).toBeGreaterThan(500);
    const missing = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11/archive/${MONTH + 1}`,
      headers: director,
    });
    expect(missing.statusCode).toBe(404);
    const citizen = await stack.app.inject({
      url: `/api/performance/${YEAR}/briefings/T11/archive/${MONTH}`,
    });
    expect(citizen.statusCode).toBe(401);

    const before = await stack.prisma.devMail.count();
    await runDay(briefingDay);
    expect(await stack.prisma.devMail.count()).toBe(before);
    expect(await stack.prisma.bscBriefing.count({ where: { year: YEAR, month: MONTH } })).toBe(
      units.length * 4,
    );
  }, 120_000);

  it('runs every morning at 08:00 Korea time as a Temporal Schedule', async () => {
    await ensureBscCycleSchedule(stack.temporal, { taskQueue: 'elsewhere' });
    await ensureBscCycleSchedule(stack.temporal, { taskQueue: stack.config.TEMPORAL_TASK_QUEUE });
    const handle = stack.temporal.schedule.getHandle(BSC_CYCLE_SCHEDULE_ID);
    try {
      const description = await handle.describe();
      expect(description.spec.calendars?.[0]).toMatchObject({
        hour: [{ start: 8, end: 8, step: 1 }],
        minute: [{ start: 0, end: 0, step: 1 }],
      });
      expect(description.spec.timezone).toBe('Asia/Seoul');
      expect(description.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'bscCycleWorkflow',
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        args: [{ requestedBy: 'schedule' }],
      });
    } finally {
      await handle.delete();
    }
  });
});
