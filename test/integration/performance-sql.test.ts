import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { achievementSql, weightedMeanSql } from '../../activities/performance-sql.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';
import { kpiAchievement, weightedAverage, type KpiDirection } from '../../domain/scoring.ts';

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
