import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createMailActivities } from '../../data/mail-outbox.ts';
import { createPerformanceActivities } from '../../activities/performance.ts';
import {
  FACT_NAMES,
  OUTCOME_FACT_COLUMNS,
  UNIT_TREE_CTE,
  kpiActualSql,
} from '../../activities/performance-sql.ts';
import type { PerformanceOutcome } from '../../domain/performance-outcomes.ts';
import { createMailer } from '../../platform/mailer.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';

/**
 * Running KPI totals: recordOutcomes adds each newly recorded outcome to its unit's totals in the same
 * statement (duplicates add nothing), and recomputeKpis derives live KPIs from those totals instead of
 * rescanning the year's outcomes. Checked against a full rescan on the real database.
 */
const YEAR = 2041;
const UNITS = ['T11', 'T12', 'T21', 'HQ1'] as const;

let prisma: Db;
let activities: ReturnType<typeof createPerformanceActivities>;
beforeAll(async () => {
  prisma = createPrisma(inject('databaseUrl'), 4);
  await seedDatabase(prisma, { year: YEAR, demoPassword: DEMO_PASSWORD });
  // Recording and recomputing send no mail; the mail activity is the real one, only never called here.
  const mail = createMailActivities({
    prisma,
    mailer: createMailer('smtp://127.0.0.1:2525'),
    from: 'portal@example.com',
    publicUrl: 'http://localhost',
  });
  activities = createPerformanceActivities({ prisma, sendNotification: mail.sendNotification });
}, 120_000);
afterAll(async () => {
  await prisma?.$disconnect();
});

const whole = (min: number, max: number) => fc.integer({ min, max });
function outcomesOf(count: number, seed: number): PerformanceOutcome[] {
  const base = (n: number, unitCode: string) => ({
    outcomeKey: `totals:${seed}:${n}`,
    year: YEAR,
    occurredAt: '2041-05-01T00:00:00.000Z',
    unitCode,
    employeeNo: 'E1101',
  });
  const outcome = fc
    .tuple(
      fc.constantFrom(...UNITS),
      fc.nat({ max: 3 }),
      whole(0, 30),
      whole(0, 100),
      whole(0, 100),
      whole(0, 100),
    )
    .chain(([unitCode, kind, days, a, b, c]) =>
      fc.tuple(fc.boolean(), fc.option(whole(1, 5), { nil: undefined })).map(([flag, satisfaction]) => ({
        unitCode,
        kind,
        days,
        a,
        b,
        c,
        flag,
        satisfaction,
      })),
    );
  return fc.sample(outcome, { numRuns: count, seed }).map((o, n): PerformanceOutcome => {
    const common = base(n, o.unitCode);
    switch (o.kind) {
      case 0:
        return {
          ...common,
          kind: 'complaint-closed',
          receiptNo: `MW-${YEAR}-${n}`,
          categoryCode: 'G-STAFF',
          businessDaysTaken: o.days,
          slaMet: o.flag,
          ...(o.satisfaction === undefined ? {} : { satisfaction: o.satisfaction }),
          withdrawn: o.days === 0,
        };
      case 1:
        return {
          ...common,
          kind: 'task-done',
          taskId: `T-${n}`,
          goalAchievement: o.a,
          timeliness: o.b,
          quality: o.c,
        };
      case 2:
        return { ...common, kind: 'innovation-scored', activityId: `INV-${n}`, score: o.a };
      default:
        return {
          ...common,
          kind: 'evaluation-submitted',
          evaluationType: 'leader',
          subjectEmployeeNo: 'E1101',
          score: o.a,
        };
    }
  });
}

async function rescannedFacts() {
  const rows = await prisma.$queryRawUnsafe<Record<string, number | string | null>[]>(
    `SELECT o."unitCode" AS unit_code, count(*)::float8 AS outcomes, ${OUTCOME_FACT_COLUMNS}
     FROM "PerformanceOutcome" o WHERE o.year = $1 GROUP BY 1 ORDER BY 1`,
    YEAR,
  );
  return new Map(rows.map((row) => [row.unit_code as string, row]));
}

async function runningTotals() {
  const rows = await prisma.$queryRawUnsafe<Record<string, number | string>[]>(
    `SELECT "unitCode" AS unit_code, outcomes, ${FACT_NAMES.map((f) => `"${f}"`).join(', ')}
     FROM "PerformanceUnitFacts" WHERE year = $1 ORDER BY 1`,
    YEAR,
  );
  return new Map(rows.map((row) => [row.unit_code as string, row]));
}

/** What recomputeKpis used to compute: every automatic KPI from a full rescan of the year's outcomes. */
async function kpisByRescan() {
  return prisma.$queryRawUnsafe<{ code: string; actual: number | null }[]>(
    `WITH RECURSIVE ${UNIT_TREE_CTE},
     facts AS (
       SELECT t.ancestor_id AS unit_id, ${OUTCOME_FACT_COLUMNS}
       FROM "PerformanceOutcome" o JOIN "OrgUnit" ou ON ou.code = o."unitCode" JOIN tree t ON t.unit_id = ou.id
       WHERE o.year = $1 GROUP BY t.ancestor_id
     )
     SELECT k.code, ${kpiActualSql(false)} AS actual
     FROM "Kpi" k JOIN "StrategicObjective" so ON so.id = k."objectiveId"
     LEFT JOIN facts f ON f.unit_id = so."unitId"
     WHERE k.year = $1 AND k.source <> 'MANUAL' ORDER BY k.code`,
    YEAR,
  );
}

describe('running KPI totals', () => {
  const all = outcomesOf(600, 41);

  it('count every outcome exactly once, however often and however concurrently it is recorded', async () => {
    let inserted = 0;
    for (let start = 0; start < all.length; start += 100) {
      const fresh = all.slice(start, start + 100);
      const repeats = all.slice(Math.max(0, start - 30), start); // a retried batch overlaps the last one
      const result = await activities.recordOutcomes({ outcomes: [...repeats, ...fresh] });
      inserted += result.inserted;
    }
    expect(inserted).toBe(all.length);
    // Two deliveries of the same new batch at once (an activity retried while the first try still runs).
    const racing = outcomesOf(80, 4141);
    const [first, second] = await Promise.all([
      activities.recordOutcomes({ outcomes: racing }),
      activities.recordOutcomes({ outcomes: racing }),
    ]);
    expect(first.inserted + second.inserted).toBe(racing.length);
    expect((await activities.recordOutcomes({ outcomes: [...all, ...racing] })).inserted).toBe(0);

    const expected = await rescannedFacts();
    const totals = await runningTotals();
    expect([...totals.keys()]).toEqual([...expected.keys()]);
    for (const [unit, row] of expected) {
      const total = totals.get(unit)!;
      expect(total.outcomes, unit).toBe(row.outcomes);
      for (const fact of FACT_NAMES)
        expect(total[fact], `${unit} ${fact}`).toBeCloseTo(Number(row[fact] ?? 0), 6);
    }
  });

  it('live KPIs from the totals equal a full rescan, and no longer need the outcome rows', async () => {
    const { kpis } = await activities.recomputeKpis({ year: YEAR, unitCodes: [...UNITS] });
    expect(kpis.length).toBeGreaterThan(10);
    const rescan = await kpisByRescan();
    const stored = await prisma.kpi.findMany({
      where: { year: YEAR, source: { not: 'MANUAL' } },
      orderBy: { code: 'asc' },
    });
    const touched = new Set(kpis.map((k) => k.kpiCode));
    let compared = 0;
    for (const { code, actual } of rescan) {
      if (!touched.has(code)) continue;
      const row = stored.find((k) => k.code === code)!;
      if (actual === null) expect(row.actual, code).toBeNull();
      else expect(row.actual, code).toBeCloseTo(actual, 9);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(10);
    // A hand check: the team's processing days are the mean over its closed, not withdrawn complaints.
    const closed = [...all, ...outcomesOf(80, 4141)].filter(
      (o) => o.kind === 'complaint-closed' && o.unitCode === 'T11' && !o.withdrawn,
    ) as Extract<PerformanceOutcome, { kind: 'complaint-closed' }>[];
    const days = stored.find((k) => k.code === 'K-T11-DAYS')!.actual!;
    expect(days).toBeCloseTo(closed.reduce((sum, o) => sum + o.businessDaysTaken, 0) / closed.length, 9);

    // The recomputation reads the totals: without the outcome rows it still answers the same.
    const before = stored.map((k) => [k.code, k.actual]);
    await prisma.performanceOutcome.deleteMany({ where: { year: YEAR } });
    await prisma.kpi.updateMany({ where: { year: YEAR, source: { not: 'MANUAL' } }, data: { actual: null } });
    await activities.recomputeKpis({ year: YEAR, unitCodes: [...UNITS] });
    const after = await prisma.kpi.findMany({
      where: { year: YEAR, source: { not: 'MANUAL' } },
      orderBy: { code: 'asc' },
    });
    expect(after.map((k) => [k.code, k.actual])).toEqual(before);
  });
});
