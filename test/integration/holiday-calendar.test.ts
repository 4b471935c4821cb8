import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarChangeWorkflowId } from '../../domain/calendar-change.ts';
import { createBusinessCalendar, toKstDateString } from '../../domain/business-calendar.ts';
import { statutoryHolidays } from '../../platform/holiday-calendar.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login, type SessionHeaders } from '../support/session.ts';

/**
 * The calendar as data on the real stack (issue 13): holidays read from PostgreSQL, admins add and remove
 * them (audited), and an open complaint with real business-day timers is re-timed by its workflow: the
 * read model, the citizen's status page and the timeline show the new due time.
 */
let stack: Stack;
let admin: SessionHeaders;
let clerk: SessionHeaders;
const tag = Date.now().toString(36).slice(-5);

beforeAll(async () => {
  stack = await startStack();
  admin = await login(stack.app, 'E0002');
  clerk = await login(stack.app, 'E1101');
});
afterAll(async () => {
  await stack?.stop();
});

const holidaysOf = async (year: number) =>
  (await stack.app.inject({ method: 'GET', url: `/api/calendar/holidays?year=${year}` })).json() as Array<{
    date: string;
    name: string;
    source: string;
  }>;

describe('holiday calendar API', () => {
  it('lists a year’s holidays from the library and later years derived by rule', async () => {
    const y2026 = await holidaysOf(2026);
    expect(y2026).toContainEqual({ date: '2026-02-17', name: '설날', source: 'library' });
    expect(y2026).toContainEqual({ date: '2026-06-03', name: '전국동시지방선거', source: 'library' });
    const y2041 = await holidaysOf(2041);
    expect(y2041.map((h) => h.name)).toEqual(expect.arrayContaining(['설날', '추석', '부처님 오신 날']));
    expect(new Set(y2041.map((h) => h.source))).toEqual(new Set(['statutory-rules']));
    const bad = await stack.app.inject({ method: 'GET', url: '/api/calendar/holidays?year=twenty' });
    expect(bad.statusCode).toBe(422);
  });

  it('lets only an admin add a holiday, with a reason and a real date, once', async () => {
    const body = { date: '2031-11-14', name: `임시공휴일 ${tag}`, reason: '국무회의 의결 (test)' };
    const byClerk = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/holidays',
      headers: clerk,
      payload: body,
    });
    expect(byClerk.statusCode).toBe(403);
    const anonymous = await stack.app.inject({ method: 'POST', url: '/api/admin/holidays', payload: body });
    expect(anonymous.statusCode).toBe(401);
    const noDate = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/holidays',
      headers: admin,
      payload: { ...body, date: '2031-02-30' },
    });
    expect(noDate.statusCode).toBe(422);
    expect(noDate.json().error.message).toContain('date');
    const noReason = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/holidays',
      headers: admin,
      payload: { date: body.date, name: body.name },
    });
    expect(noReason.statusCode).toBe(422);

    const added = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/holidays',
      headers: admin,
      payload: body,
    });
    expect(added.statusCode).toBe(201);
    const again = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/holidays',
      headers: admin,
      payload: body,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().calendarVersion).toBe(added.json().calendarVersion);
    expect(await holidaysOf(2031)).toContainEqual({ date: body.date, name: body.name, source: 'admin' });

    const removed = await stack.app.inject({
      method: 'DELETE',
      url: `/api/admin/holidays/${body.date}?reason=${encodeURIComponent('지정 철회 (test)')}`,
      headers: admin,
    });
    expect(removed.statusCode).toBe(204);
    const removedAgain = await stack.app.inject({
      method: 'DELETE',
      url: `/api/admin/holidays/${body.date}?reason=again`,
      headers: admin,
    });
    expect(removedAgain.statusCode).toBe(204);
    expect((await holidaysOf(2031)).map((h) => h.date)).not.toContain(body.date);
    const never = await stack.app.inject({
      method: 'DELETE',
      url: '/api/admin/holidays/2031-11-13?reason=none',
      headers: admin,
    });
    expect(never.statusCode).toBe(404);

    const audit = await stack.prisma.auditLog.findMany({
      where: { subject: `holiday:${body.date}` },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ['holiday.add', 'E0002', body.reason],
      ['holiday.remove', 'E0002', '지정 철회 (test)'],
    ]);
  });
});

describe('re-timing open complaints when the calendar changes', () => {
  it('moves an open complaint’s due time by a business day when a holiday is added inside its period, and back when it is removed', async () => {
    const filed = (
      await stack.app.inject({
        method: 'POST',
        url: '/api/complaints',
        payload: {
          categoryCode: 'P-POLICY',
          title: `달력 재계산 ${tag}`,
          body: '공휴일이 추가되면 처리기한이 하루 늦춰지는지 확인합니다.',
          citizen: { name: '달력시민', email: 'calendar.citizen@example.com' },
        },
      })
    ).json();
    const citizenView = async () =>
      (
        await stack.app.inject({
          method: 'GET',
          url: `/api/complaints/${filed.receiptNo}`,
          headers: { 'x-access-code': filed.accessCode },
        })
      ).json();
    await waitFor(async () => (await citizenView()).handler);
    const row = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: filed.receiptNo } });
    const statutory = createBusinessCalendar(statutoryHolidays());
    expect(row.dueAt.toISOString()).toBe(statutory.computeDueAt(row.receivedAt, 14).toISOString());

    // A business day two days before the due date, so that only periods as long as this one reach it.
    const holiday = toKstDateString(statutory.addBusinessDays(row.dueAt, -2));
    const name = `임시공휴일 ${tag}`;
    const withHoliday = createBusinessCalendar([...statutoryHolidays(), { date: holiday, name }]);
    const expectedDueAt = withHoliday.computeDueAt(row.receivedAt, 14).toISOString();
    expect(expectedDueAt).toBe(statutory.addBusinessDays(row.dueAt, 1).toISOString());

    const added = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/holidays',
      headers: admin,
      payload: { date: holiday, name, reason: '재계산 시험 (test)' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().retimedComplaints).toBeGreaterThanOrEqual(1);
    try {
      await waitFor(async () => (await citizenView()).dueAt === expectedDueAt, 30_000);
      // A complaint filed after the change counts the new holiday from the start (intake's calendar
      // is read again when the calendar's version moves).
      const later = await fileNow('추가 후');
      expect(later.dueAt.toISOString()).toBe(withHoliday.computeDueAt(later.receivedAt, 14).toISOString());
      expect(later.dueAt.toISOString()).not.toBe(statutory.computeDueAt(later.receivedAt, 14).toISOString());
      // The signals came from a workflow of their own, not from the admin's request.
      const fanOut = stack.temporal.workflow.getHandle(
        calendarChangeWorkflowId(added.json().calendarVersion),
      );
      const result = await fanOut.result();
      expect(result.signalled).toBeGreaterThanOrEqual(1);
      expect((await fanOut.describe()).type).toBe('calendarChangeWorkflow');
      const moved = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: filed.receiptNo } });
      expect(moved.dueAt.toISOString()).toBe(expectedDueAt);
      const event = await stack.prisma.complaintEvent.findFirstOrThrow({
        where: { receiptNo: filed.receiptNo, type: 'calendar-changed' },
      });
      expect(event.detail).toMatchObject({
        calendarVersion: added.json().calendarVersion,
        previousDueAt: row.dueAt.toISOString(),
        dueAt: expectedDueAt,
      });
    } finally {
      const removed = await stack.app.inject({
        method: 'DELETE',
        url: `/api/admin/holidays/${holiday}?reason=${encodeURIComponent('시험 종료')}`,
        headers: admin,
      });
      expect(removed.statusCode).toBe(204);
    }
    await waitFor(async () => (await citizenView()).dueAt === row.dueAt.toISOString(), 30_000);
    // And a complaint filed now, after the removal, is timed without it again.
    const after = await fileNow('삭제 후');
    expect(after.dueAt.toISOString()).toBe(statutory.computeDueAt(after.receivedAt, 14).toISOString());
  });
});

/** A complaint filed through the API now, as stored: intake's due time comes from the calendar as it is. */
async function fileNow(label: string) {
  const response = await stack.app.inject({
    method: 'POST',
    url: '/api/complaints',
    payload: {
      categoryCode: 'P-POLICY',
      title: `달력 접수 ${label} ${tag}`,
      body: '접수 시점의 달력으로 처리기한을 정하는지 확인합니다.',
      citizen: { name: '달력시민', email: 'calendar.citizen@example.com' },
    },
  });
  expect(response.statusCode, response.body).toBe(202);
  return stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo: response.json().receiptNo } });
}
