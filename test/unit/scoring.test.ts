import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BONUS_GRADES,
  assignBonusGrades,
  bonusGradeCounts,
  capabilityScore,
  defaultScoringConfig,
  evaluateScorecard,
  finalResult,
  individualScore,
  kpiAchievement,
  objectiveScore,
  PERSON_MIX_INPUTS,
  performanceResult,
  personInputShares,
  personMix,
  promotionCandidates,
  resolveLightThresholds,
  resolveScoringConfig,
  roundTo,
  systemScore,
  trafficLight,
  unitScore,
  validateScoringConfig,
  weightedAverage,
  type BonusCandidate,
  type BonusGrade,
  type CapabilityRating,
  type KpiDirection,
  type PersonMixInput,
  type RaterGroup,
  type ScorecardInput,
} from '../../domain/scoring.ts';

const config = defaultScoringConfig;
const cap = config.achievementCap;
const gradeIndex = (grade: BonusGrade) => BONUS_GRADES.indexOf(grade);

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const direction = fc.constantFrom<KpiDirection>('HIGHER_IS_BETTER', 'LOWER_IS_BETTER');
const scoreValue = finite(0, 150);
const positiveWeight = finite(0.001, 1000);

function permutationOf<T>(items: readonly T[]) {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

function candidate(overrides: Partial<BonusCandidate> & Pick<BonusCandidate, 'id'>): BonusCandidate {
  return {
    employeeNo: `E${overrides.id}`,
    payGradeGroup: 'G5',
    finalScore: 80,
    performanceResult: 80,
    capabilityResult: 80,
    baseAmount: 3_000_000,
    ...overrides,
  };
}

const candidates = fc
  .array(
    fc.record({
      payGradeGroup: fc.constantFrom('G4', 'G5', 'G6'),
      // A coarse grid makes ties at every level of the tie rule common.
      finalScore: fc.integer({ min: 0, max: 40 }).map((n) => 60 + n / 2),
      performanceResult: fc.integer({ min: 0, max: 5 }).map((n) => 70 + n),
      capabilityResult: fc.integer({ min: 0, max: 5 }).map((n) => 70 + n),
      employeeNo: fc.constantFrom('1001', '1002', '1003', '2001'),
      baseAmount: fc.constantFrom(2_000_000, 3_000_000),
    }),
    { maxLength: 60 },
  )
  .map((rows) =>
    rows.map((row, index): BonusCandidate => ({ id: `p${String(index).padStart(3, '0')}`, ...row })),
  );

describe('scoring config', () => {
  it('defaults to the design values and passes validation', () => {
    expect(config.perspectiveWeights).toEqual({
      customer: 35,
      workPerformance: 35,
      processInnovation: 15,
      learningGrowth: 15,
    });
    expect(config.lightThresholds).toEqual({ green: 100, yellow: 90 });
    expect(config.achievementCap).toBe(120);
    expect(config.individualMix).toEqual({ leaderEvaluation: 50, systemScore: 50 });
    expect(config.performanceMix).toEqual({
      LEADER: { team: 100, individual: 0 },
      MEMBER: { team: 70, individual: 30 },
    });
    expect(config.finalMix).toEqual({ performance: 70, capability: 30 });
    expect(config.bonusQuotas).toEqual({ S: 20, A: 40, B: 30, C: 10 });
    expect(config.bonusRates).toEqual({ S: 172.5, A: 125, B: 85, C: 0 });
    expect(config.promotionTopShare).toBe(10);
    expect(config.minRaterGroupSize).toBe(3);
    expect(validateScoringConfig(config)).toEqual([]);
  });

  it('the default config cannot be mutated by a caller', () => {
    expect(Object.isFrozen(config.bonusQuotas)).toBe(true);
    expect(Object.isFrozen(config.performanceMix.MEMBER)).toBe(true);
  });

  it("a year's overrides replace only the values they name", () => {
    const year = resolveScoringConfig({
      bonusQuotas: { S: 10, A: 50 },
      performanceMix: { MEMBER: { team: 60, individual: 40 } },
      achievementCap: 130,
    });
    expect(year.bonusQuotas).toEqual({ S: 10, A: 50, B: 30, C: 10 });
    expect(year.performanceMix).toEqual({
      LEADER: { team: 100, individual: 0 },
      MEMBER: { team: 60, individual: 40 },
    });
    expect(year.achievementCap).toBe(130);
    expect(year.perspectiveWeights).toEqual(config.perspectiveWeights);
    expect(validateScoringConfig(year)).toEqual([]);
  });

  it('validation names quotas that do not sum to 100, reversed thresholds and negative weights', () => {
    const problems = validateScoringConfig(
      resolveScoringConfig({
        bonusQuotas: { S: 30 },
        lightThresholds: { yellow: 110 },
        perspectiveWeights: { customer: -1 },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('bonusQuotas must sum to 100'),
        expect.stringContaining('lightThresholds'),
        expect.stringContaining('perspectiveWeights.customer'),
      ]),
    );
  });
});

describe('kpiAchievement', () => {
  it('higher-is-better is actual / target × 100', () => {
    expect(kpiAchievement({ direction: 'HIGHER_IS_BETTER', target: 200, actual: 180 }, cap)).toBe(90);
    expect(kpiAchievement({ direction: 'HIGHER_IS_BETTER', target: 100, actual: 29 }, cap)).toBe(29);
  });

  it('lower-is-better is target / actual × 100', () => {
    expect(kpiAchievement({ direction: 'LOWER_IS_BETTER', target: 2.3, actual: 2.3 }, cap)).toBe(100);
    expect(kpiAchievement({ direction: 'LOWER_IS_BETTER', target: 10, actual: 12.5 }, cap)).toBe(80);
  });

  it('is capped at the configured cap', () => {
    expect(kpiAchievement({ direction: 'HIGHER_IS_BETTER', target: 100, actual: 150 }, 120)).toBe(120);
    expect(kpiAchievement({ direction: 'LOWER_IS_BETTER', target: 10, actual: 5 }, 120)).toBe(120);
    expect(kpiAchievement({ direction: 'HIGHER_IS_BETTER', target: 100, actual: 150 }, 140)).toBe(140);
  });

  it('is never negative', () => {
    expect(kpiAchievement({ direction: 'HIGHER_IS_BETTER', target: 100, actual: -50 }, cap)).toBe(0);
  });

  it('lower-is-better with an actual of zero and a positive target scores the cap', () => {
    expect(kpiAchievement({ direction: 'LOWER_IS_BETTER', target: 5, actual: 0 }, cap)).toBe(cap);
  });

  it('a zero target scores 100 when met and 0 when missed, in both directions', () => {
    const higher = (actual: number) =>
      kpiAchievement({ direction: 'HIGHER_IS_BETTER', target: 0, actual }, cap);
    const lower = (actual: number) =>
      kpiAchievement({ direction: 'LOWER_IS_BETTER', target: 0, actual }, cap);
    expect([higher(0), higher(3), higher(-1)]).toEqual([100, 100, 0]);
    expect([lower(0), lower(-2), lower(0.5)]).toEqual([100, 100, 0]);
  });

  it('stays within 0..cap for any finite input', () => {
    fc.assert(
      fc.property(
        direction,
        finite(-1e6, 1e6),
        finite(-1e6, 1e6),
        finite(0, 500),
        (dir, target, actual, c) => {
          const achievement = kpiAchievement({ direction: dir, target, actual }, c);
          expect(achievement).toBeGreaterThanOrEqual(0);
          expect(achievement).toBeLessThanOrEqual(c);
        },
      ),
    );
  });

  it('a zero target only ever scores 0 or 100', () => {
    fc.assert(
      fc.property(direction, finite(-1e6, 1e6), (dir, actual) => {
        expect([0, 100]).toContain(kpiAchievement({ direction: dir, target: 0, actual }, cap));
      }),
    );
  });

  it('below the cap, a positive target gives exactly the formula', () => {
    fc.assert(
      fc.property(finite(1, 1e4), finite(1, 1e4), (target, actual) => {
        const higher = kpiAchievement({ direction: 'HIGHER_IS_BETTER', target, actual }, cap);
        const lower = kpiAchievement({ direction: 'LOWER_IS_BETTER', target, actual }, cap);
        expect(higher).toBeCloseTo(Math.min(cap, (actual / target) * 100), 9);
        expect(lower).toBeCloseTo(Math.min(cap, (target / actual) * 100), 9);
      }),
    );
  });

  it('a better actual never lowers achievement, for either direction and any target', () => {
    fc.assert(
      fc.property(direction, finite(-1e4, 1e4), finite(-1e4, 1e4), finite(-1e4, 1e4), (dir, target, a, b) => {
        const [worse, better] =
          dir === 'HIGHER_IS_BETTER' ? [Math.min(a, b), Math.max(a, b)] : [Math.max(a, b), Math.min(a, b)];
        expect(kpiAchievement({ direction: dir, target, actual: better }, cap)).toBeGreaterThanOrEqual(
          kpiAchievement({ direction: dir, target, actual: worse }, cap),
        );
      }),
    );
  });
});

describe('trafficLight', () => {
  it('is green from 100, yellow from 90, red below', () => {
    const light = (a: number) => trafficLight(a, config.lightThresholds);
    expect([light(120), light(100), light(99.99), light(90), light(89.99), light(0)]).toEqual([
      'GREEN',
      'GREEN',
      'YELLOW',
      'YELLOW',
      'RED',
      'RED',
    ]);
  });

  it("a KPI's own thresholds override the defaults, missing ones fall back", () => {
    const thresholds = resolveLightThresholds(config.lightThresholds, { green: 95 });
    expect(thresholds).toEqual({ green: 95, yellow: 90 });
    expect(trafficLight(96, thresholds)).toBe('GREEN');
    expect(trafficLight(96, resolveLightThresholds(config.lightThresholds, null))).toBe('YELLOW');
  });

  it('a higher achievement never shows a worse light', () => {
    const order = { RED: 0, YELLOW: 1, GREEN: 2 } as const;
    fc.assert(
      fc.property(finite(0, 150), finite(0, 150), (a, b) => {
        expect(order[trafficLight(Math.max(a, b), config.lightThresholds)]).toBeGreaterThanOrEqual(
          order[trafficLight(Math.min(a, b), config.lightThresholds)],
        );
      }),
    );
  });
});

describe('weightedAverage', () => {
  it('normalises weights that do not sum to 100', () => {
    expect(
      weightedAverage([
        { score: 80, weight: 1 },
        { score: 100, weight: 3 },
      ]),
    ).toBe(95);
  });

  it('returns null, not NaN, when the total weight is zero or nothing is scored', () => {
    expect(weightedAverage([])).toBeNull();
    expect(weightedAverage([{ score: 80, weight: 0 }])).toBeNull();
    expect(weightedAverage([{ score: null, weight: 10 }])).toBeNull();
  });

  it('items without a score do not count and their weight goes to the others', () => {
    expect(
      weightedAverage([
        { score: 90, weight: 35 },
        { score: null, weight: 65 },
      ]),
    ).toBe(90);
  });

  const items = fc.array(fc.record({ score: scoreValue, weight: positiveWeight }), {
    minLength: 1,
    maxLength: 20,
  });

  it('scaling every weight by the same factor leaves the average unchanged', () => {
    fc.assert(
      fc.property(items, finite(0.001, 1e6), (list, factor) => {
        const scaled = weightedAverage(list.map(({ score, weight }) => ({ score, weight: weight * factor })));
        expect(scaled).toBeCloseTo(weightedAverage(list) ?? Number.NaN, 9);
      }),
    );
  });

  it('lies between the smallest and largest score', () => {
    fc.assert(
      fc.property(items, (list) => {
        const average = weightedAverage(list) ?? Number.NaN;
        const scores = list.map(({ score }) => score);
        expect(average).toBeGreaterThanOrEqual(Math.min(...scores));
        expect(average).toBeLessThanOrEqual(Math.max(...scores));
      }),
    );
  });

  it('a better child never lowers the parent', () => {
    fc.assert(
      fc.property(items, fc.nat(), finite(0, 50), (list, pick, gain) => {
        const index = pick % list.length;
        const improved = list.map((item, i) => (i === index ? { ...item, score: item.score + gain } : item));
        expect(weightedAverage(improved)).toBeGreaterThanOrEqual(weightedAverage(list) ?? Number.NaN);
      }),
    );
  });
});

describe('scorecard roll-up', () => {
  const scorecard: ScorecardInput = {
    customer: [
      {
        code: 'C1',
        weight: 60,
        kpis: [
          { code: 'satisfaction', weight: 1, direction: 'HIGHER_IS_BETTER', target: 4, actual: 3.8 },
          { code: 'days', weight: 1, direction: 'LOWER_IS_BETTER', target: 3, actual: 2.5 },
        ],
      },
      {
        code: 'C2',
        weight: 40,
        kpis: [
          {
            code: 'sla',
            weight: 1,
            direction: 'HIGHER_IS_BETTER',
            target: 95,
            actual: 76,
            thresholds: { yellow: 80 },
          },
        ],
      },
    ],
    workPerformance: [
      {
        code: 'W1',
        weight: 1,
        kpis: [{ code: 'tasks', weight: 1, direction: 'HIGHER_IS_BETTER', target: 10, actual: 10 }],
      },
    ],
    processInnovation: [
      {
        code: 'P1',
        weight: 1,
        kpis: [{ code: 'ideas', weight: 1, direction: 'HIGHER_IS_BETTER', target: 20, actual: 18 }],
      },
    ],
    learningGrowth: [
      {
        code: 'L1',
        weight: 1,
        kpis: [{ code: 'training', weight: 1, direction: 'HIGHER_IS_BETTER', target: 40, actual: null }],
      },
    ],
  };

  it('rolls KPIs up to objectives, perspectives and the unit with lights at every level', () => {
    const result = evaluateScorecard(scorecard, config);
    const [customer, work, innovation, learning] = result.perspectives;
    const c1 = customer?.objectives[0];
    expect(c1?.kpis.map((k) => [k.achievement, k.light])).toEqual([
      [95, 'YELLOW'],
      [120, 'GREEN'],
    ]);
    expect(c1?.score).toBe(107.5);
    // 76 / 95 = 80: red by default, yellow under the KPI's own threshold.
    expect(customer?.objectives[1]?.kpis[0]?.light).toBe('YELLOW');
    expect(customer?.score).toBeCloseTo(107.5 * 0.6 + 80 * 0.4, 10);
    expect(work?.score).toBe(100);
    expect(innovation?.score).toBe(90);
    expect(learning).toMatchObject({ score: null, light: null });
    // Learning and growth has no value yet, so its 15 is shared by the other 85.
    expect(result.score).toBeCloseTo((96.5 * 35 + 100 * 35 + 90 * 15) / 85, 10);
    expect(result.light).toBe('YELLOW');
  });

  it('helpers agree with the roll-up', () => {
    expect(
      objectiveScore([
        { achievement: 95, weight: 1 },
        { achievement: 120, weight: 1 },
      ]),
    ).toBe(107.5);
    expect(unitScore({ customer: 100, workPerformance: 80 }, config.perspectiveWeights)).toBe(90);
  });

  it('a better KPI actual never lowers the unit score', () => {
    const kpi = fc.record({
      direction,
      target: finite(0, 100),
      actual: finite(0, 200),
      weight: positiveWeight,
    });
    const objective = fc.record({
      weight: positiveWeight,
      kpis: fc.array(kpi, { minLength: 1, maxLength: 3 }),
    });
    const perspective = fc.array(objective, { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.record({ customer: perspective, workPerformance: perspective, processInnovation: perspective }),
        fc.nat(),
        finite(0, 100),
        (raw, pick, step) => {
          const build = (improveIndex: number): ScorecardInput => {
            let counter = 0;
            const out: ScorecardInput = {};
            for (const key of ['customer', 'workPerformance', 'processInnovation'] as const) {
              out[key] = raw[key].map((o, oi) => ({
                code: `${key}${oi}`,
                weight: o.weight,
                kpis: o.kpis.map((k, ki) => {
                  const improve = counter++ === improveIndex;
                  const delta = k.direction === 'HIGHER_IS_BETTER' ? step : -step;
                  return { code: `k${ki}`, ...k, actual: improve ? k.actual + delta : k.actual };
                }),
              }));
            }
            return out;
          };
          const total = build(-1);
          const kpiCount = Object.values(total).flatMap((p) => p.flatMap((o) => o.kpis)).length;
          const before = evaluateScorecard(total, config).score ?? Number.NaN;
          const after = evaluateScorecard(build(pick % kpiCount), config).score ?? Number.NaN;
          expect(after).toBeGreaterThanOrEqual(before);
        },
      ),
    );
  });
});

describe('individual, performance and final results', () => {
  it('individual score is half the leader evaluation and half the system score', () => {
    expect(individualScore({ leaderEvaluation: 80, systemScore: 90 }, config)).toBe(85);
    // A missing part's weight is re-spread over the parts present (MISSING_INPUT_RULE).
    expect(individualScore({ leaderEvaluation: null, systemScore: 90 }, config)).toBe(90);
    expect(individualScore({ leaderEvaluation: null, systemScore: null }, config)).toBeNull();
  });

  it('system score leaves out parts the person has no value for', () => {
    expect(systemScore({ tasks: 90, complaints: 70, satisfaction: null }, config)).toBe(80);
    expect(systemScore({}, config)).toBeNull();
  });

  it("a team leader's performance result is the team score alone", () => {
    expect(performanceResult('LEADER', 88, 70, config)).toBe(88);
    expect(performanceResult('LEADER', 88, null, config)).toBe(88);
  });

  it("a member's performance result is 70% team score and 30% individual score", () => {
    expect(performanceResult('MEMBER', 88, 70, config)).toBeCloseTo(82.6, 10);
    expect(performanceResult('MEMBER', 88, null, config)).toBe(88);
    expect(performanceResult('MEMBER', null, 70, config)).toBe(70);
    expect(performanceResult('MEMBER', null, null, config)).toBeNull();
  });

  it('the final result is 70% performance and 30% capability', () => {
    expect(finalResult(82.6, 90, config)).toBeCloseTo(84.82, 10);
    expect(finalResult(82.6, null, config)).toBe(82.6);
    expect(finalResult(null, null, config)).toBeNull();
  });

  it('the mixes follow a changed year config', () => {
    const year = resolveScoringConfig({ performanceMix: { MEMBER: { team: 50, individual: 50 } } });
    expect(performanceResult('MEMBER', 90, 70, year)).toBe(80);
  });
});

describe('one rule for a missing input (MISSING_INPUT_RULE)', () => {
  const role = fc.constantFrom<'LEADER' | 'MEMBER'>('LEADER', 'MEMBER');
  const maybe = fc.option(finite(0, 120), { nil: null });
  const inputs = fc.record<Record<PersonMixInput, number | null>>({
    teamScore: maybe,
    leaderEvaluation: maybe,
    systemScore: maybe,
    capabilityResult: maybe,
  });
  const mixWeights = fc.record({
    individualMix: fc.constantFrom(
      { leaderEvaluation: 50, systemScore: 50 },
      { leaderEvaluation: 100, systemScore: 0 },
      { leaderEvaluation: 30, systemScore: 70 },
    ),
    finalMix: fc.constantFrom({ performance: 70, capability: 30 }, { performance: 100, capability: 0 }),
    performanceMix: fc.constantFrom(defaultScoringConfig.performanceMix, {
      LEADER: { team: 80, individual: 20 },
      MEMBER: { team: 50, individual: 50 },
    }),
  });

  it('with every input present the final result is the plain weighted sum of the inputs', () => {
    fc.assert(
      fc.property(
        role,
        fc.tuple(scoreValue, scoreValue, scoreValue, scoreValue),
        mixWeights,
        (r, values, mixes) => {
          const [teamScore, leaderEvaluation, system, capabilityResult] = values;
          const all = { teamScore, leaderEvaluation, systemScore: system, capabilityResult };
          const shares = personInputShares(r, mixes);
          const expected = PERSON_MIX_INPUTS.reduce((sum, input) => sum + shares[input] * all[input], 0);
          const result = personMix(r, all, mixes);
          expect(result.missing).toEqual([]);
          expect(result.finalScore).toBeCloseTo(expected, 9);
        },
      ),
    );
  });

  it('re-spreads a missing input over the present ones and names exactly the inputs that count and are missing', () => {
    fc.assert(
      fc.property(role, inputs, mixWeights, (r, values, mixes) => {
        const shares = personInputShares(r, mixes);
        const result = personMix(r, values, mixes);
        const present = PERSON_MIX_INPUTS.filter((input) => shares[input] > 0 && values[input] !== null);
        expect(result.missing).toEqual(
          PERSON_MIX_INPUTS.filter((input) => shares[input] > 0 && values[input] === null),
        );
        if (present.length === 0) {
          expect(result.finalScore).toBeNull();
          return;
        }
        // The result stays within the present inputs: a missing one is never read as zero.
        const scores = present.map((input) => values[input] as number);
        expect(result.finalScore).not.toBeNull();
        expect(result.finalScore!).toBeGreaterThanOrEqual(Math.min(...scores) - 1e-9);
        expect(result.finalScore!).toBeLessThanOrEqual(Math.max(...scores) + 1e-9);
        // Equal present inputs give that value, whatever is missing.
        const same = Object.fromEntries(
          PERSON_MIX_INPUTS.map((input) => [input, values[input] === null ? null : 77]),
        ) as Record<PersonMixInput, number | null>;
        expect(personMix(r, same, mixes).finalScore).toBeCloseTo(77, 9);
      }),
    );
  });

  it('a missing part counts as if the present parts had its weight in proportion', () => {
    // Member without a 360° result: final = performance result; without a team score: performance = individual.
    expect(
      personMix(
        'MEMBER',
        { teamScore: 80, leaderEvaluation: 90, systemScore: 70, capabilityResult: null },
        config,
      ),
    ).toEqual({
      individualScore: 80,
      performanceResult: 80,
      finalScore: 80,
      missing: ['capabilityResult'],
    });
    const noTeam = personMix(
      'MEMBER',
      { teamScore: null, leaderEvaluation: 90, systemScore: null, capabilityResult: 60 },
      config,
    );
    expect(noTeam.missing).toEqual(['teamScore', 'systemScore']);
    expect(noTeam.finalScore).toBeCloseTo(0.7 * 90 + 0.3 * 60, 9);
    // A leader's individual parts have no share under the default mix, so they are never missing.
    expect(
      personMix(
        'LEADER',
        { teamScore: 90, leaderEvaluation: null, systemScore: null, capabilityResult: 80 },
        config,
      ).missing,
    ).toEqual([]);
  });

  it('a better input never lowers the final result, missing inputs or not', () => {
    fc.assert(
      fc.property(
        role,
        inputs,
        mixWeights,
        fc.constantFrom(...PERSON_MIX_INPUTS),
        finite(0, 50),
        (r, values, mixes, input, gain) => {
          if (values[input] === null) return;
          const before = personMix(r, values, mixes).finalScore ?? 0;
          const after = personMix(r, { ...values, [input]: values[input]! + gain }, mixes).finalScore ?? 0;
          expect(after).toBeGreaterThanOrEqual(before - 1e-9);
        },
      ),
    );
  });
});

describe('capabilityScore', () => {
  const ratings = (group: RaterGroup, ...scores: number[]): CapabilityRating[] =>
    scores.map((score) => ({ group, score }));
  const weights = { SUPERIOR: 50, PEER: 30, SUBORDINATE: 20 };

  it('weights each group mean when every group has at least three raters', () => {
    const result = capabilityScore(
      [
        ...ratings('SUPERIOR', 90, 90, 90),
        ...ratings('PEER', 80, 70, 90),
        ...ratings('SUBORDINATE', 60, 60, 60),
      ],
      weights,
      3,
    );
    expect(result.rule).toBe('BY_GROUP');
    expect(result.score).toBeCloseTo(90 * 0.5 + 80 * 0.3 + 60 * 0.2, 10);
    expect(result.parts.map((p) => p.raterCount)).toEqual([3, 3, 3]);
  });

  it('pools small groups into one part carrying their summed weight', () => {
    const result = capabilityScore(
      [...ratings('SUPERIOR', 90, 90, 90), ...ratings('PEER', 80, 70), ...ratings('SUBORDINATE', 60)],
      weights,
      3,
    );
    expect(result.rule).toBe('SMALL_GROUPS_POOLED');
    expect(result.foldedGroups).toEqual(['PEER', 'SUBORDINATE']);
    expect(result.parts).toEqual([
      { groups: ['SUPERIOR'], raterCount: 3, mean: 90, weight: 50 },
      { groups: ['PEER', 'SUBORDINATE'], raterCount: 3, mean: 70, weight: 50 },
    ]);
    expect(result.score).toBe(80);
  });

  it('falls back to the plain mean of all ratings when the pool is still too small', () => {
    const result = capabilityScore(
      [...ratings('SUPERIOR', 90, 90, 90, 90), ...ratings('SUBORDINATE', 40)],
      weights,
      3,
    );
    expect(result.rule).toBe('OVERALL_MEAN');
    expect(result.parts).toEqual([
      { groups: ['SUPERIOR', 'SUBORDINATE'], raterCount: 5, mean: 80, weight: 1 },
    ]);
    expect(result.score).toBe(80);
  });

  it('groups without raters or without weight do not count', () => {
    const result = capabilityScore(
      [...ratings('SUPERIOR', 90, 90, 90), ...ratings('PEER', 10, 10, 10)],
      { SUPERIOR: 1, PEER: 0, SUBORDINATE: 1 },
      3,
    );
    expect(result.score).toBe(90);
    expect(capabilityScore([], weights, 3)).toMatchObject({ score: null, parts: [], raterCount: 0 });
  });

  it('flags a person with fewer raters in total than the minimum', () => {
    expect(capabilityScore(ratings('PEER', 70, 80), weights, 3)).toMatchObject({
      belowMinimum: true,
      score: 75,
    });
  });

  const ratingList = fc.array(
    fc.record({ group: fc.constantFrom<RaterGroup>('SUPERIOR', 'PEER', 'SUBORDINATE'), score: finite(1, 5) }),
    { maxLength: 15 },
  );

  it('never reports a part resting on fewer raters than the minimum, unless there are too few in total', () => {
    fc.assert(
      fc.property(ratingList, fc.integer({ min: 1, max: 5 }), (list, minGroupSize) => {
        const result = capabilityScore(list, weights, minGroupSize);
        if (result.belowMinimum) {
          expect(result.parts).toHaveLength(1);
        } else {
          for (const part of result.parts) expect(part.raterCount).toBeGreaterThanOrEqual(minGroupSize);
        }
        expect(result.parts.reduce((sum, p) => sum + p.raterCount, 0)).toBe(list.length);
      }),
    );
  });

  it('does not depend on the order ratings arrive in', () => {
    fc.assert(
      fc.property(
        ratingList.chain((list) => fc.tuple(fc.constant(list), permutationOf(list))),
        ([list, shuffled]) => {
          expect(capabilityScore(shuffled, weights, 3)).toEqual(capabilityScore(list, weights, 3));
        },
      ),
    );
  });

  it('lies between the lowest and highest rating', () => {
    fc.assert(
      fc.property(ratingList, (list) => {
        const { score } = capabilityScore(list, weights, 3);
        if (list.length === 0) {
          expect(score).toBeNull();
          return;
        }
        const scores = list.map((r) => r.score);
        expect(score).toBeGreaterThanOrEqual(Math.min(...scores));
        expect(score).toBeLessThanOrEqual(Math.max(...scores));
      }),
    );
  });
});

describe('bonusGradeCounts', () => {
  it('matches 20/40/30/10 exactly for groups of 10 and 100', () => {
    expect(bonusGradeCounts(10, config.bonusQuotas)).toEqual({ S: 2, A: 4, B: 3, C: 1 });
    expect(bonusGradeCounts(100, config.bonusQuotas)).toEqual({ S: 20, A: 40, B: 30, C: 10 });
  });

  it('sums to the group size for every size from 1 to 500', () => {
    for (let size = 1; size <= 500; size += 1) {
      const counts = bonusGradeCounts(size, config.bonusQuotas);
      expect(BONUS_GRADES.reduce((sum, g) => sum + counts[g], 0)).toBe(size);
    }
  });

  it('gives tiny groups the largest remainders, larger quota first on a tie', () => {
    expect(bonusGradeCounts(0, config.bonusQuotas)).toEqual({ S: 0, A: 0, B: 0, C: 0 });
    expect(bonusGradeCounts(1, config.bonusQuotas)).toEqual({ S: 0, A: 1, B: 0, C: 0 });
    expect(bonusGradeCounts(2, config.bonusQuotas)).toEqual({ S: 0, A: 1, B: 1, C: 0 });
    expect(bonusGradeCounts(3, config.bonusQuotas)).toEqual({ S: 1, A: 1, B: 1, C: 0 });
    expect(bonusGradeCounts(4, config.bonusQuotas)).toEqual({ S: 1, A: 2, B: 1, C: 0 });
    expect(bonusGradeCounts(5, config.bonusQuotas)).toEqual({ S: 1, A: 2, B: 2, C: 0 });
  });

  it('for any quotas, sums to the size and stays within one of each exact share', () => {
    const quota = fc.integer({ min: 0, max: 100 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.record({ S: quota, A: quota, B: quota, C: quota }).filter((q) => q.S + q.A + q.B + q.C > 0),
        (size, quotas) => {
          const counts = bonusGradeCounts(size, quotas);
          const total = quotas.S + quotas.A + quotas.B + quotas.C;
          expect(BONUS_GRADES.reduce((sum, g) => sum + counts[g], 0)).toBe(size);
          for (const grade of BONUS_GRADES) {
            const exact = (size * quotas[grade]) / total;
            expect(counts[grade]).toBeGreaterThanOrEqual(Math.floor(exact));
            expect(counts[grade]).toBeLessThanOrEqual(Math.ceil(exact));
          }
        },
      ),
    );
  });
});

describe('assignBonusGrades', () => {
  const tenPeople = Array.from({ length: 10 }, (_, i) => candidate({ id: `p${i}`, finalScore: 95 - i }));

  it('grades a group of ten 2 S, 4 A, 3 B, 1 C by rank', () => {
    const result = assignBonusGrades(tenPeople, config);
    expect(result.map((r) => r.grade).join('')).toBe('SSAAAABBBC');
    expect(result.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('pays base amount × rate: 172.5%, 125%, 85%, 0%', () => {
    const payouts = Object.fromEntries(assignBonusGrades(tenPeople, config).map((r) => [r.grade, r.payout]));
    expect(payouts).toEqual({ S: 5_175_000, A: 3_750_000, B: 2_550_000, C: 0 });
  });

  it('rounds payouts half-up to whole won', () => {
    const [top] = assignBonusGrades([candidate({ id: 'x', baseAmount: 1_234_567 })], {
      ...config,
      bonusQuotas: { S: 100, A: 0, B: 0, C: 0 },
    });
    expect(top?.why.payoutBeforeRounding).toBeCloseTo(2_129_628.075, 6);
    expect(top?.payout).toBe(2_129_628);
    expect(roundTo(2.5, 0)).toBe(3);
    expect(roundTo(1.005, 2)).toBe(1.01);
  });

  it('records the numbers that produced each grade', () => {
    const third = assignBonusGrades(tenPeople, config)[2];
    expect(third?.why).toMatchObject({
      payGradeGroup: 'G5',
      groupSize: 10,
      rank: 3,
      finalScore: 93,
      compared: { finalScore: 93, performanceResult: 80, capabilityResult: 80 },
      decidedBy: 'FINAL_SCORE',
      gradeCounts: { S: 2, A: 4, B: 3, C: 1 },
      gradeRanks: { first: 3, last: 6 },
      ratePercent: 125,
      baseAmount: 3_000_000,
    });
  });

  it('breaks equal final scores by performance result, then capability result, and never by employee number', () => {
    const people = [
      candidate({ id: 'd', employeeNo: '1004', finalScore: 90, performanceResult: 85, capabilityResult: 70 }),
      candidate({ id: 'c', employeeNo: '1003', finalScore: 90, performanceResult: 85, capabilityResult: 70 }),
      candidate({ id: 'b', employeeNo: '1002', finalScore: 90, performanceResult: 85, capabilityResult: 75 }),
      candidate({ id: 'a', employeeNo: '1001', finalScore: 90, performanceResult: 80, capabilityResult: 99 }),
      candidate({ id: 'e', employeeNo: '1000', finalScore: 91 }),
    ];
    const result = assignBonusGrades(people, config);
    expect(result.map((r) => [r.id, r.rank, r.why.decidedBy])).toEqual([
      ['e', 1, null],
      ['b', 2, 'FINAL_SCORE'],
      ['c', 3, 'CAPABILITY_RESULT'],
      ['d', 3, 'TIE'],
      ['a', 5, 'PERFORMANCE_RESULT'],
    ]);
    expect(result.find((r) => r.id === 'c')?.grade).toBe(result.find((r) => r.id === 'd')?.grade);
  });

  it('gives people identical in every score the same grade and lets the quota bend, saying so', () => {
    const twins = Array.from({ length: 5 }, (_, i) => candidate({ id: `t${i}`, employeeNo: `10${i}` }));
    const result = assignBonusGrades(twins, config);
    expect(result.map((r) => r.grade).join('')).toBe('SSSSS');
    expect(result.every((r) => r.rank === 1 && r.why.tiedWith === 4 && r.why.quotaBent)).toBe(true);
    expect(result[0]?.why.gradeCounts).toEqual({ S: 1, A: 2, B: 2, C: 0 });
    expect(result[0]?.why.awardedCounts).toEqual({ S: 5, A: 0, B: 0, C: 0 });
  });

  it('treats scores equal up to float noise as a tie', () => {
    // 0.1 + 0.2 is 0.30000000000000004: compared raw, it alone would decide the order.
    const [first, second] = assignBonusGrades(
      [
        candidate({ id: 'float-noise', employeeNo: '1', finalScore: 0.1 + 0.2, performanceResult: 80 }),
        candidate({ id: 'better-performance', employeeNo: '2', finalScore: 0.3, performanceResult: 90 }),
      ],
      config,
    );
    expect([first?.id, second?.why.decidedBy]).toEqual(['better-performance', 'PERFORMANCE_RESULT']);
  });

  it('grades each pay-grade group on its own', () => {
    const people = [
      ...Array.from({ length: 5 }, (_, i) =>
        candidate({ id: `a${i}`, payGradeGroup: 'G5', finalScore: 90 - i }),
      ),
      candidate({ id: 'solo', payGradeGroup: 'G4', finalScore: 10 }),
    ];
    const result = assignBonusGrades(people, config);
    expect(result.map((r) => `${r.payGradeGroup}:${r.grade}`)).toEqual([
      'G4:A',
      'G5:S',
      'G5:A',
      'G5:A',
      'G5:B',
      'G5:B',
    ]);
  });

  it('rejects a person whose score is not a number', () => {
    expect(() => assignBonusGrades([candidate({ id: 'bad', finalScore: Number.NaN })], config)).toThrow(
      /bad/,
    );
  });

  it('gives each group exactly the quota counts when nobody is tied', () => {
    fc.assert(
      fc.property(candidates, (all) => {
        const seen = new Set<string>();
        const people = all.filter((p) => {
          const key = `${p.payGradeGroup}:${p.finalScore}:${p.performanceResult}:${p.capabilityResult}`;
          return !seen.has(key) && seen.add(key);
        });
        const result = assignBonusGrades(people, config);
        expect(result).toHaveLength(people.length);
        for (const group of new Set(people.map((p) => p.payGradeGroup))) {
          const grades = result.filter((r) => r.payGradeGroup === group).map((r) => r.grade);
          const counts = bonusGradeCounts(grades.length, config.bonusQuotas);
          for (const grade of BONUS_GRADES)
            expect(grades.filter((g) => g === grade)).toHaveLength(counts[grade]);
        }
      }),
    );
  });

  it('a higher final score never gets a worse grade within a group', () => {
    fc.assert(
      fc.property(candidates, (people) => {
        const result = assignBonusGrades(people, config);
        const scoreOf = new Map(people.map((p) => [p.id, p.finalScore]));
        for (const a of result) {
          for (const b of result) {
            if (a.payGradeGroup === b.payGradeGroup && (scoreOf.get(a.id) ?? 0) > (scoreOf.get(b.id) ?? 0)) {
              expect(gradeIndex(a.grade)).toBeLessThanOrEqual(gradeIndex(b.grade));
              expect(a.rank).toBeLessThan(b.rank);
            }
          }
        }
      }),
    );
  });

  it('shuffling the input does not change the output', () => {
    fc.assert(
      fc.property(
        candidates.chain((people) => fc.tuple(fc.constant(people), permutationOf(people))),
        ([people, shuffled]) => {
          expect(assignBonusGrades(shuffled, config)).toEqual(assignBonusGrades(people, config));
          expect(promotionCandidates(shuffled, config)).toEqual(promotionCandidates(people, config));
        },
      ),
    );
  });
});

describe('promotionCandidates', () => {
  it('nominates the top 10% of each group, at least one per group', () => {
    const people = [
      ...Array.from({ length: 20 }, (_, i) =>
        candidate({ id: `g5-${i}`, payGradeGroup: 'G5', finalScore: 99 - i }),
      ),
      ...Array.from({ length: 5 }, (_, i) =>
        candidate({ id: `g6-${i}`, payGradeGroup: 'G6', finalScore: 50 + i }),
      ),
    ];
    expect(promotionCandidates(people, config).map((c) => [c.id, c.rank, c.candidateCount])).toEqual([
      ['g5-0', 1, 2],
      ['g5-1', 2, 2],
      ['g6-4', 1, 1],
    ]);
  });

  it('nominates nobody when the share is zero', () => {
    expect(promotionCandidates([candidate({ id: 'x' })], { ...config, promotionTopShare: 0 })).toEqual([]);
  });
});
