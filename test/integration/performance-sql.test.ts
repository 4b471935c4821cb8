import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { aggregateYearEndSql } from '../../activities/performance.ts';
import { loadYearConfig } from '../../data/year-config.ts';
import { achievementSql, personMixCtes, weightedMeanSql } from '../../activities/performance-sql.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';
import {
  MISSING_INPUT_RULE,
  defaultScoringConfig,
  kpiAchievement,
  personMix,
  resolveScoringConfig,
  weightedAverage,
  type KpiDirection,
  type PersonMixInput,
  type TeamRole,
} from '../../domain/scoring.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD } from '../support/constants.ts';

/** The year-end SQL restates domain/scoring.ts formulas; on the real database they must agree. */
let prisma: Db;
beforeAll(() => {
  prisma = createPrisma(inject('databaseUrl'), 2);
});
afterAll(async () => {
  await prisma?.$disconnect();
});

/** Two-decimal values: business figures, without subnormal doubles that PostgreSQL rejects as underflow. */
const finite = (min: number, max: number) =>
  fc.integer({ min: min * 100, max: max * 100 }).map((n) => n / 100);

describe('year-end SQL formulas agree with the scoring module', () => {
  it('KPI achievement: both directions, the cap, zero and negative targets', async () => {
    const cases = fc.sample(
      fc.record({
        direction: fc.constantFrom<KpiDirection>('HIGHER_IS_BETTER', 'LOWER_IS_BETTER'),
        target: fc.oneof(fc.constant(0), finite(-10, 500)),
        actual: fc.oneof(fc.constant(0), finite(-10, 1000)),
        cap: fc.constantFrom(100, 120, 150),
      }),
      300,
    );
    const rows = await prisma.$queryRawUnsafe<{ i: number; achievement: number | null }[]>(
      `SELECT i, ${achievementSql('cap')} AS achievement
       FROM jsonb_to_recordset($1::jsonb) AS c(i int, direction text, target float8, actual float8, cap float8)
       ORDER BY i`,
      JSON.stringify(cases.map((c, i) => ({ i, ...c }))),
    );
    for (const [i, c] of cases.entries()) {
      expect(rows[i]!.achievement).toBeCloseTo(kpiAchievement(c, c.cap), 9);
    }
  });

  it('weighted means leave out missing parts and non-positive weights, null when nothing counts', async () => {
    const part = fc.record({
      score: fc.option(finite(0, 120), { nil: null }),
      weight: fc.oneof(fc.constant(0), finite(-5, 100)),
    });
    const cases = fc.sample(fc.tuple(part, part, part), 300);
    const sql = weightedMeanSql([
      ['s1', 'w1'],
      ['s2', 'w2'],
      ['s3', 'w3'],
    ]);
    const rows = await prisma.$queryRawUnsafe<{ i: number; mean: number | null }[]>(
      `SELECT i, ${sql} AS mean FROM jsonb_to_recordset($1::jsonb)
         AS c(i int, s1 float8, w1 float8, s2 float8, w2 float8, s3 float8, w3 float8) ORDER BY i`,
      JSON.stringify(
        cases.map(([a, b, c], i) => ({
          i,
          s1: a.score,
          w1: a.weight,
          s2: b.score,
          w2: b.weight,
          s3: c.score,
          w3: c.weight,
        })),
      ),
    );
    for (const [i, parts] of cases.entries()) {
      const expected = weightedAverage(parts);
      if (expected === null) expect(rows[i]!.mean).toBeNull();
      else expect(rows[i]!.mean).toBeCloseTo(expected, 9);
    }
  });
});

describe('one rule for a missing input, in SQL and in the scoring module', () => {
  const maybe = fc.option(finite(0, 120), { nil: null });

  it('personMixCtes and personMix agree on every result and on which inputs were missing', async () => {
    const configs = [
      defaultScoringConfig,
      resolveScoringConfig({
        individualMix: { leaderEvaluation: 100, systemScore: 0 },
        performanceMix: { LEADER: { team: 80, individual: 20 } },
        finalMix: { performance: 60, capability: 40 },
      }),
    ];
    for (const scoring of configs) {
      const cases = fc.sample(
        fc.record({
          role: fc.constantFrom<TeamRole>('LEADER', 'MEMBER'),
          teamScore: maybe,
          leaderEvaluation: maybe,
          systemScore: maybe,
          capabilityResult: maybe,
        }),
        300,
      );
      const rows = await prisma.$queryRawUnsafe<
        {
          i: number;
          individual_score: number | null;
          performance_result: number | null;
          final_score: number | null;
          missing: string[];
        }[]
      >(
        `WITH cases AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(i int, team_role text, team_score float8,
             leader_evaluation float8, system_score float8, capability_result float8)
         ),
         ${personMixCtes(scoring, 'cases')}
         SELECT i, individual_score, performance_result, final_score, missing FROM with_final ORDER BY i`,
        JSON.stringify(
          cases.map((c, i) => ({
            i,
            team_role: c.role,
            team_score: c.teamScore,
            leader_evaluation: c.leaderEvaluation,
            system_score: c.systemScore,
            capability_result: c.capabilityResult,
          })),
        ),
      );
      const close = (actual: number | null, expected: number | null) => {
        if (expected === null) expect(actual).toBeNull();
        else expect(actual).toBeCloseTo(expected, 9);
      };
      for (const [i, c] of cases.entries()) {
        const expected = personMix(c.role, c, scoring);
        const row = rows[i]!;
        close(row.individual_score, expected.individualScore);
        close(row.performance_result, expected.performanceResult);
        close(row.final_score, expected.finalScore);
        expect(row.missing).toEqual(expected.missing);
      }
    }
  });

  it('the year-end aggregation stores the results personMix computes, with "why.missing" and the rule', async () => {
    const year = 2039;
    await seedDatabase(prisma, { year, demoPassword: DEMO_PASSWORD });
    const at = new Date('2039-06-01T00:00:00Z');
    await prisma.performanceOutcome.createMany({
      data: [1, 2, 3].map((n) => ({
        outcomeKey: `missing-rule:${year}:${n}`,
        year,
        kind: 'complaint-closed',
        unitCode: 'T11',
        employeeNo: 'E1101',
        payload: { businessDaysTaken: n, slaMet: n < 3, satisfaction: 3 + n / 2 },
        occurredAt: at,
      })),
    });
    await prisma.leaderEvaluation.createMany({
      data: [
        { year, subjectNo: 'E1101', evaluatorNo: 'E1100', score: 80 },
        { year, subjectNo: 'E1102', evaluatorNo: 'E1100', score: 70 },
      ],
    });
    await prisma.capabilityResult.createMany({
      data: [
        {
          year,
          subjectNo: 'E1101',
          cycleId: `capability-${year}`,
          score: 85,
          rule: 'BY_GROUP',
          parts: {},
          raterCount: 5,
        },
        {
          year,
          subjectNo: 'E1100',
          cycleId: `capability-${year}`,
          score: 90,
          rule: 'BY_GROUP',
          parts: {},
          raterCount: 5,
        },
      ],
    });
    const config = await loadYearConfig(prisma, year);
    await prisma.$transaction((tx) => aggregateYearEndSql(tx, year, config), { timeout: 120_000 });

    const results = await prisma.yearEndPersonResult.findMany({ where: { year } });
    expect(results.length).toBeGreaterThan(30);
    for (const row of results) {
      const inputs: Record<PersonMixInput, number | null> = {
        teamScore: row.teamScore,
        leaderEvaluation: row.leaderEvaluation,
        systemScore: row.systemScore,
        capabilityResult: row.capabilityResult,
      };
      const expected = personMix(row.teamRole as TeamRole, inputs, config.scoring);
      const why = row.why as { missing: string[]; missingRule: string };
      expect(why.missing, row.employeeNo).toEqual(expected.missing);
      expect(why.missingRule).toBe(MISSING_INPUT_RULE);
      for (const [stored, computed] of [
        [row.individualScore, expected.individualScore],
        [row.performanceResult, expected.performanceResult],
        [row.computedFinalScore, expected.finalScore],
      ] as const) {
        if (computed === null) expect(stored, row.employeeNo).toBeNull();
        else expect(stored, row.employeeNo).toBeCloseTo(computed, 9);
      }
    }
    const byNo = new Map(results.map((row) => [row.employeeNo, row]));
    // Every input present: nothing missing, the plain 70/30 mixes.
    const full = byNo.get('E1101')!;
    expect((full.why as { missing: string[] }).missing).toEqual([]);
    expect(full.finalScore).toBeCloseTo(
      0.7 * (0.7 * full.teamScore! + 0.3 * (0.5 * 80 + 0.5 * full.systemScore!)) + 0.3 * 85,
      9,
    );
    // No system score and no 360° result: both named, their weight re-spread, the person still ranked.
    const partial = byNo.get('E1102')!;
    expect((partial.why as { missing: string[] }).missing).toEqual(['systemScore', 'capabilityResult']);
    expect(partial.finalScore).toBeCloseTo(0.7 * partial.teamScore! + 0.3 * 70, 9);
    expect(partial.grade).not.toBeNull();
  });
});
