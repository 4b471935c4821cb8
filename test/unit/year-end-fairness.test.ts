import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BONUS_GRADES,
  PERSON_MIX_INPUTS,
  defaultScoringConfig,
  gradeYearEnd,
  personDataGate,
  personMix,
  roundTo,
  type PersonMixInput,
  type TeamRole,
  type YearEndCandidate,
} from '../../domain/scoring.ts';
import { explainResult, type ExplainInput } from '../../domain/result-explanation.ts';

const config = defaultScoringConfig;

/** A coarse grid (and many missing inputs) makes ties and people below the data minimum common. */
const input = fc.option(
  fc.integer({ min: 0, max: 8 }).map((n) => 60 + n * 5),
  { nil: null, freq: 3 },
);
const person = fc.record({
  teamRole: fc.constantFrom<TeamRole>('LEADER', 'MEMBER', 'MEMBER'),
  payGradeGroup: fc.constantFrom('G5', 'G6'),
  teamScore: input,
  leaderEvaluation: input,
  systemScore: input,
  capabilityResult: input,
  employeeNo: fc.integer({ min: 1000, max: 9999 }).map((n) => `E${n}`),
});

const people = fc.array(person, { maxLength: 40 }).map((rows) =>
  rows.flatMap((row, index): YearEndCandidate[] => {
    const inputs = Object.fromEntries(PERSON_MIX_INPUTS.map((k) => [k, row[k]])) as Record<
      PersonMixInput,
      number | null
    >;
    const mix = personMix(row.teamRole, inputs, config);
    if (mix.finalScore === null) return [];
    return [
      {
        id: `p${index}`,
        employeeNo: row.employeeNo,
        payGradeGroup: row.payGradeGroup,
        teamRole: row.teamRole,
        inputs,
        finalScore: mix.finalScore,
        performanceResult: mix.performanceResult ?? 0,
        capabilityResult: inputs.capabilityResult ?? 0,
        baseAmount: 3_000_000,
      },
    ];
  }),
);

describe('year end: no data, no grade', () => {
  it('nobody below the data minimum is ranked or paid by the distribution, everyone above is', () => {
    fc.assert(
      fc.property(people, (all) => {
        const { assignments, unranked } = gradeYearEnd(all, config);
        const rankedIds = new Set(assignments.map((a) => a.id));
        for (const p of all) {
          const gate = personDataGate(p.teamRole, p.inputs, config);
          expect(rankedIds.has(p.id)).toBe(gate.sufficient);
        }
        for (const u of unranked) {
          expect(u.gate.sufficient).toBe(false);
          expect(u.gate.reasons.length).toBeGreaterThan(0);
          expect(rankedIds.has(u.id)).toBe(false);
        }
        // Group sizes (and so the quotas) count only the ranked.
        for (const a of assignments) {
          const ranked = assignments.filter((b) => b.payGradeGroup === a.payGradeGroup).length;
          expect(a.why.groupSize).toBe(ranked);
        }
      }),
    );
  });

  it('a member with only a team score, or a leader without a 360° result, is below the minimum', () => {
    const none = { teamScore: null, leaderEvaluation: null, systemScore: null, capabilityResult: null };
    expect(personDataGate('MEMBER', { ...none, teamScore: 90 }, config)).toMatchObject({
      sufficient: false,
      reasons: ['MEASURED_SHARE_BELOW_MINIMUM', 'TOO_FEW_MEASURED_INPUTS'],
    });
    expect(personDataGate('LEADER', { ...none, teamScore: 90 }, config).sufficient).toBe(false);
    expect(
      personDataGate('LEADER', { ...none, teamScore: 90, capabilityResult: 70 }, config).sufficient,
    ).toBe(true);
    expect(
      personDataGate('MEMBER', { ...none, teamScore: 90, leaderEvaluation: 80 }, config).measuredShare,
    ).toBeCloseTo(59.5, 9);
  });
});

describe('year end: ties', () => {
  it('equal scores at the displayed precision always share rank and grade', () => {
    fc.assert(
      fc.property(people, (all) => {
        const { assignments } = gradeYearEnd(all, config);
        for (const a of assignments) {
          for (const b of assignments) {
            if (a.payGradeGroup !== b.payGradeGroup) continue;
            const same =
              a.why.compared.finalScore === b.why.compared.finalScore &&
              a.why.compared.performanceResult === b.why.compared.performanceResult &&
              a.why.compared.capabilityResult === b.why.compared.capabilityResult;
            if (same) {
              expect(a.grade).toBe(b.grade);
              expect(a.rank).toBe(b.rank);
            }
          }
        }
      }),
    );
  });

  it('no result is decided by employee number: renumbering people changes no rank, grade or payout', () => {
    fc.assert(
      fc.property(
        people.chain((all) =>
          fc.tuple(
            fc.constant(all),
            fc.shuffledSubarray(
              all.map((p) => p.employeeNo),
              { minLength: all.length, maxLength: all.length },
            ),
          ),
        ),
        ([all, numbers]) => {
          const before = gradeYearEnd(all, config).assignments;
          const renumbered = all.map((p, i) => ({ ...p, employeeNo: numbers[i] ?? p.employeeNo }));
          const after = gradeYearEnd(renumbered, config).assignments;
          const byId = (rows: typeof before) =>
            Object.fromEntries(rows.map((r) => [r.id, [r.rank, r.grade, r.payout]]));
          expect(byId(after)).toEqual(byId(before));
          for (const a of before) expect(['EMPLOYEE_NO', 'ID']).not.toContain(a.why.decidedBy);
        },
      ),
    );
  });

  it('when a tie bends a quota the results say so, and grades never exceed the group', () => {
    fc.assert(
      fc.property(people, (all) => {
        const { assignments } = gradeYearEnd(all, config);
        for (const a of assignments) {
          const awarded = BONUS_GRADES.reduce((sum, g) => sum + a.why.awardedCounts[g], 0);
          expect(awarded).toBe(a.why.groupSize);
          const sameGrade = assignments.filter(
            (b) => b.payGradeGroup === a.payGradeGroup && b.grade === a.grade,
          ).length;
          if (sameGrade > a.why.gradeCounts[a.grade])
            expect(
              assignments.some(
                (b) => b.payGradeGroup === a.payGradeGroup && b.grade === a.grade && b.why.quotaBent,
              ),
            ).toBe(true);
        }
      }),
    );
  });
});

describe('year end: the score explained is the score used', () => {
  const explainInputOf = (
    a: ReturnType<typeof gradeYearEnd>['assignments'][number],
    p: YearEndCandidate,
    adjustment: ExplainInput['adjustment'],
  ): ExplainInput => ({
    employeeNo: p.employeeNo,
    teamRole: p.teamRole,
    unitCode: 'T11',
    inputs: p.inputs,
    systemParts: {},
    unitInsufficientData: false,
    computedFinalScore: adjustment?.before ?? p.finalScore,
    finalScore: p.finalScore,
    grade: a.grade,
    payout: a.payout,
    dataGate: { sufficient: true, measuredShare: 100, measuredInputs: 4 },
    ranking: { ...a.why, quotas: { ...a.why.quotas } },
    adjustment,
    dataDecision: null,
  });

  it('also after an HR adjustment: the explanation shows the adjusted score the ranking compared', () => {
    fc.assert(
      fc.property(
        people.filter((all) => all.length > 0),
        fc.nat(),
        fc.integer({ min: 0, max: 1200 }).map((n) => n / 10),
        (all, pick, adjusted) => {
          const target = all[pick % all.length]!;
          const adjustedPeople = all.map((p) => (p.id === target.id ? { ...p, finalScore: adjusted } : p));
          const { assignments } = gradeYearEnd(adjustedPeople, config);
          const mine = assignments.find((a) => a.id === target.id);
          if (!mine) return; // below the data minimum: not ranked, nothing compared
          const used = adjustedPeople.find((p) => p.id === target.id)!;
          const adjustment = {
            before: target.finalScore,
            after: adjusted,
            actor: 'E9001',
            reason: '재심 결과 반영',
          };
          for (const lang of ['ko', 'en'] as const) {
            const explanation = explainResult(explainInputOf(mine, used, adjustment), config, lang);
            expect(explanation.finalScore).toBe(mine.why.finalScore);
            expect(roundTo(explanation.finalScore!, config.rankingDecimals)).toBe(
              mine.why.compared.finalScore,
            );
            expect(explanation.lines[0]).toContain(adjusted.toFixed(2));
          }
        },
      ),
    );
  });
});
