import type { Prisma } from '@prisma/client';
import { TIE_RULE, bonusGradeCounts, gradeRankRanges, promotionCandidateCount } from '../domain/scoring.ts';
import { DEFAULT_BASE_AMOUNT } from '../domain/performance.ts';
import type { YearConfig } from './year-config.ts';

type Tx = Prisma.TransactionClient;

/**
 * Ranks, grades, payouts and promotion candidates of every result that passed the data gate, in one
 * UPDATE, by the tie rule of domain/scoring.ts rankWithinPayGradeGroups: final score, then performance
 * result, then capability result (higher first, compared at rankingDecimals); people still equal share
 * the rank (SQL rank()) and so the grade, and the quota bends. The employee number only orders the listing.
 * How many places each grade has comes from bonusGradeCounts (largest remainder) over the ranked group.
 * People below the data minimum are not ranked: they carry HR's decision (a grade paid at its rate, or no
 * bonus) or nothing until HR decides.
 */
export async function gradeYearEndResults(tx: Tx, year: number, config: YearConfig): Promise<void> {
  const { scoring } = config;
  const groups = await tx.$queryRawUnsafe<{ payGrade: string; size: bigint }[]>(
    `SELECT "payGrade", count(*) AS size FROM "YearEndPersonResult"
     WHERE year = $1 AND "finalScore" IS NOT NULL AND "dataSufficient" GROUP BY 1`,
    year,
  );
  const plan = groups.map(({ payGrade, size }) => {
    const groupSize = Number(size);
    const counts = bonusGradeCounts(groupSize, scoring.bonusQuotas);
    const ranges = gradeRankRanges(counts);
    return {
      payGrade,
      counts,
      s_last: ranges.S.last,
      a_last: ranges.A.last,
      b_last: ranges.B.last,
      promo: promotionCandidateCount(groupSize, scoring.promotionTopShare),
      base: config.baseAmounts[payGrade] ?? DEFAULT_BASE_AMOUNT,
    };
  });
  const d = scoring.rankingDecimals;
  const r = (column: string) => `ROUND((${column})::numeric, ${d})`;
  await tx.$executeRawUnsafe(
    `UPDATE "YearEndPersonResult" p SET rank = NULL, "groupSize" = NULL, "promotionCandidate" = false,
       grade = p."dataDecisionGrade",
       "baseAmount" = COALESCE(($2::jsonb ->> p."payGrade")::float8, $3::float8),
       payout = CASE
         WHEN p."dataDecisionGrade" IS NOT NULL THEN ROUND((COALESCE(($2::jsonb ->> p."payGrade")::float8, $3::float8)
           * ($4::jsonb ->> p."dataDecisionGrade")::float8 / 100)::numeric, ${scoring.payoutDecimals})
         WHEN p."dataDecision" = 'NO_BONUS' THEN 0 END,
       why = p.why - 'ranking'
     WHERE year = $1 AND ("finalScore" IS NULL OR NOT "dataSufficient")`,
    year,
    JSON.stringify(config.baseAmounts),
    DEFAULT_BASE_AMOUNT,
    JSON.stringify(scoring.bonusRates),
  );
  await tx.$executeRawUnsafe(
    `WITH grp AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb)
         AS g("payGrade" text, counts jsonb, s_last int, a_last int, b_last int, promo int, base float8)
     ),
     ranked AS (
       SELECT p."employeeNo", p."payGrade",
         rank() OVER ranking AS rank,
         count(*) OVER (PARTITION BY p."payGrade") AS group_size,
         count(*) OVER (PARTITION BY p."payGrade", ${r('p."finalScore"')}, ${r('p."performanceResult"')},
                                     ${r('p."capabilityResult"')}) - 1 AS tied_with,
         ${r('p."finalScore"')} AS cf, ${r('p."performanceResult"')} AS cp, ${r('p."capabilityResult"')} AS cc,
         lag(${r('p."finalScore"')}) OVER listing AS pf, lag(${r('p."performanceResult"')}) OVER listing AS pp,
         lag(${r('p."capabilityResult"')}) OVER listing AS pc
       FROM "YearEndPersonResult" p
       WHERE p.year = $1 AND p."finalScore" IS NOT NULL AND p."dataSufficient"
       WINDOW ranking AS (PARTITION BY p."payGrade"
         ORDER BY ${r('p."finalScore"')} DESC, ${r('p."performanceResult"')} DESC NULLS LAST,
                  ${r('p."capabilityResult"')} DESC NULLS LAST),
       listing AS (PARTITION BY p."payGrade"
         ORDER BY ${r('p."finalScore"')} DESC, ${r('p."performanceResult"')} DESC NULLS LAST,
                  ${r('p."capabilityResult"')} DESC NULLS LAST, p."employeeNo" COLLATE "C")
     ),
     graded AS (
       SELECT ranked.*, grp.counts, grp.promo, grp.base,
         CASE WHEN rank <= grp.s_last THEN 'S' WHEN rank <= grp.a_last THEN 'A'
              WHEN rank <= grp.b_last THEN 'B' ELSE 'C' END AS grade,
         CASE WHEN rank <= grp.s_last THEN grp.s_last WHEN rank <= grp.a_last THEN grp.a_last
              WHEN rank <= grp.b_last THEN grp.b_last ELSE group_size END AS grade_last,
         CASE WHEN rank <= grp.s_last THEN jsonb_build_object('first', 1, 'last', grp.s_last)
              WHEN rank <= grp.a_last THEN jsonb_build_object('first', grp.s_last + 1, 'last', grp.a_last)
              WHEN rank <= grp.b_last THEN jsonb_build_object('first', grp.a_last + 1, 'last', grp.b_last)
              ELSE jsonb_build_object('first', grp.b_last + 1, 'last', group_size) END AS grade_ranks,
         CASE WHEN pf IS NULL THEN NULL WHEN pf <> cf THEN 'FINAL_SCORE'
              WHEN pp IS DISTINCT FROM cp THEN 'PERFORMANCE_RESULT'
              WHEN pc IS DISTINCT FROM cc THEN 'CAPABILITY_RESULT' ELSE 'TIE' END AS decided_by
       FROM ranked JOIN grp ON grp."payGrade" = ranked."payGrade"
     ),
     awarded AS (
       SELECT "payGrade", jsonb_build_object('S', 0, 'A', 0, 'B', 0, 'C', 0) || jsonb_object_agg(grade, n) AS counts
       FROM (SELECT "payGrade", grade, count(*) AS n FROM graded GROUP BY 1, 2) g GROUP BY 1
     ),
     paid AS (
       SELECT graded.*, awarded.counts AS awarded_counts, ($3::jsonb ->> grade)::float8 AS rate_percent,
         base * ($3::jsonb ->> grade)::float8 / 100 AS payout_raw
       FROM graded JOIN awarded ON awarded."payGrade" = graded."payGrade"
     )
     UPDATE "YearEndPersonResult" p SET
       rank = paid.rank, "groupSize" = paid.group_size, grade = paid.grade, "baseAmount" = paid.base,
       payout = ROUND(paid.payout_raw::numeric, ${scoring.payoutDecimals}),
       "promotionCandidate" = paid.rank <= paid.promo,
       why = p.why || jsonb_build_object('ranking', jsonb_build_object(
         'payGradeGroup', paid."payGrade", 'groupSize', paid.group_size, 'rank', paid.rank,
         'compared', jsonb_build_object('finalScore', paid.cf, 'performanceResult', paid.cp,
                                        'capabilityResult', paid.cc),
         'decidedBy', paid.decided_by, 'tieRule', $4::text,
         'tiedWith', paid.tied_with, 'quotaBent', paid.rank + paid.tied_with > paid.grade_last,
         'quotas', $5::jsonb, 'gradeCounts', paid.counts, 'awardedCounts', paid.awarded_counts,
         'gradeRanks', paid.grade_ranks,
         'ratePercent', paid.rate_percent, 'baseAmount', paid.base, 'payoutBeforeRounding', paid.payout_raw,
         'promotionCandidates', paid.promo))
     FROM paid WHERE p.year = $1 AND p."employeeNo" = paid."employeeNo"`,
    year,
    JSON.stringify(plan),
    JSON.stringify(scoring.bonusRates),
    TIE_RULE,
    JSON.stringify(scoring.bonusQuotas),
  );
}
