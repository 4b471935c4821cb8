import { describe, expect, it } from 'vitest';
import { defaultScoringConfig } from '../../domain/scoring.ts';
import { explainResult, type ExplainInput } from '../../domain/result-explanation.ts';

const config = defaultScoringConfig;

const adjustedMember: ExplainInput = {
  employeeNo: 'E1104',
  teamRole: 'MEMBER',
  unitCode: 'T11',
  inputs: { teamScore: 70, leaderEvaluation: 80, systemScore: 60, capabilityResult: null },
  systemParts: { tasks: 75, complaints: 50, satisfaction: null, innovation: 55 },
  unitInsufficientData: false,
  computedFinalScore: 67.5,
  finalScore: 88,
  grade: 'A',
  payout: 3_750_000,
  dataGate: { sufficient: true, measuredShare: 70, measuredInputs: 3 },
  ranking: {
    payGradeGroup: 'G7',
    groupSize: 10,
    rank: 3,
    decidedBy: 'TIE',
    tiedWith: 1,
    quotaBent: false,
    quotas: { S: 20, A: 40, B: 30, C: 10 },
    gradeCounts: { S: 2, A: 4, B: 3, C: 1 },
    gradeRanks: { first: 3, last: 6 },
    ratePercent: 125,
    baseAmount: 3_000_000,
  },
  adjustment: { before: 67.5, after: 88, actor: 'E9001', reason: '고충심사 결과 반영' },
  dataDecision: null,
};

const noDataLeader: ExplainInput = {
  employeeNo: 'E1200',
  teamRole: 'LEADER',
  unitCode: 'T12',
  inputs: { teamScore: null, leaderEvaluation: null, systemScore: null, capabilityResult: null },
  systemParts: {},
  unitInsufficientData: true,
  computedFinalScore: null,
  finalScore: null,
  grade: 'B',
  payout: 2_550_000,
  dataGate: { sufficient: false, measuredShare: 0, measuredInputs: 0 },
  ranking: null,
  adjustment: null,
  dataDecision: {
    decision: 'GRADE',
    grade: 'B',
    actor: 'E9001',
    reason: '휴직으로 평가 자료 없음: 지침상 B등급',
  },
};

describe('"why this grade" in words', () => {
  it('explains an adjusted, tied member in Korean', () => {
    expect(explainResult(adjustedMember, config, 'ko').lines).toEqual([
      '최종 점수 88.00 (인사 조정 반영)',
      '· 부서(팀) 성과: 70.00 (비중 49%)',
      '· 부서장 평가: 80.00 (비중 10.5%)',
      '· 시스템 실적: 60.00 (비중 10.5%)',
      '  시스템 실적 구성: 과제 75.00 (25), 민원 처리기한 준수 50.00 (25), 민원 만족도 자료 없음 (25), 혁신 활동 55.00 (25)',
      '· 역량평가(360°): 자료 없음 — 비중 30%는 나머지 항목에 비례 배분',
      '인사 조정: 67.50 → 88.00, 조정자 E9001, 사유: 고충심사 결과 반영',
      'G7 그룹 10명 중 3위',
      '  모든 점수가 같아 동순위입니다',
      '등급 정원: S 20% (2명), A 40% (4명), B 30% (3명), C 10% (1명)',
      'A등급은 3~6위',
      '동점자 1명과 같은 순위·같은 등급',
      '지급액: 기준액 3,000,000원 × 125% = 3,750,000원',
    ]);
  });

  it('explains an adjusted, tied member in English', () => {
    expect(explainResult(adjustedMember, config, 'en').lines).toEqual([
      'Final score 88.00 (after HR adjustment)',
      '· Unit result: 70.00 (weight 49%)',
      "· Leader's evaluation: 80.00 (weight 10.5%)",
      '· System record: 60.00 (weight 10.5%)',
      '  made of: tasks 75.00 (25), complaints on time 50.00 (25), satisfaction no data (25), innovation 55.00 (25)',
      '· Capability (360°): no data; its weight 30% is spread over the other parts',
      'HR adjustment: 67.50 → 88.00 by E9001, reason: 고충심사 결과 반영',
      'Rank 3 of 10 in pay-grade group G7',
      '  every score was equal: a shared rank',
      'Grade quota: S 20% (2), A 40% (4), B 30% (3), C 10% (1)',
      'Grade A covers ranks 3–6',
      'Tied with 1 other(s): same rank and grade',
      'Payout: base KRW 3,000,000 × 125% = KRW 3,750,000',
    ]);
  });

  it('explains someone below the data minimum and HR’s decision, in both languages', () => {
    expect(explainResult(noDataLeader, config, 'ko').lines).toEqual([
      '최종 점수 —',
      '· 부서(팀) 성과: 자료 없음 (부서 KPI 자료 부족) — 비중 70%는 나머지 항목에 비례 배분',
      '· 역량평가(360°): 자료 없음 — 비중 30%는 나머지 항목에 비례 배분',
      '자료 부족: 측정된 비중 0%, 측정 항목 0개 (최소 50%, 2개) — 등급 배분 순위에서 제외',
      '인사 결정: B등급, 결정자 E9001, 사유: 휴직으로 평가 자료 없음: 지침상 B등급',
      '지급액: 2,550,000원',
    ]);
    expect(explainResult(noDataLeader, config, 'en').lines).toEqual([
      'Final score —',
      '· Unit result: no data (the unit has insufficient KPI data); its weight 70% is spread over the other parts',
      '· Capability (360°): no data; its weight 30% is spread over the other parts',
      'Insufficient data: 0% of the weight measured, 0 input(s) (minimum 50%, 2); not ranked in the distribution',
      'HR decision: grade B, by E9001, reason: 휴직으로 평가 자료 없음: 지침상 B등급',
      'Payout: KRW 2,550,000',
    ]);
  });

  it('the score it explains is the stored (used) score, not the computed one', () => {
    expect(explainResult(adjustedMember, config, 'en').finalScore).toBe(88);
  });
});
