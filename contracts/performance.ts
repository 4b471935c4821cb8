import { Type, type Static, type TSchema } from 'typebox';

/**
 * The performance API's response bodies, as TypeBox schemas and their static types: the routes declare them
 * as their 200 responses (so fastify serialises with them), and the portal reads them as types only
 * (`import type`, erased from the bundle). One name per field, exactly as the server sends it; a field the
 * server renames fails the portal's typecheck and test/integration/performance-contract.test.ts.
 *
 * Only `typebox` may be imported here: this folder has no runtime dependencies of the server or the web.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A score or a value that may not exist yet (no measurement, insufficient data). */
export const Num = Nullable(Type.Number());

/** A traffic light; null where there is nothing to judge (no value, insufficient data). */
export const Light = Type.Union([
  Type.Literal('GREEN'),
  Type.Literal('YELLOW'),
  Type.Literal('RED'),
  Type.Null(),
]);

export const UnitRef = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  kind: Type.String(),
});

/** GET /api/performance/:year/units: one unit that has a scorecard in the year. */
export const PerformanceUnitView = Type.Object({
  ...UnitRef.properties,
  parentCode: Nullable(Type.String()),
});

/** What defines a KPI, as the scorecard and the map editor both show it. */
export const KpiDefinitionFields = {
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  unitLabel: Type.String(),
  direction: Type.String(),
  source: Type.String(),
  ownerNo: Nullable(Type.String()),
  weight: Type.Number(),
  target: Type.Number(),
};

/** A KPI on the scorecard: its definition, its light thresholds, its current value, achievement and light. */
export const KpiView = Type.Object({
  ...KpiDefinitionFields,
  thresholds: Type.Object({ green: Type.Number(), yellow: Type.Number() }),
  value: Num,
  achievement: Num,
  light: Light,
});

export const ObjectiveView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  weight: Type.Number(),
  ownerNo: Nullable(Type.String()),
  parentCode: Nullable(Type.String()),
  score: Num,
  light: Light,
  kpis: Type.Array(KpiView),
});

export const PerspectiveView = Type.Object({
  /** camelCase: customer, workPerformance, processInnovation, learningGrowth. */
  perspective: Type.String(),
  weight: Type.Number(),
  score: Num,
  light: Light,
  objectives: Type.Array(ObjectiveView),
});

/** GET /api/performance/:year/scorecards/:unitCode */
export const ScorecardView = Type.Object({
  year: Type.Integer(),
  unit: UnitRef,
  score: Num,
  light: Light,
  /** Percent of the unit's KPI weight with a value; below the configured share: no score, no light. */
  measuredKpiShare: Type.Number(),
  insufficientData: Type.Boolean(),
  perspectives: Type.Array(PerspectiveView),
  config: Type.Object({
    perspectiveWeights: Type.Record(Type.String(), Type.Number()),
    lightThresholds: Type.Object({ green: Type.Number(), yellow: Type.Number() }),
    achievementCap: Type.Number(),
  }),
});

export const StrategyItem = Type.Object({
  code: Type.String(),
  nameKo: Type.String(),
  nameEn: Type.String(),
});

/** A strategic objective as the strategy map shows it (kpiCodes in the order the rows were read). */
export const MapObjectiveFields = {
  code: Type.String(),
  perspective: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  weight: Type.Number(),
  ownerNo: Nullable(Type.String()),
  parentCode: Nullable(Type.String()),
  kpiCodes: Type.Array(Type.String()),
};

/** GET /api/performance/:year/strategy-maps/:unitCode */
export const StrategyMapView = Type.Object({
  year: Type.Integer(),
  unit: UnitRef,
  parentCode: Nullable(Type.String()),
  childCodes: Type.Array(Type.String()),
  mission: Type.Object({ ko: Type.String(), en: Type.String() }),
  vision: Type.Object({ ko: Type.String(), en: Type.String() }),
  strategies: Type.Array(StrategyItem),
  objectives: Type.Array(Type.Object(MapObjectiveFields)),
});

/** One decision of the year end, as the yearly workflow records it. */
export const YearDecision = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  action: Type.Union([
    Type.Literal('triggered'),
    Type.Literal('submitted'),
    Type.Literal('approved'),
    Type.Literal('rejected'),
    Type.Literal('finalised'),
  ]),
  /** Absent when the decision was made without one. */
  opinion: Type.Optional(Type.String()),
});

/** GET /api/performance/:year/year-end (and the answers of its trigger, submit and decide calls). */
export const YearStatusView = Type.Object({
  year: Type.Integer(),
  stage: Type.String(),
  running: Type.Boolean(),
  recordedCount: Nullable(Type.Integer()),
  runNumber: Nullable(Type.Integer()),
  yearEndAt: Nullable(Type.String()),
  decisions: Type.Array(YearDecision),
  headOpinion: Nullable(Type.String()),
  lights: Type.Record(Type.String(), Type.String()),
});

/** A unit's stored year-end result. */
export const UnitResultView = Type.Object({
  unitCode: Type.String(),
  unitKind: Type.String(),
  score: Num,
  light: Nullable(Type.String()),
  /** By perspective (CUSTOMER, WORK_PERFORMANCE, ...). */
  perspectiveScores: Type.Record(Type.String(), Num),
  measuredKpiShare: Num,
  insufficientData: Type.Boolean(),
});

/** A person's stored year-end result. */
export const PersonResultView = Type.Object({
  employeeNo: Type.String(),
  name: Type.String(),
  unitCode: Type.String(),
  teamRole: Type.String(),
  payGrade: Type.String(),
  teamScore: Num,
  leaderEvaluation: Num,
  systemScore: Num,
  individualScore: Num,
  performanceResult: Num,
  capabilityResult: Num,
  computedFinalScore: Num,
  finalScore: Num,
  adjusted: Type.Boolean(),
  rank: Nullable(Type.Integer()),
  groupSize: Nullable(Type.Integer()),
  grade: Nullable(Type.String()),
  baseAmount: Num,
  payout: Num,
  promotionCandidate: Type.Boolean(),
  /** The grading's own record of its inputs and rules (open-ended JSON). */
  why: Type.Unknown(),
  measuredShare: Num,
  dataSufficient: Type.Boolean(),
  dataDecision: Nullable(Type.String()),
  dataDecisionReason: Nullable(Type.String()),
  dataDecisionBy: Nullable(Type.String()),
  /** "Why this grade" in words; the score it explains is `finalScore`, the one the ranking used. */
  explanation: Type.Object({ ko: Type.Array(Type.String()), en: Type.Array(Type.String()) }),
});

/** An HR change to a person's final score during the year end. */
export const ScoreAdjustment = Type.Object({
  employeeNo: Type.String(),
  before: Num,
  after: Type.Number(),
  reason: Type.String(),
  actor: Type.String(),
  at: Type.String(),
});

/** GET /api/performance/:year/year-end/review and GET /api/performance/:year/results */
export const ResultsView = Type.Object({
  year: Type.Integer(),
  stage: Type.String(),
  finalisedAt: Nullable(Type.String()),
  /** The year's scoring configuration and base amounts (open-ended JSON). */
  config: Type.Unknown(),
  units: Type.Array(UnitResultView),
  people: Type.Array(PersonResultView),
  adjustments: Type.Array(ScoreAdjustment),
});

export type Light = Static<typeof Light>;
export type PerformanceUnitView = Static<typeof PerformanceUnitView>;
export type KpiView = Static<typeof KpiView>;
export type ObjectiveView = Static<typeof ObjectiveView>;
export type PerspectiveView = Static<typeof PerspectiveView>;
export type ScorecardView = Static<typeof ScorecardView>;
export type StrategyMapView = Static<typeof StrategyMapView>;
export type YearDecision = Static<typeof YearDecision>;
export type YearStatusView = Static<typeof YearStatusView>;
export type UnitResultView = Static<typeof UnitResultView>;
export type PersonResultView = Static<typeof PersonResultView>;
export type ScoreAdjustment = Static<typeof ScoreAdjustment>;
export type ResultsView = Static<typeof ResultsView>;
