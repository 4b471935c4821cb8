import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutcomeReportActivities } from '../../data/outcome-report.ts';
import { toKstDateString } from '../../domain/business-calendar.ts';
import type { ComplaintClosedOutcome } from '../../domain/performance-outcomes.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login } from '../support/session.ts';

/**
 * No hot fan-in (issue 13, item 3): a closing complaint records its own outcome, then only wakes the year's
 * performance workflow, which applies recorded outcomes in batches. An outcome that cannot be applied is
 * parked, listed for admins, and stops nothing behind it.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const year = Number(toKstDateString(new Date()).slice(0, 4));

describe('outcomes of closing cases', () => {
  it('parks a poisoned outcome, and complaints closing after it still close and are counted', async () => {
    const reporter = createOutcomeReportActivities({
      prisma: stack.prisma,
      temporal: stack.temporal,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    });
    const poisonKey = `complaint:POISON-${randomUUID()}`;
    // A payload the totals cannot sum (a business-day count that is not a number).
    const poisoned = {
      kind: 'complaint-closed',
      outcomeKey: poisonKey,
      year,
      occurredAt: new Date().toISOString(),
      unitCode: 'T11',
      receiptNo: 'MW-0000-0000000',
      categoryCode: 'G-STAFF',
      businessDaysTaken: 'not-a-number',
      slaMet: true,
      withdrawn: false,
    } as unknown as ComplaintClosedOutcome;
    await reporter.reportOutcome(poisoned);

    const filed = (
      await stack.app.inject({
        method: 'POST',
        url: '/api/complaints',
        payload: {
          categoryCode: 'G-STAFF',
          title: '독성 성과 뒤의 민원',
          body: '성과 집계가 막혀도 닫혀야 하는 민원입니다.',
          citizen: { name: '성시민', email: 'fan-in@example.com' },
        },
      })
    ).json();
    await waitFor(() =>
      stack.prisma.complaint.findFirst({ where: { receiptNo: filed.receiptNo, handlerId: { not: null } } }),
    );
    const unitBefore = await stack.prisma.performanceUnitFacts.findUnique({
      where: { year_unitCode: { year, unitCode: 'T11' } },
    });
    const withdrawn = await stack.app.inject({
      method: 'POST',
      url: `/api/complaints/${filed.receiptNo}/citizen/withdraw`,
      headers: { 'x-access-code': filed.accessCode },
      payload: { reason: '해결되었습니다' },
    });
    expect(withdrawn.statusCode).toBe(200);
    const result = await stack.temporal.workflow.getHandle(filed.receiptNo).result();
    expect(result.stage).toBe('withdrawn');

    // The complaint's own outcome row was written by the closing case and then applied to the totals...
    const applied = await waitFor(
      () =>
        stack.prisma.performanceOutcome.findFirst({
          where: { outcomeKey: `complaint:${filed.receiptNo}`, appliedAt: { not: null } },
        }),
      60_000,
    );
    expect(applied.parkedAt).toBeNull();
    const unitAfter = await stack.prisma.performanceUnitFacts.findUniqueOrThrow({
      where: { year_unitCode: { year, unitCode: 'T11' } },
    });
    expect(unitAfter.outcomes).toBeGreaterThanOrEqual((unitBefore?.outcomes ?? 0) + 1);

    // ...while the poisoned one is parked with its error and shown to admins.
    const parked = await stack.prisma.performanceOutcome.findUniqueOrThrow({
      where: { outcomeKey: poisonKey },
    });
    expect(parked.appliedAt).toBeNull();
    expect(parked.parkedAt).not.toBeNull();
    const admin = await login(stack.app, 'E0002');
    const listed = await stack.app.inject({
      method: 'GET',
      url: `/api/admin/performance/parked-outcomes?year=${year}`,
      headers: admin,
    });
    expect(listed.statusCode).toBe(200);
    const item = listed.json().items.find((i: { outcomeKey: string }) => i.outcomeKey === poisonKey);
    expect(item.error).toContain('not-a-number');
    const staff = await login(stack.app, result.handler!.employeeNo);
    expect(
      (
        await stack.app.inject({
          method: 'GET',
          url: '/api/admin/performance/parked-outcomes',
          headers: staff,
        })
      ).statusCode,
    ).toBe(403);
  }, 120_000);
});
