import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { aggregateYearEndSql } from '../../activities/performance.ts';
import { gradeYearEndResults } from '../../data/year-end-grading.ts';
import { loadYearConfig } from '../../data/year-config.ts';
import { DEFAULT_BASE_AMOUNT } from '../../domain/performance.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';
import {
  gradeYearEnd,
  personDataGate,
  type PersonMixInput,
  type TeamRole,
  type YearEndCandidate,
} from '../../domain/scoring.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';

/** The year-end SQL grades as domain/scoring.ts gradeYearEnd does, on the real database. */
let prisma: Db;
beforeAll(() => {
  prisma = createPrisma(inject('databaseUrl'), 2);
});
afterAll(async () => {
  await prisma?.$disconnect();
});

describe('year-end SQL: no data, no grade, and ties', () => {
  it('ranks only people above the data minimum, shares ranks on ties and agrees with gradeYearEnd', async () => {
    const year = 2041;
    await seedDatabase(prisma, { year, demoPassword: DEMO_PASSWORD });
    await prisma.leaderEvaluation.createMany({
      data: ['E1101', 'E1102', 'E1103', 'E1104'].map((subjectNo) => ({
        year,
        subjectNo,
        evaluatorNo: 'E1100',
        score: 80,
      })),
    });
    // Leader evaluation + system record + 360° is 51% of a member's weight: just above the minimum.
    const measured = ['E1101', 'E1102', 'E1103', 'E1104'];
    await prisma.performanceOutcome.createMany({
      data: measured.map((employeeNo, n) => ({
        outcomeKey: `fairness:${year}:${employeeNo}`,
        year,
        kind: 'complaint-closed',
        unitCode: 'T11',
        employeeNo,
        payload: { businessDaysTaken: 2 + n, slaMet: n % 2 === 0, satisfaction: 4 },
        occurredAt: new Date('2041-06-01T00:00:00Z'),
      })),
    });
    await prisma.capabilityResult.createMany({
      data: measured.map((subjectNo, n) => ({
        year,
        subjectNo,
        cycleId: `capability-${year}`,
        score: 70 + n,
        rule: 'BY_GROUP',
        parts: {},
        raterCount: 5,
      })),
    });
    const config = await loadYearConfig(prisma, year);
    await prisma.$transaction((tx) => aggregateYearEndSql(tx, year, config), { timeout: 120_000 });

    // Make a tie across a grade boundary among the ranked: everyone ranked in one group gets the same scores.
    const ranked = await prisma.yearEndPersonResult.findMany({ where: { year, dataSufficient: true } });
    expect(ranked.length).toBeGreaterThan(0);
    const group = ranked[0]!.payGrade;
    await prisma.yearEndPersonResult.updateMany({
      where: { year, payGrade: group, dataSufficient: true },
      data: { finalScore: 77.777, performanceResult: 70, capabilityResult: 60 },
    });
    await prisma.$transaction((tx) => gradeYearEndResults(tx, year, config), { timeout: 120_000 });

    const rows = await prisma.yearEndPersonResult.findMany({ where: { year } });
    const candidates: YearEndCandidate[] = rows
      .filter((row) => row.finalScore !== null)
      .map((row) => ({
        id: row.employeeNo,
        employeeNo: row.employeeNo,
        payGradeGroup: row.payGrade,
        teamRole: row.teamRole as TeamRole,
        inputs: {
          teamScore: row.teamScore,
          leaderEvaluation: row.leaderEvaluation,
          systemScore: row.systemScore,
          capabilityResult: row.capabilityResult,
        } satisfies Record<PersonMixInput, number | null>,
        finalScore: row.finalScore!,
        performanceResult: row.performanceResult ?? 0,
        capabilityResult: row.capabilityResult ?? 0,
        baseAmount: config.baseAmounts[row.payGrade] ?? DEFAULT_BASE_AMOUNT,
      }));
    const expected = gradeYearEnd(candidates, config.scoring);
    const expectedById = new Map(expected.assignments.map((a) => [a.id, a]));

    let unrankedCount = 0;
    for (const row of rows) {
      const gate = personDataGate(
        row.teamRole as TeamRole,
        {
          teamScore: row.teamScore,
          leaderEvaluation: row.leaderEvaluation,
          systemScore: row.systemScore,
          capabilityResult: row.capabilityResult,
        },
        config.scoring,
      );
      expect(row.dataSufficient, row.employeeNo).toBe(gate.sufficient && row.finalScore !== null);
      expect(row.measuredShare!, row.employeeNo).toBeCloseTo(gate.measuredShare, 9);
      const want = expectedById.get(row.employeeNo);
      if (!row.dataSufficient) {
        unrankedCount += 1;
        expect([row.rank, row.grade, row.payout], row.employeeNo).toEqual([null, null, null]);
        expect(want).toBeUndefined();
        continue;
      }
      expect([row.rank, row.grade, row.payout], row.employeeNo).toEqual([
        want!.rank,
        want!.grade,
        want!.payout,
      ]);
      const ranking = (row.why as { ranking: { decidedBy: string | null; quotaBent: boolean } }).ranking;
      expect(['EMPLOYEE_NO', 'ID']).not.toContain(ranking.decidedBy);
    }
    expect(unrankedCount).toBeGreaterThan(0);
    const tied = rows.filter((row) => row.payGrade === group && row.dataSufficient);
    expect(new Set(tied.map((row) => row.grade)).size).toBe(1);
    expect(new Set(tied.map((row) => row.rank))).toEqual(new Set([1]));
    if (tied.length > 1)
      expect(tied.every((row) => (row.why as { ranking: { quotaBent: boolean } }).ranking.quotaBent)).toBe(
        true,
      );

    const units = await prisma.yearEndUnitResult.findMany({ where: { year } });
    for (const unit of units) {
      if (unit.insufficientData) expect([unit.score, unit.light], unit.unitCode).toEqual([null, null]);
      else expect(unit.measuredKpiShare!, unit.unitCode).toBeGreaterThanOrEqual(50);
    }
  });
});
