/**
 * The one scoring module: KPI achievement, traffic lights, scorecard roll-ups, individual, performance,
 * final and capability results, bonus grades and promotion candidates.
 *
 * Pure and deterministic: workflow code imports it inside the Temporal sandbox, so it uses no Node
 * built-ins, no I/O, no clock, no randomness and no locale-dependent APIs. Every weight, threshold, quota
 * and rate comes from a per-year `ScoringConfig`; `defaultScoringConfig` holds the design's defaults.
 * Weights, quotas, rates and shares are percentages.
 */

export type KpiDirection = 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';
export type TrafficLight = 'GREEN' | 'YELLOW' | 'RED';
export type TeamRole = 'LEADER' | 'MEMBER';

export const PERSPECTIVES = ['customer', 'workPerformance', 'processInnovation', 'learningGrowth'] as const;
export type Perspective = (typeof PERSPECTIVES)[number];

export const RATER_GROUPS = ['SUPERIOR', 'PEER', 'SUBORDINATE'] as const;
export type RaterGroup = (typeof RATER_GROUPS)[number];

/** Best grade first; ranks are handed out in this order. */
export const BONUS_GRADES = ['S', 'A', 'B', 'C'] as const;
export type BonusGrade = (typeof BONUS_GRADES)[number];

export const SYSTEM_SCORE_COMPONENTS = ['tasks', 'complaints', 'satisfaction', 'innovation'] as const;
export type SystemScoreComponent = (typeof SYSTEM_SCORE_COMPONENTS)[number];

export interface LightThresholds {
  /** Achievement at or above this is green. */
  readonly green: number;
  /** Achievement at or above this (and below green) is yellow; below it is red. */
  readonly yellow: number;
}

export interface ScoringConfig {
  readonly perspectiveWeights: Readonly<Record<Perspective, number>>;
  readonly lightThresholds: LightThresholds;
  readonly achievementCap: number;
  readonly individualMix: { readonly leaderEvaluation: number; readonly systemScore: number };
  /** Weights of the system score's parts; the design names the parts but not their weights. */
  readonly systemScoreWeights: Readonly<Record<SystemScoreComponent, number>>;
  readonly performanceMix: Readonly<Record<TeamRole, { readonly team: number; readonly individual: number }>>;
  readonly finalMix: { readonly performance: number; readonly capability: number };
  /** Weights of the multi-source rater groups; the design does not fix them, so they default to equal. */
  readonly raterGroupWeights: Readonly<Record<RaterGroup, number>>;
  readonly minRaterGroupSize: number;
  readonly bonusQuotas: Readonly<Record<BonusGrade, number>>;
  readonly bonusRates: Readonly<Record<BonusGrade, number>>;
  readonly promotionTopShare: number;
  /**
   * Scores are compared (and shown on the results pages) at this many decimals when ranking: two people
   * whose scores read the same are tied, and float noise never decides a rank.
   */
  readonly rankingDecimals: number;
  /** No data, no grade: see `personDataGate`. */
  readonly dataMinimum: {
    /** Percent of the final result's weight (by `personInputShares`) that must rest on measured inputs. */
    readonly measuredSharePercent: number;
    /** How many of the weighted inputs (team score, leader evaluation, system score, 360°) must have a value. */
    readonly measuredInputs: number;
  };
  /** Percent of a unit's KPI weight that must have a value before it gets a score, a light or a rank. */
  readonly unitMeasuredKpiSharePercent: number;
  /** Payouts are rounded half-up to this many decimals (0: whole won). */
  readonly payoutDecimals: number;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner as object);
  }
  return Object.freeze(value);
}

export const defaultScoringConfig: ScoringConfig = deepFreeze({
  perspectiveWeights: { customer: 35, workPerformance: 35, processInnovation: 15, learningGrowth: 15 },
  lightThresholds: { green: 100, yellow: 90 },
  achievementCap: 120,
  individualMix: { leaderEvaluation: 50, systemScore: 50 },
  systemScoreWeights: { tasks: 25, complaints: 25, satisfaction: 25, innovation: 25 },
  performanceMix: { LEADER: { team: 100, individual: 0 }, MEMBER: { team: 70, individual: 30 } },
  finalMix: { performance: 70, capability: 30 },
  raterGroupWeights: { SUPERIOR: 1, PEER: 1, SUBORDINATE: 1 },
  minRaterGroupSize: 3,
  bonusQuotas: { S: 20, A: 40, B: 30, C: 10 },
  bonusRates: { S: 172.5, A: 125, B: 85, C: 0 },
  promotionTopShare: 10,
  rankingDecimals: 2,
  payoutDecimals: 0,
  dataMinimum: { measuredSharePercent: 50, measuredInputs: 2 },
  unitMeasuredKpiSharePercent: 50,
});

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ScoringConfigOverrides = DeepPartial<ScoringConfig>;

/** A year's config: the base (defaults) with that year's stored overrides laid over it. */
export function resolveScoringConfig(
  overrides: ScoringConfigOverrides = {},
  base: ScoringConfig = defaultScoringConfig,
): ScoringConfig {
  return {
    perspectiveWeights: { ...base.perspectiveWeights, ...overrides.perspectiveWeights },
    lightThresholds: { ...base.lightThresholds, ...overrides.lightThresholds },
    achievementCap: overrides.achievementCap ?? base.achievementCap,
    individualMix: { ...base.individualMix, ...overrides.individualMix },
    systemScoreWeights: { ...base.systemScoreWeights, ...overrides.systemScoreWeights },
    performanceMix: {
      LEADER: { ...base.performanceMix.LEADER, ...overrides.performanceMix?.LEADER },
      MEMBER: { ...base.performanceMix.MEMBER, ...overrides.performanceMix?.MEMBER },
    },
    finalMix: { ...base.finalMix, ...overrides.finalMix },
    raterGroupWeights: { ...base.raterGroupWeights, ...overrides.raterGroupWeights },
    minRaterGroupSize: overrides.minRaterGroupSize ?? base.minRaterGroupSize,
    bonusQuotas: { ...base.bonusQuotas, ...overrides.bonusQuotas },
    bonusRates: { ...base.bonusRates, ...overrides.bonusRates },
    promotionTopShare: overrides.promotionTopShare ?? base.promotionTopShare,
    rankingDecimals: overrides.rankingDecimals ?? base.rankingDecimals,
    payoutDecimals: overrides.payoutDecimals ?? base.payoutDecimals,
    dataMinimum: { ...base.dataMinimum, ...overrides.dataMinimum },
    unitMeasuredKpiSharePercent: overrides.unitMeasuredKpiSharePercent ?? base.unitMeasuredKpiSharePercent,
  };
}

/** Problems that make a config unusable, one readable sentence each; empty when the config is sound. */
export function validateScoringConfig(config: ScoringConfig): string[] {
  const problems: string[] = [];
  const isWeight = (value: number): boolean => Number.isFinite(value) && value >= 0;
  const checkWeights = (name: string, weights: Readonly<Record<string, number>>, mustSumTo100: boolean) => {
    const entries = Object.entries(weights);
    for (const [key, value] of entries) {
      if (!isWeight(value)) problems.push(`${name}.${key} must be a finite number >= 0 (got ${value})`);
    }
    const total = entries.reduce((sum, [, value]) => sum + value, 0);
    if (mustSumTo100 && Math.abs(total - 100) > 1e-9) problems.push(`${name} must sum to 100 (got ${total})`);
    if (!mustSumTo100 && !(total > 0)) problems.push(`${name} must have a positive total`);
  };
  const checkDecimals = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 0 || value > 10)
      problems.push(`${name} must be an integer 0..10`);
  };

  checkWeights('perspectiveWeights', config.perspectiveWeights, false);
  checkWeights('systemScoreWeights', config.systemScoreWeights, false);
  checkWeights('raterGroupWeights', config.raterGroupWeights, false);
  checkWeights('individualMix', config.individualMix, true);
  checkWeights('performanceMix.LEADER', config.performanceMix.LEADER, true);
  checkWeights('performanceMix.MEMBER', config.performanceMix.MEMBER, true);
  checkWeights('finalMix', config.finalMix, true);
  checkWeights('bonusQuotas', config.bonusQuotas, true);
  for (const grade of BONUS_GRADES) {
    if (!isWeight(config.bonusRates[grade]))
      problems.push(`bonusRates.${grade} must be a finite number >= 0`);
  }
  const { green, yellow } = config.lightThresholds;
  if (!Number.isFinite(green) || !Number.isFinite(yellow) || yellow > green) {
    problems.push(
      `lightThresholds must be finite with yellow <= green (got yellow ${yellow}, green ${green})`,
    );
  }
  if (!Number.isFinite(config.achievementCap) || config.achievementCap <= 0) {
    problems.push(`achievementCap must be a positive number (got ${config.achievementCap})`);
  }
  if (!Number.isInteger(config.minRaterGroupSize) || config.minRaterGroupSize < 1) {
    problems.push(`minRaterGroupSize must be an integer >= 1 (got ${config.minRaterGroupSize})`);
  }
  if (!(config.promotionTopShare >= 0 && config.promotionTopShare <= 100)) {
    problems.push(`promotionTopShare must be within 0..100 (got ${config.promotionTopShare})`);
  }
  checkDecimals('rankingDecimals', config.rankingDecimals);
  const { measuredSharePercent, measuredInputs } = config.dataMinimum;
  if (!(measuredSharePercent >= 0 && measuredSharePercent <= 100))
    problems.push(`dataMinimum.measuredSharePercent must be within 0..100 (got ${measuredSharePercent})`);
  if (!Number.isInteger(measuredInputs) || measuredInputs < 0 || measuredInputs > 4)
    problems.push(`dataMinimum.measuredInputs must be an integer 0..4 (got ${measuredInputs})`);
  if (!(config.unitMeasuredKpiSharePercent >= 0 && config.unitMeasuredKpiSharePercent <= 100))
    problems.push(
      `unitMeasuredKpiSharePercent must be within 0..100 (got ${config.unitMeasuredKpiSharePercent})`,
    );
  checkDecimals('payoutDecimals', config.payoutDecimals);
  return problems;
}

/** Rounds half away from zero; the toPrecision step drops binary noise (1.005 × 100 = 100.49999…). */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** decimals;
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  const rounded = (Math.sign(value) * Math.round(scaled)) / factor;
  return rounded === 0 ? 0 : rounded;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

// ---------------------------------------------------------------------------------------------------------
// KPIs and traffic lights

export interface KpiMeasurement {
  readonly direction: KpiDirection;
  readonly target: number;
  readonly actual: number;
}

/**
 * Achievement in percent, within 0..cap. A target of zero (or below) cannot be divided by, so it scores
 * 100 when met (higher-is-better: actual >= target; lower-is-better: actual <= target) and 0 otherwise.
 * Lower-is-better with a positive target and an actual of zero or less is the best possible: the cap.
 */
export function kpiAchievement({ direction, target, actual }: KpiMeasurement, cap: number): number {
  const ceiling = Math.max(0, cap);
  if (Number.isNaN(target) || Number.isNaN(actual) || Number.isNaN(ceiling)) return 0;
  if (target <= 0) {
    const met = direction === 'HIGHER_IS_BETTER' ? actual >= target : actual <= target;
    return met ? Math.min(100, ceiling) : 0;
  }
  let raw: number;
  if (direction === 'HIGHER_IS_BETTER') raw = (actual * 100) / target;
  else raw = actual <= 0 ? ceiling : (target * 100) / actual;
  return Number.isNaN(raw) ? 0 : clamp(raw, 0, ceiling);
}

/** A KPI's own thresholds, where set, override the year's defaults. */
export function resolveLightThresholds(
  defaults: LightThresholds,
  override?: Partial<LightThresholds> | null,
): LightThresholds {
  return { green: override?.green ?? defaults.green, yellow: override?.yellow ?? defaults.yellow };
}

export function trafficLight(achievement: number, thresholds: LightThresholds): TrafficLight {
  if (achievement >= thresholds.green) return 'GREEN';
  if (achievement >= thresholds.yellow) return 'YELLOW';
  return 'RED';
}

export interface KpiStanding {
  readonly achievement: number | null;
  readonly light: TrafficLight | null;
}

/**
 * A KPI's achievement and light from its current value, its own thresholds over the year's: the one
 * computation behind the scorecard, the workflow's lights and a KPI edit. Null while it has no value.
 */
export function kpiStanding(
  kpi: Pick<KpiInput, 'direction' | 'target' | 'actual' | 'thresholds'>,
  config: Pick<ScoringConfig, 'achievementCap' | 'lightThresholds'>,
): KpiStanding {
  if (kpi.actual === null) return { achievement: null, light: null };
  const achievement = kpiAchievement(
    { direction: kpi.direction, target: kpi.target, actual: kpi.actual },
    config.achievementCap,
  );
  const thresholds = resolveLightThresholds(config.lightThresholds, kpi.thresholds);
  return { achievement, light: trafficLight(achievement, thresholds) };
}

// ---------------------------------------------------------------------------------------------------------
// Weighted averages and the scorecard roll-up

export interface WeightedScore {
  readonly score: number | null;
  readonly weight: number;
}

/**
 * Weighted average with weights normalised by their total (they need not sum to 100). Items without a
 * score, or with a weight that is not positive, do not count; null when nothing counts.
 * The result is clamped to the counted scores' range so float rounding never leaves it.
 */
export function weightedAverage(items: readonly WeightedScore[]): number | null {
  const counted: { score: number; weight: number }[] = [];
  let largestWeight = 0;
  for (const { score, weight } of items) {
    if (score === null || !Number.isFinite(score) || !Number.isFinite(weight) || !(weight > 0)) continue;
    counted.push({ score, weight });
    largestWeight = Math.max(largestWeight, weight);
  }
  if (counted.length === 0) return null;
  let weightedSum = 0;
  let totalWeight = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const { score, weight } of counted) {
    const share = weight / largestWeight; // keeps sums finite for any finite weights
    weightedSum += score * share;
    totalWeight += share;
    min = Math.min(min, score);
    max = Math.max(max, score);
  }
  return clamp(weightedSum / totalWeight, min, max);
}

/**
 * THE rule for a missing input, the one place it is defined (activities/performance-sql.ts restates it in
 * SQL and test/integration/performance-sql.test.ts proves both agree):
 *
 * In a fixed mix (individual = leader evaluation + system score; performance = team + individual; final =
 * performance + capability) a part with a positive weight but no value is MISSING. Its weight is re-spread
 * over the parts that are present, in proportion to their weights (70 team + 30 individual without an
 * individual score is 100% team), the result is null only when no weighted part is present, and the
 * missing inputs are named next to the result (PersonMix.missing, and "why.missing" of every year-end
 * result) so "why this grade" shows them and HR can act on them during review.
 *
 * Why re-spread and not "no result": the year end must rank and pay everyone in a pay-grade group; a
 * person without, say, a 360° result (too few raters, on leave during the cycle) would otherwise drop out
 * of the ranking and the quota counts, which is worse for them and for everyone else in the group.
 */
export const MISSING_INPUT_RULE =
  'a part without a value does not count; its weight is re-spread over the parts present, and it is listed in missing';

// The fixed mixes below follow MISSING_INPUT_RULE simply by being weighted averages of the parts present.

export function objectiveScore(
  kpis: readonly { readonly achievement: number | null; readonly weight: number }[],
): number | null {
  return weightedAverage(kpis.map(({ achievement, weight }) => ({ score: achievement, weight })));
}

export function perspectiveScore(objectives: readonly WeightedScore[]): number | null {
  return weightedAverage(objectives);
}

/** Perspectives without a score yet do not count; their weight is shared among the others. */
export function unitScore(
  perspectiveScores: Partial<Record<Perspective, number | null>>,
  perspectiveWeights: Readonly<Record<Perspective, number>>,
): number | null {
  return weightedAverage(
    PERSPECTIVES.map((perspective) => ({
      score: perspectiveScores[perspective] ?? null,
      weight: perspectiveWeights[perspective],
    })),
  );
}

export interface KpiInput {
  readonly code: string;
  readonly weight: number;
  readonly direction: KpiDirection;
  readonly target: number;
  /** Null until the KPI has a value; such a KPI does not count toward its objective yet. */
  readonly actual: number | null;
  readonly thresholds?: Partial<LightThresholds> | null;
}

export interface ObjectiveInput {
  readonly code: string;
  readonly weight: number;
  readonly kpis: readonly KpiInput[];
}

export type ScorecardInput = Partial<Record<Perspective, readonly ObjectiveInput[]>>;

export interface KpiResult extends KpiInput {
  readonly achievement: number | null;
  readonly light: TrafficLight | null;
}

export interface ObjectiveResult {
  readonly code: string;
  readonly weight: number;
  readonly score: number | null;
  readonly light: TrafficLight | null;
  readonly kpis: KpiResult[];
}

export interface PerspectiveResult {
  readonly perspective: Perspective;
  readonly weight: number;
  readonly score: number | null;
  readonly light: TrafficLight | null;
  readonly objectives: ObjectiveResult[];
}

export interface ScorecardResult {
  /** Null while nothing is measured, or while the unit has too little data (`insufficientData`). */
  readonly score: number | null;
  /** Null (never red) while the unit has too little data. */
  readonly light: TrafficLight | null;
  /** Percent of the unit's KPI weight that has a value. */
  readonly measuredKpiShare: number;
  /** Below `unitMeasuredKpiSharePercent`: shown as "insufficient data", not scored, lit or ranked. */
  readonly insufficientData: boolean;
  /** In `PERSPECTIVES` order. */
  readonly perspectives: PerspectiveResult[];
}

/**
 * Percent of the KPIs' positive weight that has a value (0 when there is no weighted KPI at all). One KPI
 * with data out of eight must not turn a whole unit red, so a unit below `unitMeasuredKpiSharePercent` is
 * "insufficient data" rather than scored.
 */
export function measuredKpiShare(kpis: readonly Pick<KpiInput, 'weight' | 'actual'>[]): number {
  let total = 0;
  let measured = 0;
  for (const { weight, actual } of kpis) {
    if (!(weight > 0) || !Number.isFinite(weight)) continue;
    total += weight;
    if (actual !== null && Number.isFinite(actual)) measured += weight;
  }
  return total > 0 ? (measured * 100) / total : 0;
}

export function unitHasEnoughData(
  share: number,
  config: Pick<ScoringConfig, 'unitMeasuredKpiSharePercent'>,
): boolean {
  return share > 0 && share + 1e-9 >= config.unitMeasuredKpiSharePercent;
}

/**
 * KPI → objective → perspective → unit, with achievement and a traffic light at every level. A unit with
 * too little measured KPI weight gets no unit score or light (its KPIs and objectives still show theirs).
 */
export function evaluateScorecard(
  scorecard: ScorecardInput,
  config: Pick<
    ScoringConfig,
    'achievementCap' | 'lightThresholds' | 'perspectiveWeights' | 'unitMeasuredKpiSharePercent'
  >,
): ScorecardResult {
  const lightOf = (score: number | null, thresholds: LightThresholds = config.lightThresholds) =>
    score === null ? null : trafficLight(score, thresholds);

  const perspectives = PERSPECTIVES.map((perspective): PerspectiveResult => {
    const objectives = (scorecard[perspective] ?? []).map((objective): ObjectiveResult => {
      const kpis = objective.kpis.map((kpi): KpiResult => ({ ...kpi, ...kpiStanding(kpi, config) }));
      const score = objectiveScore(kpis);
      return { code: objective.code, weight: objective.weight, score, light: lightOf(score), kpis };
    });
    const score = perspectiveScore(objectives);
    const weight = config.perspectiveWeights[perspective];
    return { perspective, weight, score, light: lightOf(score), objectives };
  });

  const share = measuredKpiShare(
    PERSPECTIVES.flatMap((perspective) => (scorecard[perspective] ?? []).flatMap((o) => o.kpis)),
  );
  const insufficientData = !unitHasEnoughData(share, config);
  const score = insufficientData
    ? null
    : unitScore(
        Object.fromEntries(perspectives.map(({ perspective, score }) => [perspective, score])),
        config.perspectiveWeights,
      );
  return { score, light: lightOf(score), measuredKpiShare: share, insufficientData, perspectives };
}

// ---------------------------------------------------------------------------------------------------------
// Individual, performance and final results

/** Parts without a value (e.g. no complaints handled) do not count; their weight is shared by the rest. */
export function systemScore(
  components: Partial<Record<SystemScoreComponent, number | null>>,
  config: Pick<ScoringConfig, 'systemScoreWeights'>,
): number | null {
  return weightedAverage(
    SYSTEM_SCORE_COMPONENTS.map((component) => ({
      score: components[component] ?? null,
      weight: config.systemScoreWeights[component],
    })),
  );
}

export interface IndividualScoreInput {
  /** The team leader's evaluation of the person's task achievement. */
  readonly leaderEvaluation: number | null;
  readonly systemScore: number | null;
}

export function individualScore(
  { leaderEvaluation, systemScore: system }: IndividualScoreInput,
  config: Pick<ScoringConfig, 'individualMix'>,
): number | null {
  return weightedAverage([
    { score: leaderEvaluation, weight: config.individualMix.leaderEvaluation },
    { score: system, weight: config.individualMix.systemScore },
  ]);
}

/** Leader: 100% team score (the individual score may be null). Member: 70% team + 30% individual. */
export function performanceResult(
  role: TeamRole,
  teamScore: number | null,
  individual: number | null,
  config: Pick<ScoringConfig, 'performanceMix'>,
): number | null {
  const mix = config.performanceMix[role];
  return weightedAverage([
    { score: teamScore, weight: mix.team },
    { score: individual, weight: mix.individual },
  ]);
}

export function finalResult(
  performance: number | null,
  capability: number | null,
  config: Pick<ScoringConfig, 'finalMix'>,
): number | null {
  return weightedAverage([
    { score: performance, weight: config.finalMix.performance },
    { score: capability, weight: config.finalMix.capability },
  ]);
}

/** The inputs of a person's year-end result, by the names "why.missing" uses. */
export const PERSON_MIX_INPUTS = [
  'teamScore',
  'leaderEvaluation',
  'systemScore',
  'capabilityResult',
] as const;
export type PersonMixInput = (typeof PERSON_MIX_INPUTS)[number];

/**
 * The share (0..1) each input has in the final result of a person in `role` when every input is present:
 * an input with share 0 (a leader's individual parts under the default 100% team mix) is never missing.
 */
export function personInputShares(
  role: TeamRole,
  config: Pick<ScoringConfig, 'individualMix' | 'performanceMix' | 'finalMix'>,
): Record<PersonMixInput, number> {
  const share = (weight: number, mix: Readonly<Record<string, number>>) => {
    const total = Object.values(mix).reduce((sum, w) => sum + (w > 0 ? w : 0), 0);
    return weight > 0 && total > 0 ? weight / total : 0;
  };
  const { individualMix: im, finalMix: fm } = config;
  const pm = config.performanceMix[role];
  const performance = share(fm.performance, fm);
  const individual = performance * share(pm.individual, pm);
  return {
    teamScore: performance * share(pm.team, pm),
    leaderEvaluation: individual * share(im.leaderEvaluation, im),
    systemScore: individual * share(im.systemScore, im),
    capabilityResult: share(fm.capability, fm),
  };
}

export interface PersonMix {
  readonly individualScore: number | null;
  readonly performanceResult: number | null;
  readonly finalScore: number | null;
  /** Inputs that count (share > 0) but have no value, in PERSON_MIX_INPUTS order; see MISSING_INPUT_RULE. */
  readonly missing: PersonMixInput[];
}

/** Individual, performance and final result of one person, with the inputs that were missing. */
export function personMix(
  role: TeamRole,
  inputs: Readonly<Record<PersonMixInput, number | null>>,
  config: Pick<ScoringConfig, 'individualMix' | 'performanceMix' | 'finalMix'>,
): PersonMix {
  const individual = individualScore(
    { leaderEvaluation: inputs.leaderEvaluation, systemScore: inputs.systemScore },
    config,
  );
  const performance = performanceResult(role, inputs.teamScore, individual, config);
  const shares = personInputShares(role, config);
  return {
    individualScore: individual,
    performanceResult: performance,
    finalScore: finalResult(performance, inputs.capabilityResult, config),
    missing: PERSON_MIX_INPUTS.filter((input) => {
      const value = inputs[input];
      return shares[input] > 0 && (value === null || !Number.isFinite(value));
    }),
  };
}

/**
 * NO DATA, NO GRADE. A person is ranked in the forced distribution (and paid by it) only when
 *   - at least `dataMinimum.measuredSharePercent` percent (default 50) of their final result's weight, by
 *     `personInputShares` for their role, rests on inputs that have a value, and
 *   - at least `dataMinimum.measuredInputs` (default 2) of the weighted inputs have a value.
 * A unit's team score counts as a value only when the unit itself has enough data (`unitHasEnoughData`).
 * Everyone below it is listed for HR with the reasons, and HR decides their grade (or no bonus) with an
 * audited reason; they take no place in any quota. MISSING_INPUT_RULE still re-spreads a missing input's
 * weight for those above the minimum. Source: the pay guidance excludes from the performance-bonus ranking
 * whoever was not evaluated for long enough (공무원보수 등의 업무지침, 성과상여금: 평가대상기간 중 근무기간
 * 2개월 미만자 지급 제외), which the portal reads as "too little measured to be compared".
 */
export interface DataGate {
  readonly sufficient: boolean;
  /** Percent of the final result's weight with a value. */
  readonly measuredShare: number;
  readonly measuredInputs: number;
  /** Weighted inputs without a value, in PERSON_MIX_INPUTS order. */
  readonly missing: PersonMixInput[];
  readonly reasons: ('MEASURED_SHARE_BELOW_MINIMUM' | 'TOO_FEW_MEASURED_INPUTS')[];
}

export function personDataGate(
  role: TeamRole,
  inputs: Readonly<Record<PersonMixInput, number | null>>,
  config: Pick<ScoringConfig, 'individualMix' | 'performanceMix' | 'finalMix' | 'dataMinimum'>,
): DataGate {
  const shares = personInputShares(role, config);
  let measuredShare = 0;
  let measuredInputs = 0;
  const missing: PersonMixInput[] = [];
  for (const input of PERSON_MIX_INPUTS) {
    if (!(shares[input] > 0)) continue;
    const value = inputs[input];
    if (value === null || !Number.isFinite(value)) {
      missing.push(input);
      continue;
    }
    measuredShare += shares[input] * 100;
    measuredInputs += 1;
  }
  const reasons: DataGate['reasons'] = [];
  if (measuredShare + 1e-9 < config.dataMinimum.measuredSharePercent)
    reasons.push('MEASURED_SHARE_BELOW_MINIMUM');
  if (measuredInputs < config.dataMinimum.measuredInputs) reasons.push('TOO_FEW_MEASURED_INPUTS');
  return { sufficient: reasons.length === 0, measuredShare, measuredInputs, missing, reasons };
}

// ---------------------------------------------------------------------------------------------------------
// Multi-source (360°) capability

export interface CapabilityRating {
  readonly group: RaterGroup;
  readonly score: number;
}

/**
 * BY_GROUP: every rater group is large enough and counts as its mean with its weight.
 * SMALL_GROUPS_POOLED: the small groups' ratings form one pool that carries their summed weight.
 * OVERALL_MEAN: even that pool was too small, so the score is the plain mean of all ratings.
 */
export type CapabilityRule = 'BY_GROUP' | 'SMALL_GROUPS_POOLED' | 'OVERALL_MEAN';

export interface CapabilityPart {
  readonly groups: RaterGroup[];
  readonly raterCount: number;
  readonly mean: number;
  readonly weight: number;
}

export interface CapabilityResult {
  /** Null when no rating counts. */
  readonly score: number | null;
  readonly rule: CapabilityRule;
  /** The only figures that may be shown; each rests on at least `minGroupSize` raters unless `belowMinimum`. */
  readonly parts: CapabilityPart[];
  readonly foldedGroups: RaterGroup[];
  readonly raterCount: number;
  /** Fewer raters in total than `minGroupSize`: no rule can hide them, HR should look at it. */
  readonly belowMinimum: boolean;
}

function mean(scores: readonly number[]): number {
  // Sorted first so the result does not depend on the order ratings arrived in.
  const sorted = [...scores].sort((a, b) => a - b);
  return weightedAverage(sorted.map((score) => ({ score, weight: 1 }))) ?? 0;
}

/**
 * Folding rule: a group with 1..minGroupSize-1 raters is not scored on its own; the ratings of all such
 * groups are pooled into one part that carries their summed weight, and if that pool still has fewer than
 * minGroupSize raters the group weighting is dropped and the score is the plain mean of every rating, so
 * every reported part (and so the score) always rests on at least minGroupSize raters. Groups with zero
 * weight, and ratings that are not finite, do not count.
 */
export function capabilityScore(
  ratings: readonly CapabilityRating[],
  groupWeights: Readonly<Record<RaterGroup, number>>,
  minGroupSize: number,
): CapabilityResult {
  const byGroup = new Map<RaterGroup, number[]>();
  for (const { group, score } of ratings) {
    if (!(groupWeights[group] > 0) || !Number.isFinite(score)) continue;
    const scores = byGroup.get(group) ?? [];
    scores.push(score);
    byGroup.set(group, scores);
  }
  const present = RATER_GROUPS.filter((group) => (byGroup.get(group)?.length ?? 0) > 0);
  const scoresOf = (groups: readonly RaterGroup[]) => groups.flatMap((group) => byGroup.get(group) ?? []);
  const allScores = scoresOf(present);
  const kept = present.filter((group) => scoresOf([group]).length >= minGroupSize);
  const folded = present.filter((group) => !kept.includes(group));
  const partOf = (groups: RaterGroup[], weight: number): CapabilityPart => {
    const scores = scoresOf(groups);
    return { groups, raterCount: scores.length, mean: mean(scores), weight };
  };

  let rule: CapabilityRule;
  let parts: CapabilityPart[];
  if (folded.length === 0) {
    rule = 'BY_GROUP';
    parts = kept.map((group) => partOf([group], groupWeights[group]));
  } else if (scoresOf(folded).length >= minGroupSize) {
    rule = 'SMALL_GROUPS_POOLED';
    const pooledWeight = folded.reduce((sum, group) => sum + groupWeights[group], 0);
    parts = [...kept.map((group) => partOf([group], groupWeights[group])), partOf(folded, pooledWeight)];
  } else {
    rule = 'OVERALL_MEAN';
    parts = [partOf(present, 1)];
  }

  return {
    score: weightedAverage(parts.map((part) => ({ score: part.mean, weight: part.weight }))),
    rule,
    parts,
    foldedGroups: folded,
    raterCount: allScores.length,
    belowMinimum: allScores.length > 0 && allScores.length < minGroupSize,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Ranking, bonus grades and promotion candidates

export interface RankablePerson {
  readonly id: string;
  readonly employeeNo: string;
  readonly payGradeGroup: string;
  readonly finalScore: number;
  readonly performanceResult: number;
  readonly capabilityResult: number;
}

/**
 * What put a person below the one listed just above them; TIE when nothing did (they share the rank).
 * An employee number or an id never decides anything.
 */
export type RankDecidedBy = 'FINAL_SCORE' | 'PERFORMANCE_RESULT' | 'CAPABILITY_RESULT' | 'TIE';

export interface RankedPerson<P extends RankablePerson = RankablePerson> {
  readonly person: P;
  /** 1-based competition rank within the pay-grade group: people tied share a rank (1, 2, 2, 4). */
  readonly rank: number;
  readonly groupSize: number;
  /** How many others share this rank. */
  readonly tiedWith: number;
  /** The values compared, at `rankingDecimals`. */
  readonly compared: {
    readonly finalScore: number;
    readonly performanceResult: number;
    readonly capabilityResult: number;
  };
  /** Null for the first listed. */
  readonly decidedBy: RankDecidedBy | null;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * TIE RULE, after the Korean public-service practice for performance-related pay:
 *   1. final score (higher first),
 *   2. performance result (근무실적: the performance-rating part first, as the promotion-list tie rule of
 *      공무원 성과평가 등에 관한 규정 puts 근무성적평가점 before anything else),
 *   3. capability result (직무수행능력),
 * all compared at `rankingDecimals`, the precision the results pages show. People still equal share the
 * rank ("동점인 경우에는 차순을 두지 않고 동순위로 한다": the 성과상여금 지급순위명부 rule of the
 * 공무원보수 등의 업무지침), so they always get the same grade and the grade's quota bends (see
 * `assignBonusGrades`). Within a shared rank people are listed by employee number for a stable display
 * only; that order decides nothing. Groups come out in code-unit order of their name.
 */
export const TIE_RULE =
  'final score, then performance result, then capability result (higher first, at the displayed precision); ' +
  'still equal: the same rank and grade, and the quota bends (never the employee number)';

export function rankWithinPayGradeGroups<P extends RankablePerson>(
  people: readonly P[],
  config: Pick<ScoringConfig, 'rankingDecimals'>,
): Map<string, RankedPerson<P>[]> {
  const groups = new Map<string, P[]>();
  for (const person of people) {
    for (const field of ['finalScore', 'performanceResult', 'capabilityResult'] as const) {
      if (!Number.isFinite(person[field])) {
        throw new RangeError(`person ${person.id}: ${field} must be a finite number (got ${person[field]})`);
      }
    }
    const members = groups.get(person.payGradeGroup) ?? [];
    members.push(person);
    groups.set(person.payGradeGroup, members);
  }

  const ranked = new Map<string, RankedPerson<P>[]>();
  for (const groupName of [...groups.keys()].sort(compareCodeUnits)) {
    const members = (groups.get(groupName) ?? []).map((person) => ({
      person,
      compared: {
        finalScore: roundTo(person.finalScore, config.rankingDecimals),
        performanceResult: roundTo(person.performanceResult, config.rankingDecimals),
        capabilityResult: roundTo(person.capabilityResult, config.rankingDecimals),
      },
    }));
    type Entry = (typeof members)[number];
    const firstDifference = (a: Entry, b: Entry): { step: RankDecidedBy; order: number } => {
      if (a.compared.finalScore !== b.compared.finalScore)
        return { step: 'FINAL_SCORE', order: b.compared.finalScore - a.compared.finalScore };
      if (a.compared.performanceResult !== b.compared.performanceResult)
        return {
          step: 'PERFORMANCE_RESULT',
          order: b.compared.performanceResult - a.compared.performanceResult,
        };
      if (a.compared.capabilityResult !== b.compared.capabilityResult)
        return {
          step: 'CAPABILITY_RESULT',
          order: b.compared.capabilityResult - a.compared.capabilityResult,
        };
      return { step: 'TIE', order: 0 };
    };
    members.sort(
      (a, b) =>
        firstDifference(a, b).order ||
        compareCodeUnits(a.person.employeeNo, b.person.employeeNo) ||
        compareCodeUnits(a.person.id, b.person.id),
    );
    const ranks: number[] = [];
    for (const [index, entry] of members.entries()) {
      const previous = index > 0 ? members[index - 1] : undefined;
      const tied = previous !== undefined && firstDifference(previous, entry).step === 'TIE';
      ranks.push(tied ? (ranks[index - 1] ?? index + 1) : index + 1);
    }
    const sharing = new Map<number, number>();
    for (const rank of ranks) sharing.set(rank, (sharing.get(rank) ?? 0) + 1);
    ranked.set(
      groupName,
      members.map((entry, index) => {
        const previous = index > 0 ? members[index - 1] : undefined;
        const rank = ranks[index] ?? index + 1;
        return {
          person: entry.person,
          rank,
          groupSize: members.length,
          tiedWith: (sharing.get(rank) ?? 1) - 1,
          compared: entry.compared,
          decidedBy: previous === undefined ? null : firstDifference(previous, entry).step,
        };
      }),
    );
  }
  return ranked;
}

/**
 * How many of a group get each grade: largest-remainder (Hamilton) rounding of size × quota / total, so
 * the counts always sum to the group size. Leftover places go to the largest remainders; equal remainders
 * go to the grade with the larger quota, then to the better grade. For the default quotas this gives
 * 1 person: A; 2: A, B; 3: S, A, B; 4: S, A, A, B; 5: S, A, A, B, B; from 10 on the shares hold within one.
 */
export function bonusGradeCounts(
  groupSize: number,
  quotas: Readonly<Record<BonusGrade, number>>,
): Record<BonusGrade, number> {
  if (!Number.isInteger(groupSize) || groupSize < 0) {
    throw new RangeError(`group size must be a whole number >= 0 (got ${groupSize})`);
  }
  const total = BONUS_GRADES.reduce((sum, grade) => sum + Math.max(0, quotas[grade]), 0);
  if (!(total > 0) || !Number.isFinite(total))
    throw new RangeError('bonus quotas must have a positive total');

  const shares = BONUS_GRADES.map((grade, order) => {
    const quota = Math.max(0, quotas[grade]);
    const numerator = groupSize * quota; // exact for whole-number quotas, unlike groupSize * (quota / total)
    const whole = Math.floor(numerator / total);
    return { grade, order, quota, whole, remainder: numerator - whole * total };
  });
  const counts: Record<BonusGrade, number> = { S: 0, A: 0, B: 0, C: 0 };
  for (const { grade, whole } of shares) counts[grade] = whole;

  const byRemainder = shares
    .filter(({ quota }) => quota > 0)
    .sort((a, b) => b.remainder - a.remainder || b.quota - a.quota || a.order - b.order);
  let leftover = groupSize - shares.reduce((sum, { whole }) => sum + whole, 0);
  for (let index = 0; leftover > 0; index = (index + 1) % byRemainder.length, leftover -= 1) {
    const share = byRemainder[index];
    if (share !== undefined) counts[share.grade] += 1;
  }
  return counts;
}

export interface BonusCandidate extends RankablePerson {
  readonly baseAmount: number;
}

export interface BonusWhy {
  readonly payGradeGroup: string;
  readonly groupSize: number;
  readonly rank: number;
  readonly finalScore: number;
  readonly performanceResult: number;
  readonly capabilityResult: number;
  /** The values the ranking compared, at `rankingDecimals`. */
  readonly compared: RankedPerson['compared'];
  readonly decidedBy: RankDecidedBy | null;
  /** How many others share this rank (and so this grade). */
  readonly tiedWith: number;
  /** This person's tie reaches past the grade's last quota place: the grade took more than its quota. */
  readonly quotaBent: boolean;
  readonly quotas: Readonly<Record<BonusGrade, number>>;
  /** Quota places per grade (largest remainder); `awardedCounts` may differ where a tie bent a quota. */
  readonly gradeCounts: Record<BonusGrade, number>;
  readonly awardedCounts: Record<BonusGrade, number>;
  /** The ranks that received this grade in this group. */
  readonly gradeRanks: { readonly first: number; readonly last: number };
  readonly ratePercent: number;
  readonly baseAmount: number;
  readonly payoutBeforeRounding: number;
}

export interface BonusAssignment {
  readonly id: string;
  readonly employeeNo: string;
  readonly payGradeGroup: string;
  readonly grade: BonusGrade;
  readonly rank: number;
  readonly payout: number;
  readonly why: BonusWhy;
}

/**
 * The ranks each grade's places cover in a ranked group, S first: grade counts from `bonusGradeCounts`
 * laid end to end. The year end's SQL (data/year-end-grading.ts) grades by the same ranges.
 */
export function gradeRankRanges(
  gradeCounts: Readonly<Record<BonusGrade, number>>,
): Record<BonusGrade, { first: number; last: number }> {
  let last = 0;
  const ranges = {} as Record<BonusGrade, { first: number; last: number }>;
  for (const grade of BONUS_GRADES) {
    ranges[grade] = { first: last + 1, last: last + gradeCounts[grade] };
    last += gradeCounts[grade];
  }
  return ranges;
}

/**
 * How many of a pay-grade group are promotion candidates: group size × share rounded down, but at least
 * one person in a non-empty group when the share is above zero. Used by `promotionCandidates` and the SQL.
 */
export function promotionCandidateCount(groupSize: number, promotionTopShare: number): number {
  const share = clamp(promotionTopShare, 0, 100);
  return share > 0 ? Math.min(groupSize, Math.max(1, Math.floor((groupSize * share) / 100))) : 0;
}

/**
 * Grades by rank within each pay-grade group (see `rankWithinPayGradeGroups` for the tie rule and
 * `bonusGradeCounts` for the rounding rule): a person gets the grade whose quota places include their
 * (shared) rank, so people tied always share a grade, and a tie across a grade's last place lets that
 * grade take more than its quota (`quotaBent`) and the next fewer. Payout = base amount × rate, rounded
 * to `payoutDecimals`. Sorted by group, then rank.
 */
export function assignBonusGrades(
  people: readonly BonusCandidate[],
  config: Pick<ScoringConfig, 'bonusQuotas' | 'bonusRates' | 'rankingDecimals' | 'payoutDecimals'>,
): BonusAssignment[] {
  const assignments: BonusAssignment[] = [];
  for (const [payGradeGroup, ranked] of rankWithinPayGradeGroups(people, config)) {
    const gradeCounts = bonusGradeCounts(ranked.length, config.bonusQuotas);
    const ranges = gradeRankRanges(gradeCounts);
    const gradeRanks = new Map(BONUS_GRADES.map((grade) => [grade, ranges[grade]]));
    const gradeOf = (rank: number): BonusGrade =>
      BONUS_GRADES.find((candidate) => rank <= (gradeRanks.get(candidate)?.last ?? 0)) ?? 'C';
    const awardedCounts: Record<BonusGrade, number> = { S: 0, A: 0, B: 0, C: 0 };
    for (const { rank } of ranked) awardedCounts[gradeOf(rank)] += 1;
    for (const { person, rank, groupSize, compared, decidedBy, tiedWith } of ranked) {
      const grade = gradeOf(rank);
      const ratePercent = config.bonusRates[grade];
      const payoutBeforeRounding = (person.baseAmount * ratePercent) / 100;
      assignments.push({
        id: person.id,
        employeeNo: person.employeeNo,
        payGradeGroup,
        grade,
        rank,
        payout: roundTo(payoutBeforeRounding, config.payoutDecimals),
        why: {
          payGradeGroup,
          groupSize,
          rank,
          finalScore: person.finalScore,
          performanceResult: person.performanceResult,
          capabilityResult: person.capabilityResult,
          compared,
          decidedBy,
          tiedWith,
          quotaBent: rank + tiedWith > (gradeRanks.get(grade)?.last ?? rank),
          quotas: { ...config.bonusQuotas },
          gradeCounts,
          awardedCounts,
          gradeRanks: gradeRanks.get(grade) ?? { first: rank, last: rank },
          ratePercent,
          baseAmount: person.baseAmount,
          payoutBeforeRounding,
        },
      });
    }
  }
  return assignments;
}

export interface PromotionCandidate {
  readonly id: string;
  readonly employeeNo: string;
  readonly payGradeGroup: string;
  readonly rank: number;
  readonly groupSize: number;
  readonly candidateCount: number;
}

/**
 * The top `promotionTopShare` percent of each pay-grade group by the same ranking as bonuses: the count is
 * group size × share rounded down, but at least one person in every non-empty group when the share is
 * above zero; everyone sharing a rank within it is in. Sorted by group, then rank.
 */
export function promotionCandidates(
  people: readonly RankablePerson[],
  config: Pick<ScoringConfig, 'promotionTopShare' | 'rankingDecimals'>,
): PromotionCandidate[] {
  const candidates: PromotionCandidate[] = [];
  for (const [payGradeGroup, ranked] of rankWithinPayGradeGroups(people, config)) {
    const candidateCount = promotionCandidateCount(ranked.length, config.promotionTopShare);
    // People tied with the last candidate are candidates too (their order would be the employee number).
    for (const { person, rank, groupSize } of ranked.filter((entry) => entry.rank <= candidateCount)) {
      candidates.push({
        id: person.id,
        employeeNo: person.employeeNo,
        payGradeGroup,
        rank,
        groupSize,
        candidateCount,
      });
    }
  }
  return candidates;
}

// ---------------------------------------------------------------------------------------------------------
// The year end as a whole: the data gate, then the forced distribution

export interface YearEndCandidate extends BonusCandidate {
  readonly teamRole: TeamRole;
  readonly inputs: Readonly<Record<PersonMixInput, number | null>>;
}

export interface UnrankedPerson {
  readonly id: string;
  readonly employeeNo: string;
  readonly payGradeGroup: string;
  readonly gate: DataGate;
}

/**
 * Everyone through `personDataGate`; those above the minimum are ranked and graded per pay-grade group
 * (`assignBonusGrades`, group sizes count only them), the rest are listed for HR's decision and are neither
 * ranked nor paid by the distribution.
 */
export function gradeYearEnd(
  people: readonly YearEndCandidate[],
  config: Pick<
    ScoringConfig,
    | 'bonusQuotas'
    | 'bonusRates'
    | 'rankingDecimals'
    | 'payoutDecimals'
    | 'individualMix'
    | 'performanceMix'
    | 'finalMix'
    | 'dataMinimum'
  >,
): { assignments: BonusAssignment[]; unranked: UnrankedPerson[] } {
  const ranked: YearEndCandidate[] = [];
  const unranked: UnrankedPerson[] = [];
  for (const person of people) {
    const gate = personDataGate(person.teamRole, person.inputs, config);
    if (gate.sufficient) ranked.push(person);
    else
      unranked.push({
        id: person.id,
        employeeNo: person.employeeNo,
        payGradeGroup: person.payGradeGroup,
        gate,
      });
  }
  return { assignments: assignBonusGrades(ranked, config), unranked };
}
