/**
 * "Why this grade" in words, Korean and English, from a stored year-end result: each part with its weight
 * and value, the data gate, the rank in the pay-grade group and the quota, an HR adjustment (who, why) and
 * HR's decision for someone below the data minimum. Pure: the API builds it, the portal shows it, and the
 * golden tests in test/unit/result-explanation.test.ts pin the wording.
 *
 * The score explained is the score used: `finalScore` is the stored final score that the ranking compared
 * (the adjusted one after an HR adjustment); the computed score appears only as the adjustment's "before".
 */
import {
  PERSON_MIX_INPUTS,
  SYSTEM_SCORE_COMPONENTS,
  personInputShares,
  roundTo,
  type BonusGrade,
  type PersonMixInput,
  type ScoringConfig,
  type SystemScoreComponent,
  type TeamRole,
} from './scoring.ts';

export type Lang = 'ko' | 'en';

export interface ExplainedRanking {
  payGradeGroup: string;
  groupSize: number;
  rank: number;
  decidedBy: string | null;
  tiedWith?: number;
  quotaBent?: boolean;
  quotas: Record<BonusGrade, number>;
  gradeCounts: Record<BonusGrade, number>;
  awardedCounts?: Record<BonusGrade, number>;
  gradeRanks: { first: number; last: number };
  ratePercent: number;
  baseAmount: number;
}

export interface ExplainInput {
  employeeNo: string;
  teamRole: TeamRole;
  unitCode: string;
  inputs: Record<PersonMixInput, number | null>;
  systemParts: Partial<Record<SystemScoreComponent, number | null>>;
  unitInsufficientData: boolean;
  computedFinalScore: number | null;
  /** The score used: stored, and adjusted where HR adjusted it. */
  finalScore: number | null;
  grade: string | null;
  payout: number | null;
  dataGate: { sufficient: boolean; measuredShare: number; measuredInputs: number };
  ranking: ExplainedRanking | null;
  adjustment: { before: number | null; after: number; actor: string; reason: string } | null;
  dataDecision: {
    decision: 'GRADE' | 'NO_BONUS';
    grade: string | null;
    actor: string;
    reason: string;
  } | null;
}

export interface Explanation {
  /** Equal to the input's finalScore: the one the ranking used. */
  finalScore: number | null;
  lines: string[];
}

const DECIMALS = 2;

function score(value: number | null): string {
  return value === null ? '—' : roundTo(value, DECIMALS).toFixed(DECIMALS);
}

function percent(value: number): string {
  const rounded = roundTo(value, 1);
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

function won(value: number, lang: Lang): string {
  const digits = Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return lang === 'ko' ? `${digits}원` : `KRW ${digits}`;
}

const PART_NAMES: Record<Lang, Record<PersonMixInput, string>> = {
  ko: {
    teamScore: '부서(팀) 성과',
    leaderEvaluation: '부서장 평가',
    systemScore: '시스템 실적',
    capabilityResult: '역량평가(360°)',
  },
  en: {
    teamScore: 'Unit result',
    leaderEvaluation: "Leader's evaluation",
    systemScore: 'System record',
    capabilityResult: 'Capability (360°)',
  },
};

const SYSTEM_PART_NAMES: Record<Lang, Record<SystemScoreComponent, string>> = {
  ko: {
    tasks: '과제',
    complaints: '민원 처리기한 준수',
    satisfaction: '민원 만족도',
    innovation: '혁신 활동',
  },
  en: {
    tasks: 'tasks',
    complaints: 'complaints on time',
    satisfaction: 'satisfaction',
    innovation: 'innovation',
  },
};

const DECIDED_BY: Record<Lang, Record<string, string>> = {
  ko: {
    FINAL_SCORE: '최종 점수로 순위가 갈렸습니다',
    PERFORMANCE_RESULT: '최종 점수가 같아 성과 결과(근무실적)로 갈렸습니다',
    CAPABILITY_RESULT: '최종·성과 점수가 같아 역량 결과로 갈렸습니다',
    TIE: '모든 점수가 같아 동순위입니다',
  },
  en: {
    FINAL_SCORE: 'the final score decided the rank',
    PERFORMANCE_RESULT: 'final scores were equal; the performance result decided',
    CAPABILITY_RESULT: 'final and performance results were equal; the capability result decided',
    TIE: 'every score was equal: a shared rank',
  },
};

export function explainResult(
  input: ExplainInput,
  config: Pick<
    ScoringConfig,
    'individualMix' | 'performanceMix' | 'finalMix' | 'systemScoreWeights' | 'dataMinimum'
  >,
  lang: Lang,
): Explanation {
  const ko = lang === 'ko';
  const lines: string[] = [];
  const adjustment = input.adjustment;

  lines.push(
    ko
      ? `최종 점수 ${score(input.finalScore)}${adjustment ? ' (인사 조정 반영)' : ''}`
      : `Final score ${score(input.finalScore)}${adjustment ? ' (after HR adjustment)' : ''}`,
  );

  const shares = personInputShares(input.teamRole, config);
  for (const part of PERSON_MIX_INPUTS) {
    if (!(shares[part] > 0)) continue;
    const value = input.inputs[part];
    const name = PART_NAMES[lang][part];
    const weight = percent(shares[part] * 100);
    if (value === null) {
      const unitNote =
        part === 'teamScore' && input.unitInsufficientData
          ? ko
            ? ' (부서 KPI 자료 부족)'
            : ' (the unit has insufficient KPI data)'
          : '';
      lines.push(
        ko
          ? `· ${name}: 자료 없음${unitNote} — 비중 ${weight}는 나머지 항목에 비례 배분`
          : `· ${name}: no data${unitNote}; its weight ${weight} is spread over the other parts`,
      );
    } else {
      lines.push(
        ko ? `· ${name}: ${score(value)} (비중 ${weight})` : `· ${name}: ${score(value)} (weight ${weight})`,
      );
    }
    if (part === 'systemScore') {
      const subparts = SYSTEM_SCORE_COMPONENTS.filter((c) => config.systemScoreWeights[c] > 0).map((c) => {
        const v = input.systemParts[c] ?? null;
        const w = config.systemScoreWeights[c];
        return `${SYSTEM_PART_NAMES[lang][c]} ${v === null ? (ko ? '자료 없음' : 'no data') : score(v)} (${w})`;
      });
      lines.push(`  ${ko ? '시스템 실적 구성' : 'made of'}: ${subparts.join(', ')}`);
    }
  }

  if (adjustment) {
    lines.push(
      ko
        ? `인사 조정: ${score(adjustment.before)} → ${score(adjustment.after)}, 조정자 ${adjustment.actor}, 사유: ${adjustment.reason}`
        : `HR adjustment: ${score(adjustment.before)} → ${score(adjustment.after)} by ${adjustment.actor}, reason: ${adjustment.reason}`,
    );
  }

  const gate = input.dataGate;
  const minimum = config.dataMinimum;
  if (!gate.sufficient) {
    lines.push(
      ko
        ? `자료 부족: 측정된 비중 ${percent(gate.measuredShare)}, 측정 항목 ${gate.measuredInputs}개 (최소 ${percent(minimum.measuredSharePercent)}, ${minimum.measuredInputs}개) — 등급 배분 순위에서 제외`
        : `Insufficient data: ${percent(gate.measuredShare)} of the weight measured, ${gate.measuredInputs} input(s) (minimum ${percent(minimum.measuredSharePercent)}, ${minimum.measuredInputs}); not ranked in the distribution`,
    );
    const decision = input.dataDecision;
    if (!decision) lines.push(ko ? '인사 담당 결정 대기 중' : 'Awaiting HR decision');
    else if (decision.decision === 'NO_BONUS')
      lines.push(
        ko
          ? `인사 결정: 성과상여금 미지급, 결정자 ${decision.actor}, 사유: ${decision.reason}`
          : `HR decision: no bonus, by ${decision.actor}, reason: ${decision.reason}`,
      );
    else
      lines.push(
        ko
          ? `인사 결정: ${decision.grade}등급, 결정자 ${decision.actor}, 사유: ${decision.reason}`
          : `HR decision: grade ${decision.grade}, by ${decision.actor}, reason: ${decision.reason}`,
      );
  }

  const ranking = input.ranking;
  if (gate.sufficient && ranking) {
    lines.push(
      ko
        ? `${ranking.payGradeGroup} 그룹 ${ranking.groupSize}명 중 ${ranking.rank}위`
        : `Rank ${ranking.rank} of ${ranking.groupSize} in pay-grade group ${ranking.payGradeGroup}`,
    );
    if (ranking.decidedBy) lines.push(`  ${DECIDED_BY[lang][ranking.decidedBy] ?? ranking.decidedBy}`);
    const quota = (['S', 'A', 'B', 'C'] as const)
      .map((g) => `${g} ${percent(ranking.quotas[g])} (${ranking.gradeCounts[g]}${ko ? '명' : ''})`)
      .join(', ');
    lines.push(ko ? `등급 정원: ${quota}` : `Grade quota: ${quota}`);
    lines.push(
      ko
        ? `${input.grade}등급은 ${ranking.gradeRanks.first}~${ranking.gradeRanks.last}위`
        : `Grade ${input.grade} covers ranks ${ranking.gradeRanks.first}–${ranking.gradeRanks.last}`,
    );
    if ((ranking.tiedWith ?? 0) > 0) {
      lines.push(
        ko
          ? `동점자 ${ranking.tiedWith}명과 같은 순위·같은 등급${ranking.quotaBent ? ' (동점으로 등급 정원을 넘겨 배정)' : ''}`
          : `Tied with ${ranking.tiedWith} other(s): same rank and grade${ranking.quotaBent ? ' (the tie took the grade past its quota)' : ''}`,
      );
    }
  }
  if (input.grade !== null && input.payout !== null && ranking) {
    lines.push(
      ko
        ? `지급액: 기준액 ${won(ranking.baseAmount, lang)} × ${percent(ranking.ratePercent)} = ${won(input.payout, lang)}`
        : `Payout: base ${won(ranking.baseAmount, lang)} × ${percent(ranking.ratePercent)} = ${won(input.payout, lang)}`,
    );
  } else if (input.payout !== null) {
    lines.push(ko ? `지급액: ${won(input.payout, lang)}` : `Payout: ${won(input.payout, lang)}`);
  }
  return { finalScore: input.finalScore, lines };
}
